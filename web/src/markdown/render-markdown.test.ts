import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./render-markdown.ts";

describe("renderMarkdown", () => {
  it("renders headings, emphasis, lists and tables", () => {
    const { html, hasMath } = renderMarkdown(
      "# Results\n\n*fast* and **good**\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |",
    );
    expect(html).toContain("<h1>Results</h1>");
    expect(html).toContain("<em>fast</em>");
    expect(html).toContain("<li>a</li>");
    expect(html).toContain("<td>1</td>");
    expect(hasMath).toBe(false);
  });

  it("turns $…$ and $$…$$ into math holders with the TeX escaped, untouched by emphasis rules", () => {
    const { html, hasMath } = renderMarkdown("Loss $a_1 * b_2 < c$ and\n\n$$\\sum_i x_i$$");
    expect(hasMath).toBe(true);
    expect(html).toContain('<span class="math" data-tex="a_1 * b_2 &lt; c"></span>');
    expect(html).toContain('<div class="math math--display" data-tex="\\sum_i x_i"></div>');
  });

  it("leaves prices, escaped dollars and code alone", () => {
    const { html, hasMath } = renderMarkdown("It costs $5 and $6. A \\$ sign. `$x$` in code.");
    expect(hasMath).toBe(false);
    expect(html).toContain("<code>$x$</code>");
  });

  it("keeps a quote in TeX from closing the attribute", () => {
    const { html } = renderMarkdown('$x" onmouseover="alert(1)$');
    expect(html).toContain('data-tex="x&quot; onmouseover=&quot;alert(1)"');
  });
});
