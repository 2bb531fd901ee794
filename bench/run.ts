/**
 * `npm run bench`: starts a fresh local instance, runs every benchmark and writes
 * bench/results.md (median and p90 of N runs, and the machine they ran on).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWebIfMissing, repoRoot, startInstance } from "../scripts/local-instance.ts";
import { cliStartup } from "./cli-startup.bench.ts";
import { machine, table } from "./measure.ts";
import { schedulingBench } from "./scheduling-policy.bench.ts";

const persistDir = mkdtempSync(join(tmpdir(), "codalab-bench-state-"));
const adminPassword = "bench-admin-password";
buildWebIfMissing();
const instance = await startInstance({ port: 28787, persistDir, vars: { ADMIN_PASSWORD: adminPassword } });
try {
  const cli = await cliStartup(instance.url, adminPassword);
  const scheduling = schedulingBench();
  const report = `# Benchmark results

Written by \`npm run bench\`. Machine: ${machine()}.
All figures are wall-clock times measured end to end against a fresh local instance (\`wrangler dev\`).

## CLI

${table(cli)}

## Scheduling policy (pure CPU, no I/O)

${table(scheduling)}
`;
  writeFileSync(`${repoRoot}bench/results.md`, report);
  console.log(report);
} finally {
  await instance.stop();
  rmSync(persistDir, { recursive: true, force: true });
}
