import { CliError } from "../errors/cli-error.ts";

/**
 * One JSON file of client state (config.json or state.json). The Node adapter writes it
 * atomically with mode 0600; tests and the web terminal keep it in memory.
 */
export type JsonDocument = {
  /** Shown in messages, e.g. "~/.codalab/config.json". */
  readonly path: string;
  /** The parsed content, or undefined when the file does not exist yet. */
  read(): Promise<unknown>;
  write(value: unknown): Promise<void>;
};

export function createMemoryDocument(path: string, initial?: unknown): JsonDocument & { readonly value: unknown } {
  // Stored as text so a caller mutating what it read cannot change the "file" without write().
  let text = initial === undefined ? undefined : JSON.stringify(initial);
  return {
    path,
    get value() {
      return text === undefined ? undefined : JSON.parse(text);
    },
    read: async () => (text === undefined ? undefined : JSON.parse(text)),
    write: async (value) => {
      text = JSON.stringify(value);
    },
  };
}

/** For document adapters: a file that exists but is not JSON. */
export function unreadableDocumentError(path: string, reason: string): CliError {
  return new CliError("VALIDATION_FAILED", `cannot read ${path}: ${reason}`, {
    hint: "fix the file, or delete it to start again (you may have to log in again)",
  });
}
