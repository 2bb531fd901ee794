/** Compares dotted numeric versions ("1.7.10" > "1.7.9"); parts that are not numbers count as 0. */
export function compareVersions(left: string, right: string): number {
  const a = left.split(".").map(toNumber);
  const b = right.split(".").map(toNumber);
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

function toNumber(part: string): number {
  const number = Number.parseInt(part, 10);
  return Number.isNaN(number) ? 0 : number;
}
