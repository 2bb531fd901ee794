import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWebIfStale, executeLocalSql, repoRoot, startInstance } from "../scripts/local-instance.ts";
import { bundlesBench } from "./bundles.bench.ts";
import { clSession } from "./cl-session.ts";
import { cliStartup } from "./cli-startup.bench.ts";
import { liveOutputBench, liveOutputSection } from "./live-output.bench.ts";
import { machine, table } from "./measure.ts";
import { runsSchedulerBench } from "./runs-scheduler.bench.ts";
import { schedulingBench } from "./scheduling-policy.bench.ts";
import { webBench, webSection } from "./web.bench.ts";
import { worksheetsBench, worksheetsSection } from "./worksheets.bench.ts";

const persistDir = mkdtempSync(join(tmpdir(), "codalab-bench-state-"));
const adminPassword = "bench-admin-password";

/** Seeds metadata-only bundles straight into local D1 (search and info need rows, not contents). */
function insertBundles(count: number) {
  const sql = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
INSERT INTO bundles (uuid, bundle_type, state, owner_id, name, description, tags, metadata, data_size, is_dir)
SELECT printf('0x%032x', i + 1000000), 'dataset', 'ready', (SELECT id FROM users WHERE is_admin = 1),
       'bench-seed-' || i, '', '[]', '{}', 1000, 0 FROM n;`;
  executeLocalSql(persistDir, sql, "seeding bundles");
}

buildWebIfStale();
const instance = await startInstance({ port: 28787, persistDir, vars: { ADMIN_PASSWORD: adminPassword } });
try {
  const cl = clSession(instance.url, adminPassword);
  const cli = await cliStartup(cl);
  const bundles = await bundlesBench(cl, persistDir, insertBundles);
  const liveOutput = await liveOutputBench(instance.url, adminPassword);
  const worksheets = await worksheetsBench(instance.url, adminPassword);
  const web = await webBench(instance.url, adminPassword);
  const scheduling = schedulingBench();
  const runsServer = await runsSchedulerBench(28797);
  const report = `# Benchmark results

Written by \`npm run bench\`. Machine: ${machine()}.
Wall-clock times measured end to end against a fresh local instance (\`wrangler dev\`), \`cl\`
run as a subprocess each time (process start included).

## CLI

${table(cli)}

## Bundles

${table(bundles)}

${liveOutputSection(liveOutput)}
${worksheetsSection(worksheets)}
${webSection(web)}
## Scheduling policy (pure CPU, no I/O)

${table(scheduling)}

## Runs server (fresh instances, protocol-level simulated runners)

${table(runsServer.latency)}

${table(runsServer.throughput)}
`;
  writeFileSync(`${repoRoot}bench/results.md`, report);
  console.log(report);
} finally {
  await instance.stop();
  rmSync(persistDir, { recursive: true, force: true });
  rmSync(`${persistDir}-floor`, { recursive: true, force: true });
}
