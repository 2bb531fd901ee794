import { createEffect, createMemo } from "solid-js";
import { renderMarkdown } from "../markdown/render-markdown.ts";
import { sanitizeHtml } from "../markdown/sanitize-html.ts";
import { typesetMath } from "../markdown/typeset-math.ts";

/** Markdown rendered, then sanitised, then its math typeset: the only way author text becomes HTML. */
export function MarkdownView(props: { text: string; class?: string }) {
  let element: HTMLDivElement | undefined;
  const rendered = createMemo(() => {
    const { html, hasMath } = renderMarkdown(props.text);
    return { html: sanitizeHtml(html), hasMath };
  });
  createEffect(() => {
    if (rendered().hasMath && element) void typesetMath(element);
  });
  return <div ref={element} class={`markdown ${props.class ?? ""}`} innerHTML={rendered().html} />;
}
