/** Timing helpers for benchmarks: run something N times, report the median and p90 in ms. */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

export type Figure = { name: string; median: number; p90: number; runs: number; unit: string; note?: string };

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

export async function time(
  name: string,
  runs: number,
  body: () => Promise<void> | void,
  note?: string,
): Promise<Figure> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await body();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { name, median: percentile(samples, 50), p90: percentile(samples, 90), runs, unit: "ms", note };
}

/** Runs a command to completion and throws with its output if it fails. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync(command, args, { env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

export function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

/**
 * Replaces the section of bench/results.md that starts with `heading` (or appends it): how a
 * benchmark run on its own records its figures without touching the others'.
 */
export function recordSection(heading: string, section: string): void {
  const file = new URL("./results.md", import.meta.url);
  const current = readFileSync(file, "utf8");
  const start = current.indexOf(heading);
  if (start === -1) {
    writeFileSync(file, `${current.trimEnd()}\n\n${section}`);
    return;
  }
  const end = current.indexOf("\n## ", start + heading.length);
  writeFileSync(file, current.slice(0, start) + section + (end === -1 ? "" : current.slice(end)));
}

export function table(figures: Figure[]): string {
  const rows = figures.map(
    (f) =>
      `| ${f.name} | ${f.median.toFixed(0)} ${f.unit} | ${f.p90.toFixed(0)} ${f.unit} | ${f.runs} | ${f.note ?? ""} |`,
  );
  return ["| figure | median | p90 | runs | note |", "|---|---|---|---|---|", ...rows].join("\n");
}
