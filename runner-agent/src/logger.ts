/**
 * One line per event, prefixed with a UTC timestamp and a level, so an operator can grep a
 * worker's log. Tests pass a `MemoryLogger` to assert on what was said.
 */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type Logger = {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
};

export function consoleLogger(options: { verbose?: boolean; write?: (line: string) => void } = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const line = (level: LogLevel, message: string) => {
    const stamp = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    // Multi-line text (stack traces, server messages) stays one log line.
    write(`${stamp} ${level.toUpperCase().padEnd(5)} ${message.replace(/\s*\n\s*/g, " | ")}`);
  };
  return {
    debug: (message) => {
      if (options.verbose) line("debug", message);
    },
    info: (message) => line("info", message),
    warn: (message) => line("warn", message),
    error: (message) => line("error", message),
  };
}

export class MemoryLogger implements Logger {
  readonly lines: { level: LogLevel; message: string }[] = [];
  debug(message: string): void {
    this.lines.push({ level: "debug", message });
  }
  info(message: string): void {
    this.lines.push({ level: "info", message });
  }
  warn(message: string): void {
    this.lines.push({ level: "warn", message });
  }
  error(message: string): void {
    this.lines.push({ level: "error", message });
  }
  text(): string {
    return this.lines.map((l) => `${l.level} ${l.message}`).join("\n");
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Short form of a bundle uuid for log lines (CodaLab shows the first 8 hex digits). */
export function shortUuid(uuid: string): string {
  return uuid.slice(0, 10);
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
