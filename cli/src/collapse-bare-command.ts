/** CodaLab's `---`: everything after it becomes one argument, shell-quoted and joined with spaces,
 * so `cl run a:b --- python x.py --lr 3` needs no outer quotes. Only the first `---` counts. */
export function collapseBareCommand(argv: readonly string[]): string[] {
  const index = argv.indexOf("---");
  if (index < 0) return [...argv];
  return [
    ...argv.slice(0, index),
    argv
      .slice(index + 1)
      .map(shellQuote)
      .join(" "),
  ];
}

/** Python's shlex.quote: safe words stay bare, anything else goes in single quotes. */
export function shellQuote(word: string): string {
  if (word === "") return "''";
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}
