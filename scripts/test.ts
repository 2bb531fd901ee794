/**
 * `npm test`: every test project (unit, web, api inside workerd, end-to-end against a real local
 * instance) in one vitest run with coverage, then one summary line `N passed, N failed`.
 * Extra arguments go to vitest (e.g. `npm test -- --project unit`).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { repoRoot } from "./local-instance.ts";

const reportFile = `${repoRoot}test-results/vitest.json`;
mkdirSync(`${repoRoot}test-results`, { recursive: true });
const extra = process.argv.slice(2);
const coverage = extra.length === 0 ? ["--coverage"] : [];
const result = spawnSync(
  process.execPath,
  [
    `${repoRoot}node_modules/vitest/vitest.mjs`,
    "run",
    ...coverage,
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${reportFile}`,
    ...extra,
  ],
  {
    cwd: repoRoot,
    stdio: "inherit",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  },
);

let summary = "0 passed, 0 failed";
try {
  const report = JSON.parse(readFileSync(reportFile, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
  };
  summary = `${report.numPassedTests} passed, ${report.numFailedTests} failed`;
  if (report.numPendingTests > 0) summary += `, ${report.numPendingTests} skipped`;
} catch {
  summary = "0 passed, 1 failed";
}
console.log(`\n${summary}`);
process.exit(result.status ?? 1);
