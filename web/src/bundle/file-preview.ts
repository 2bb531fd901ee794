/**
 * How the bundle page previews a file. Images are shown as images (an `<img>` never runs scripts,
 * SVG included); everything else is shown as plain text when the server says it is text, else
 * offered as a download. HTML is never rendered as a page here: it is text like any other file.
 */
export type PreviewKind = "image" | "text";

const IMAGE = /\.(png|jpe?g|gif|webp|bmp|svg|ico|avif)$/i;

/** Bytes of a file shown in a text preview; the rest is a download away. */
export const TEXT_PREVIEW_BYTES = 64 * 1024;

export function previewKind(name: string): PreviewKind {
  return IMAGE.test(name) ? "image" : "text";
}

/** Only the server's verdict counts: it answers `text/plain` when the first KiB is UTF-8 text. */
export function isTextResponse(contentType: string | null): boolean {
  return contentType?.toLowerCase().startsWith("text/plain") === true;
}

/** "a/b/c" → [["a","a"],["b","a/b"],["c","a/b/c"]], for breadcrumbs. */
export function pathCrumbs(path: string): [name: string, path: string][] {
  const parts = path.split("/").filter((part) => part !== "");
  return parts.map((part, i) => [part, parts.slice(0, i + 1).join("/")]);
}

export function joinPath(directory: string, name: string): string {
  return directory === "" ? name : `${directory}/${name}`;
}
