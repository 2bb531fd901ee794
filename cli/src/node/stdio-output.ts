import { createOutput, type Output } from "../output/output.ts";

/**
 * Output to the process's stdout/stderr. A closed pipe (`cl alias | head -1`) ends quietly. The
 * status line (progress bars) exists only when stderr is a terminal; any other stderr text first
 * erases it so messages never end up glued to a half-drawn bar.
 */
export function createStdioOutput(): Output {
  const quitOnClosedPipe = (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  };
  process.stdout.on("error", quitOnClosedPipe);
  process.stderr.on("error", quitOnClosedPipe);
  let statusShown = false;
  const eraseStatus = () => {
    if (!statusShown) return;
    process.stderr.write("\r\u001b[K");
    statusShown = false;
  };
  return createOutput({
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => {
      eraseStatus();
      process.stderr.write(text);
    },
    stdoutBytes: (chunk) =>
      new Promise<void>((resolve) => {
        if (process.stdout.write(chunk)) resolve();
        else process.stdout.once("drain", resolve);
      }),
    stderrBytes: (chunk) => {
      eraseStatus();
      return new Promise<void>((resolve) => {
        if (process.stderr.write(chunk)) resolve();
        else process.stderr.once("drain", resolve);
      });
    },
    status: process.stderr.isTTY
      ? (text) => {
          if (text === "") {
            eraseStatus();
            return;
          }
          process.stderr.write(`\r${text}\u001b[K`);
          statusShown = true;
        }
      : undefined,
  });
}
