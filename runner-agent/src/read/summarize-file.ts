/**
 * CodaLab's `summarize_file` (the `head`/`tail` view of a running bundle's file): the first
 * `head` and last `tail` lines with `truncation_text` between them when something was left out.
 * A large file is not read whole: only `lines × max_line_length` bytes at each end, dropping the
 * partial line at each cut. Works on bytes so any encoding passes through untouched.
 */
export type SummarySpec = { head: number; tail: number; max_line_length?: number; truncation_text?: string };
export type RangeReader = (offset: number, length: number) => Promise<Uint8Array>;

export const DEFAULT_MAX_LINE_LENGTH = 128;
const NEWLINE = 0x0a;
const encoder = new TextEncoder();

/** Lines including their newline (the last may lack one). */
export function splitLines(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === NEWLINE) {
      lines.push(bytes.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

function endsWithNewline(line: Uint8Array | undefined): boolean {
  return line !== undefined && line[line.length - 1] === NEWLINE;
}

function withNewline(line: Uint8Array): Uint8Array {
  if (endsWithNewline(line)) return line;
  const out = new Uint8Array(line.length + 1);
  out.set(line);
  out[line.length] = NEWLINE;
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export async function summarizeFile(size: number, read: RangeReader, spec: SummarySpec): Promise<Uint8Array> {
  const head = spec.head;
  const tail = spec.tail;
  if (head === 0 && tail === 0) return new Uint8Array(0);
  const maxLine = spec.max_line_length && spec.max_line_length > 0 ? spec.max_line_length : DEFAULT_MAX_LINE_LENGTH;
  const truncation = encoder.encode(spec.truncation_text ?? "");
  const middle = truncation.length > 0 ? [truncation] : [];

  if (size > (head + tail) * maxLine) {
    let headLines: Uint8Array[] = [];
    let tailLines: Uint8Array[] = [];
    if (head > 0) {
      headLines = splitLines(await read(0, head * maxLine)).slice(0, head);
      // The cut may fall inside a line: keep whole lines only.
      if (!endsWithNewline(headLines[headLines.length - 1])) headLines.pop();
    }
    if (tail > 0) {
      // One byte more, and always drop the first (possibly partial) line.
      const start = Math.max(0, size - tail * maxLine - 1);
      tailLines = splitLines(await read(start, size - start))
        .slice(1)
        .slice(-tail);
      const last = tailLines.length - 1;
      const lastLine = tailLines[last];
      if (lastLine !== undefined) tailLines[last] = withNewline(lastLine);
    }
    if (head > 0 && tail > 0) return concat([...headLines, ...middle, ...tailLines]);
    return concat(head > 0 ? headLines : tailLines);
  }

  const lines = splitLines(await read(0, size));
  const last = lines.length - 1;
  const lastLine = lines[last];
  if (lastLine !== undefined) lines[last] = withNewline(lastLine);
  if (lines.length <= head + tail) return concat(lines);
  if (head > 0 && tail > 0) return concat([...lines.slice(0, head), ...middle, ...lines.slice(-tail)]);
  return concat(head > 0 ? lines.slice(0, head) : lines.slice(-tail));
}
