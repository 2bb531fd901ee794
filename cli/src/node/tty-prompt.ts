import { createInterface } from "node:readline/promises";
import type { Prompter } from "../api/credentials.ts";
import { CliError } from "../errors/cli-error.ts";

/** Exit status of a command interrupted with Ctrl-C, as shells report it (128 + SIGINT). */
const EXIT_INTERRUPTED = 130;

/** What the prompter needs of process.stdin (a TTY). */
export type PromptInput = NodeJS.ReadableStream & { setRawMode(mode: boolean): unknown };

/** Prompts on the terminal; questions go to stderr so `--json` output on stdout stays clean. */
export function createTtyPrompter(input: PromptInput, output: NodeJS.WritableStream): Prompter {
  return {
    async ask(question) {
      const lines = createInterface({ input, output, terminal: true });
      try {
        return await lines.question(question);
      } finally {
        lines.close();
      }
    },
    askSecret: (question) => readHidden(input, output, question),
  };
}

/** Reads one line in raw mode without echoing it (getpass). */
function readHidden(input: PromptInput, output: NodeJS.WritableStream, question: string): Promise<string> {
  output.write(question);
  return new Promise((resolve, reject) => {
    let typed = "";
    const finish = (error?: CliError) => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      output.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      for (const character of chunk.toString("utf8")) {
        if (character === "\r" || character === "\n") return finish();
        if (character === "\u0003") {
          return finish(new CliError("BAD_REQUEST", "interrupted", { exitCode: EXIT_INTERRUPTED }));
        }
        if (character === "\u0004") {
          if (typed === "") return finish(new CliError("INVALID_CREDENTIALS", "no password given"));
          return finish();
        }
        if (character === "\u007f" || character === "\b") typed = typed.slice(0, -1);
        else if (character >= " ") typed += character;
      }
    };
    input.setRawMode(true);
    input.resume();
    input.on("data", onData);
  });
}
