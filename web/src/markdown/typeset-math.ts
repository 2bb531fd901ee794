/**
 * Fills the `data-tex` holders left by `renderMarkdown` with KaTeX. KaTeX and its stylesheet are
 * loaded on first use only: most worksheets have no math, and KaTeX is larger than the rest of the
 * worksheet page together. KaTeX escapes what it prints and, without `trust`, refuses `\href`-like
 * commands, so its output needs no further sanitising.
 */
type Katex = typeof import("katex").default;

let katex: Promise<Katex> | undefined;

function loadKatex(): Promise<Katex> {
  katex ??= Promise.all([import("katex"), import("katex/dist/katex.min.css")]).then(([module]) => module.default);
  return katex;
}

export async function typesetMath(root: HTMLElement): Promise<void> {
  const holders = root.querySelectorAll<HTMLElement>("[data-tex]");
  if (holders.length === 0) return;
  const { render } = await loadKatex();
  for (const holder of holders) {
    render(holder.dataset.tex ?? "", holder, {
      displayMode: holder.classList.contains("math--display"),
      throwOnError: false,
      trust: false,
      maxExpand: 1000,
    });
  }
}
