/**
 * Where commands print. Commands never touch process.stdout: the Node entry point writes to the
 * terminal, the web terminal (later) and the tests collect text.
 */
export type Output = {
  /** Writes one line to standard output. */
  line(text?: string): void;
  /** Writes a value as indented JSON to standard output (the `--json` flag). */
  json(value: unknown): void;
  /** Writes one line to standard error: prompts' preambles, notices, warnings. */
  note(text: string): void;
};

export type OutputSinks = { stdout(text: string): void; stderr(text: string): void };

export function createOutput(sinks: OutputSinks): Output {
  return {
    line: (text = "") => sinks.stdout(`${text}\n`),
    json: (value) => sinks.stdout(`${JSON.stringify(value, null, 2)}\n`),
    note: (text) => sinks.stderr(`${text}\n`),
  };
}

export type MemoryOutput = Output & { readonly stdout: string; readonly stderr: string };

/** Collects everything written, for tests and for callers that return text (the web terminal). */
export function createMemoryOutput(): MemoryOutput {
  let stdout = "";
  let stderr = "";
  const output = createOutput({
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return {
    ...output,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}
