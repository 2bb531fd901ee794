/**
 * Worksheet markup → HTML (spec §5.2: Markdown with `$…$` / `$$…$$` math). The HTML is NOT safe
 * yet: it still holds whatever raw HTML the author wrote, so callers must pass it through
 * `sanitizeHtml` before it reaches the page. Math becomes empty `<span class="math" data-tex>`
 * holders that `typesetMath` fills with KaTeX later, so KaTeX (large) is only loaded by pages
 * that have math, and TeX never passes through Markdown's emphasis rules.
 */
import { Marked, type TokenizerAndRendererExtension } from "marked";

export type RenderedMarkdown = { html: string; hasMath: boolean };

function escapeAttribute(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// `$$…$$` may span lines; `$…$` may not, must not start or end with a space (so "$5 and $6" stays
// text) nor hold a backtick (so it never swallows a code span), and `\$` is a literal dollar.
const DISPLAY_MATH = /^\$\$([\s\S]+?)\$\$/;
const INLINE_MATH = /^\$(?!\s)((?:\\.|[^$\\\n`])+?)(?<!\s)\$(?!\d)/;

function mathExtension(hits: { count: number }): TokenizerAndRendererExtension {
  return {
    name: "math",
    level: "inline",
    start(source) {
      const index = source.search(/(?<!\\)\$/);
      return index === -1 ? undefined : index;
    },
    tokenizer(source) {
      const display = DISPLAY_MATH.exec(source);
      const match = display ?? INLINE_MATH.exec(source);
      if (match === null) return undefined;
      return { type: "math", raw: match[0], text: (match[1] ?? "").trim(), display: display !== null };
    },
    renderer(token) {
      hits.count += 1;
      const tag = token.display ? "div" : "span";
      const kind = token.display ? "math math--display" : "math";
      return `<${tag} class="${kind}" data-tex="${escapeAttribute(String(token.text))}"></${tag}>`;
    },
  };
}

export function renderMarkdown(text: string): RenderedMarkdown {
  const hits = { count: 0 };
  const marked = new Marked({ gfm: true, breaks: false, async: false }, { extensions: [mathExtension(hits)] });
  const html = marked.parse(text, { async: false });
  return { html, hasMath: hits.count > 0 };
}
