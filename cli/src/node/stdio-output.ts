import { createOutput, type Output } from "../output/output.ts";

/** Output to the process's stdout/stderr. A closed pipe (`cl alias | head -1`) ends quietly. */
export function createStdioOutput(): Output {
  const quitOnClosedPipe = (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  };
  process.stdout.on("error", quitOnClosedPipe);
  process.stderr.on("error", quitOnClosedPipe);
  return createOutput({
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
