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
  /**
   * Writes raw bytes to standard output (`cl cat` of a binary file) and resolves once the
   * consumer has room for more, so a slow pipe holds back the download instead of filling memory.
   */
  bytes(chunk: Uint8Array): Promise<void>;
  /** Raw bytes to standard error (a run's stderr under `-t`), resolving once there is room for more. */
  errorBytes(chunk: Uint8Array): Promise<void>;
  /**
   * Redraws a one-line status (progress bars) on standard error; "" erases it. Absent when
   * standard error is not a terminal: scripts and logs get no progress noise.
   */
  status?: (text: string) => void;
};

export type OutputSinks = {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Raw bytes to stdout; text sinks receive them decoded as UTF-8 when this is missing. */
  stdoutBytes?: (chunk: Uint8Array) => Promise<void> | void;
  stderrBytes?: (chunk: Uint8Array) => Promise<void> | void;
  status?: (text: string) => void;
};

export function createOutput(sinks: OutputSinks): Output {
  const decoder = new TextDecoder();
  const errorDecoder = new TextDecoder();
  const output: Output = {
    line: (text = "") => sinks.stdout(`${text}\n`),
    json: (value) => sinks.stdout(`${JSON.stringify(value, null, 2)}\n`),
    note: (text) => sinks.stderr(`${text}\n`),
    bytes: async (chunk) => {
      if (sinks.stdoutBytes) await sinks.stdoutBytes(chunk);
      else sinks.stdout(decoder.decode(chunk, { stream: true }));
    },
    errorBytes: async (chunk) => {
      if (sinks.stderrBytes) await sinks.stderrBytes(chunk);
      else sinks.stderr(errorDecoder.decode(chunk, { stream: true }));
    },
  };
  if (sinks.status) output.status = sinks.status;
  return output;
}

export type MemoryOutput = Output & { readonly stdout: string; readonly stderr: string };

/**
 * Collects everything written, for tests and for callers that return text (the web terminal).
 * `statusLines` (tests of progress bars) records every status redraw when given.
 */
export function createMemoryOutput(options: { statusLines?: string[] } = {}): MemoryOutput {
  let stdout = "";
  let stderr = "";
  const statusLines = options.statusLines;
  const output = createOutput({
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    status: statusLines ? (text) => statusLines.push(text) : undefined,
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
