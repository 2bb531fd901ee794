/**
 * `?head=N` / `?tail=N` line summaries of a file, as CodaLab's `summarize_file`: a small file is
 * read whole; a large one only around its ends (N lines of at most `maxLineLength` characters),
 * dropping the partial line at each cut and putting `truncationText` where lines were left out.
 * Lines end at `\n`; the text is decoded as UTF-8 (invalid bytes become U+FFFD).
 */
import type { FileBytesReader } from "./bundle-contents.ts";

export type SummaryOptions = { head: number; tail: number; maxLineLength: number; truncationText: string };

function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === "" ? [] : lines;
}

function endWithNewline(lines: string[], dropUnfinished: boolean): void {
  const last = lines[lines.length - 1];
  if (last === undefined || last.endsWith("\n")) return;
  if (dropUnfinished) lines.pop();
  else lines[lines.length - 1] = `${last}\n`;
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

export async function summarizeFile(read: FileBytesReader, size: number, options: SummaryOptions): Promise<string> {
  const { head, tail, maxLineLength, truncationText } = options;
  let lines: string[];
  if (size > (head + tail) * maxLineLength) {
    let headLines: string[] = [];
    let tailLines: string[] = [];
    if (head > 0) {
      headLines = splitLines(decode(await read(0, Math.min(size, head * maxLineLength)))).slice(0, head);
      endWithNewline(headLines, true);
    }
    if (tail > 0) {
      // One byte more than needed, and the first (partial or empty) line always dropped.
      const start = Math.max(0, size - tail * maxLineLength - 1);
      tailLines = splitLines(decode(await read(start, size - start)))
        .slice(1)
        .slice(-tail);
      endWithNewline(tailLines, false);
    }
    lines = head > 0 && tail > 0 ? [...headLines, truncationText, ...tailLines] : head > 0 ? headLines : tailLines;
  } else {
    lines = splitLines(decode(await read(0, size)));
    endWithNewline(lines, false);
    if (lines.length > head + tail) {
      if (head > 0 && tail > 0) lines = [...lines.slice(0, head), truncationText, ...lines.slice(-tail)];
      else if (head > 0) lines = lines.slice(0, head);
      else lines = lines.slice(-tail);
    }
  }
  return lines.join("");
}
