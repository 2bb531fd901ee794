import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { executeLocalSql, type LocalInstance, startInstance } from "../scripts/local-instance.ts";
import { type Figure, percentile } from "./measure.ts";
import { SimRunner } from "./sim-runner.ts";

const GiB = 1024 ** 3;
const ADMIN_PASSWORD = "bench-admin-password";

export type Shape = { runs: number; workers: number };
export const DEFAULT_SHAPES: Shape[] = [
  { runs: 1000, workers: 20 },
  { runs: 1000, workers: 200 },
  { runs: 5000, workers: 100 },
  { runs: 10_000, workers: 50 },
  { runs: 10_000, workers: 200 },
];

async function login(server: string): Promise<string> {
  const res = await fetch(`${server}/rest/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "codalab", password: ADMIN_PASSWORD }),
  });
  if (!res.ok) throw new Error(`login: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function createRun(server: string, token: string, name: string): Promise<string> {
  const res = await fetch(`${server}/rest/bundles`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({
      bundle_type: "run",
      command: "true",
      metadata: { name, request_cpus: 1, request_memory: "64m", request_time: "1h" },
    }),
  });
  if (res.status !== 201) throw new Error(`create run: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { bundle: { uuid: string } }).bundle.uuid;
}

type Instance = { server: string; token: string; persistDir: string };

async function withInstance<T>(port: number, body: (instance: Instance) => Promise<T>): Promise<T> {
  const persistDir = mkdtempSync(join(tmpdir(), "codalab-bench-runs-"));
  let instance: LocalInstance | undefined;
  try {
    instance = await startInstance({ port, persistDir, vars: { ADMIN_PASSWORD } });
    await settled(instance.url);
    return await body({ server: instance.url, token: await login(instance.url), persistDir });
  } finally {
    await instance?.stop();
    rmSync(persistDir, { recursive: true, force: true });
  }
}

/**
 * `wrangler dev` may reload once just after it first answers, cutting requests in flight: wait
 * until it has answered three times in a row, half a second apart.
 */
async function settled(server: string): Promise<void> {
  for (let answered = 0; answered < 3; ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const ok = await fetch(`${server}/rest/version`).then(
      (response) => response.ok,
      () => false,
    );
    answered = ok ? answered + 1 : 0;
  }
}

function waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (done()) resolve();
      else if (performance.now() > deadline) reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      else setTimeout(check, 5);
    };
    check();
  });
}

/** Run created → its runner holds the assignment, `samples` times in a row on an idle worker. */
export async function assignmentLatency(server: string, token: string, samples = 200): Promise<Figure[]> {
  let arrived: { uuid: string; at: number } | null = null;
  const runner = await SimRunner.connect({
    server,
    token,
    name: "latency",
    capacity: { cpus: 100_000, gpus: 0, memory_bytes: 100_000 * GiB, free_disk_bytes: 1024 * GiB },
    onAssign: (uuid, at) => {
      arrived = { uuid, at };
    },
  });
  const toAssign: number[] = [];
  const toResponse: number[] = [];
  try {
    for (let i = 0; i < samples + 10; i++) {
      arrived = null;
      const start = performance.now();
      const uuid = await createRun(server, token, `latency-${i}`);
      const responded = performance.now();
      await waitUntil(() => arrived !== null, 10_000, `the assignment of ${uuid}`);
      const got = arrived as { uuid: string; at: number } | null;
      if (got?.uuid !== uuid) throw new Error(`expected ${uuid}, got ${got?.uuid}`);
      // The first runs warm the instance up (module load, first D1 queries).
      if (i < 10) continue;
      toAssign.push(got.at - start);
      toResponse.push(responded - start);
    }
  } finally {
    runner.close();
  }
  toAssign.sort((a, b) => a - b);
  toResponse.sort((a, b) => a - b);
  const figure = (name: string, sorted: number[], note: string): Figure => ({
    name,
    median: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    runs: sorted.length,
    unit: "ms",
    note,
  });
  return [
    figure(
      "run created → runner holds the assignment",
      toAssign,
      `p99 ${percentile(toAssign, 99).toFixed(0)} ms, max ${(toAssign.at(-1) ?? 0).toFixed(0)} ms; goal p50 ≤ 50, p99 ≤ 250; CodaLab 3.4 s`,
    ),
    figure(
      "`POST /rest/bundles` (run) answered",
      toResponse,
      `p99 ${percentile(toResponse, 99).toFixed(0)} ms; the answer waits until the Scheduler handled the run`,
    ),
  ];
}

export type ThroughputResult = Shape & {
  /** ms for a Scheduler that starts to take the staged runs in (read, check, status of each). */
  recoverMs: number;
  /** ms from the first runner connecting until the last assignment arrived. */
  assignMs: number;
  /** ms until every runner had its welcome (runs arrive meanwhile). */
  connectMs: number;
};

/** Writes `count` staged runs of the admin straight into the instance's D1 (the Scheduler has not started). */
function seedStagedRuns(persistDir: string, count: number): void {
  const sql = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
INSERT INTO bundles (uuid, bundle_type, command, state, owner_id, name, description, tags, metadata,
  request_cpus, request_memory, request_time, staged_status)
SELECT printf('0x%032x', i + 5000000), 'run', 'true', 'staged', (SELECT id FROM users WHERE is_admin = 1),
  'throughput-' || i, '', '[]', '{}', 1, ${64 * 1024 ** 2}, 3600, 'seeded' FROM n;`;
  executeLocalSql(persistDir, sql, "seeding runs");
}

/** N staged runs and no worker, then W runners connect at once: time until all are assigned. */
export async function schedulerThroughput(instance: Instance, shape: Shape): Promise<ThroughputResult> {
  const { server, token } = instance;
  seedStagedRuns(instance.persistDir, shape.runs);
  // The first run created starts the Scheduler, which takes in every staged run before answering.
  const recoverStart = performance.now();
  await createRun(server, token, "throughput-start");
  const recoverMs = performance.now() - recoverStart;
  const total = shape.runs + 1;

  const perWorker = Math.ceil(total / shape.workers);
  let assigned = 0;
  let last = 0;
  const start = performance.now();
  const runners = await Promise.all(
    Array.from({ length: shape.workers }, (_, w) =>
      SimRunner.connect({
        server,
        token,
        name: `sim-${w}`,
        capacity: { cpus: perWorker, gpus: 0, memory_bytes: perWorker * GiB, free_disk_bytes: 1024 * GiB },
        onAssign: (_uuid, at) => {
          assigned++;
          last = at;
        },
      }),
    ),
  );
  const connectMs = performance.now() - start;
  try {
    await waitUntil(() => assigned >= total, 600_000, `${total} assignments (${assigned} so far)`);
  } finally {
    for (const runner of runners) runner.close();
  }
  return { ...shape, recoverMs, connectMs, assignMs: last - start };
}

export function throughputFigures(results: readonly ThroughputResult[]): Figure[] {
  return results.map((result) => ({
    name: `${result.runs.toLocaleString("en")} staged runs → ${result.workers} runners connect → all assigned`,
    median: result.assignMs,
    p90: result.assignMs,
    runs: 1,
    unit: "ms",
    note: `${Math.round(result.runs / (result.assignMs / 1000))} assignments/s; all runners connected after ${(result.connectMs / 1000).toFixed(1)} s; a starting Scheduler took the staged runs in within ${(result.recoverMs / 1000).toFixed(1)} s`,
  }));
}

export async function runsSchedulerBench(
  port: number,
  shapes: readonly Shape[] = DEFAULT_SHAPES,
): Promise<{ latency: Figure[]; throughput: Figure[] }> {
  const latency = await withInstance(port, ({ server, token }) => assignmentLatency(server, token));
  const results: ThroughputResult[] = [];
  for (const shape of shapes)
    results.push(await withInstance(port, (instance) => schedulerThroughput(instance, shape)));
  return { latency, throughput: throughputFigures(results) };
}

function parseShape(text: string): Shape {
  const match = /^(\d+)x(\d+)$/.exec(text);
  if (!match) throw new Error(`a shape is RUNSxWORKERS, like 10000x200, not ${JSON.stringify(text)}`);
  return { runs: Number(match[1]), workers: Number(match[2]) };
}

if (import.meta.main) {
  const { table } = await import("./measure.ts");
  const [what = "all", ...rest] = process.argv.slice(2);
  const port = 28797;
  if (what === "latency" || what === "all") {
    console.log(table(await withInstance(port, ({ server, token }) => assignmentLatency(server, token))));
  }
  if (what === "throughput" || what === "all") {
    const shapes = rest.length > 0 ? rest.map(parseShape) : DEFAULT_SHAPES;
    for (const shape of shapes) {
      const result = await withInstance(port, (instance) => schedulerThroughput(instance, shape));
      console.log(table(throughputFigures([result])));
    }
  }
}
