/**
 * Headers for served bundle contents (security principle 4): always an attachment, never a type
 * a browser would render or run (text/plain or octet-stream, never text/html or SVG), nosniff,
 * and a file name encoded per RFC 6266 / RFC 8187 so names with quotes, newlines or unicode can
 * neither break nor inject headers.
 */

/** `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded`. */
export function contentDisposition(fileName: string): string {
  const name = fileName === "" ? "download" : fileName;
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

const TEXT_SAMPLE_BYTES = 1024;

/** Text when the first bytes hold no NUL and decode as UTF-8 (a sequence cut at the end is fine). */
export function looksLikeText(sample: Uint8Array): boolean {
  const bytes = sample.subarray(0, TEXT_SAMPLE_BYTES);
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

export const TEXT_TYPE = "text/plain; charset=utf-8";
export const BINARY_TYPE = "application/octet-stream";

export function contentsHeaders(options: {
  fileName: string;
  contentType: string;
  targetType: "file" | "directory";
  targetSize: number;
}): Record<string, string> {
  return {
    "Content-Type": options.contentType,
    "Content-Disposition": contentDisposition(options.fileName),
    "X-Content-Type-Options": "nosniff",
    "X-Codalab-Target-Type": options.targetType,
    "X-Codalab-Target-Size": String(options.targetSize),
    // Served files must not run scripts even if a browser ignored the attachment.
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-cache",
  };
}

export type ByteRange = { start: number; end: number };

/**
 * One `bytes=a-b`, `bytes=a-` or `bytes=-n` range → inclusive bounds, "unsatisfiable", or null
 * (no Range, or a form we ignore, such as several ranges: the whole file is then sent).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | "unsatisfiable" | null {
  if (header === undefined) return null;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return null;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return null;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return "unsatisfiable";
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return "unsatisfiable";
  return { start, end };
}
