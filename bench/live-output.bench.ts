/**
 * Live output of running bundles, end to end on a local instance with a real runner agent
 * (Docker with the default image when a daemon answers, else the process runtime):
 *
 * - `cl cat <running>/stdout`: a live read answered by the runner through its session (goal p50
 *   ≤ 300 ms; CodaLab: 10–22 s to preview a running bundle), next to `cl cat` of a ready bundle's
 *   file from R2, and both reads over HTTP alone (what the server adds, without `cl`'s start);
 * - `cl run 'echo hi' -W` until it returns with the run ready, next to a bare `docker run` of the
 *   same image (the floor; goal p50 ≤ 2 s);
 * - `-t` latency: from the moment the run prints a line (it prints its own clock, `$EPOCHREALTIME`:
 *   the run and this process share the machine's clock) to the moment that line comes out of
 *   `cl wait -t` (a subprocess reading the followed file; CodaLab polls every second).
 *
 * `node bench/live-output.bench.ts` runs only these on a fresh instance and updates their section
 * of bench/results.md; `npm run bench` includes them.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_IMAGE } from "../runner-agent/src/config/agent-config.ts";
import { buildWebIfStale, repoRoot, startInstance } from "../scripts/local-instance.ts";
import { prepareLocalRuntime, startLocalRunner } from "../scripts/local-runner.ts";
import { clSession } from "./cl-session.ts";
import { type Figure, machine, percentile, recordSection, table, time } from "./measure.ts";

const CAT_RUNS = 20;
const RUN_RUNS = 10;
/** Lines the followed run prints, one every TICK_SECONDS; the first few are skipped (start-up). */
const TICKS = 40;
const SKIPPED_TICKS = 3;
const TICK_SECONDS = 0.25;

/** A GET as the admin, over the same HTTP as `cl` but without its process start. */
type Api = (path: string) => Promise<Response>;

function api(baseUrl: string, password: string): Api {
  let token: Promise<string> | undefined;
  return async (path) => {
    token ??= fetch(`${baseUrl}/rest/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "codalab", password }),
    })
      .then((response) => response.json() as Promise<{ access_token: string }>)
      .then((body) => body.access_token);
    return fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${await token}` } });
  };
}

/** Blocks until the bundle is running: the live read is measured on a bundle known to be live. */
async function untilRunning(get: Api, uuid: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { bundle } = (await (await get(`/rest/bundles/${uuid}`)).json()) as { bundle: { state: string } };
    if (bundle.state === "running") return;
    if (Date.now() > deadline || ["ready", "failed", "killed"].includes(bundle.state)) {
      throw new Error(`bundle ${uuid} is ${bundle.state}, not running`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Latencies (ms) of each `t <epoch seconds>` line from its printing to its arrival out of `cl wait -t`. */
function tailLatencies(env: NodeJS.ProcessEnv, uuid: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${repoRoot}cli/bin/cl.js`, "wait", "-t", uuid], { env });
    const latencies: number[] = [];
    let buffer = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      const arrived = Date.now() / 1000;
      buffer += text;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        const match = /^t (\d+\.\d+)$/.exec(line);
        if (match) latencies.push((arrived - Number(match[1])) * 1000);
      }
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(latencies);
      else reject(new Error(`cl wait -t ${uuid} exited ${code}: ${stderr}`));
    });
  });
}

export async function liveOutputBench(baseUrl: string, adminPassword: string): Promise<Figure[]> {
  const runtime = await prepareLocalRuntime();
  const work = mkdtempSync(join(tmpdir(), "codalab-bench-runner-"));
  const runner = await startLocalRunner({
    server: baseUrl,
    username: "codalab",
    password: adminPassword,
    runtime: runtime.kind,
    workDir: work,
    name: "bench-live-output",
  });
  const cl = clSession(baseUrl, adminPassword);
  const get = api(baseUrl, adminPassword);
  // Its own CODALAB_HOME pointing at the instance: `cl wait -t` runs beside the session above.
  const home = mkdtempSync(join(tmpdir(), "codalab-bench-tail-"));
  writeFileSync(join(home, "config.json"), JSON.stringify({ cli: { default_address: baseUrl }, aliases: {} }));
  const env = { ...process.env, CODALAB_HOME: home, CODALAB_USERNAME: "codalab", CODALAB_PASSWORD: adminPassword };
  try {
    const ready = cl("run", "echo hello from a finished run").trim();
    cl("wait", ready);
    const sleeper = cl("run", "echo hello from a running run; sleep 600").trim();
    await untilRunning(get, sleeper);
    const note = `runner: ${runtime.description}`;
    const figures: Figure[] = [
      await time(
        "`cl cat <running>/stdout` (live read from the runner)",
        CAT_RUNS,
        () => {
          cl("cat", `${sleeper}/stdout`);
        },
        note,
      ),
      await time("`GET …/contents/blob/stdout` of the running bundle (HTTP only)", CAT_RUNS, async () => {
        await (await get(`/rest/bundles/${sleeper}/contents/blob/stdout`)).text();
      }),
      await time("`GET …/contents/blob/stdout` of a ready bundle (HTTP only, R2)", CAT_RUNS, async () => {
        await (await get(`/rest/bundles/${ready}/contents/blob/stdout`)).text();
      }),
      await time("`cl cat <ready>/stdout` (from R2, for comparison)", CAT_RUNS, () => {
        cl("cat", `${ready}/stdout`);
      }),
    ];
    cl("kill", sleeper);

    // A whole short run on a warm runner whose image is present, next to the machine's floor.
    figures.push(
      await time(
        "`cl run 'echo hi' -W` → ready (warm runner, image present)",
        RUN_RUNS,
        () => {
          cl("run", "echo hi", "-W");
        },
        "goal p50 ≤ 2 s; process start, staging, assignment, container, upload of results, finalize",
      ),
    );
    if (runtime.kind === "docker") {
      figures.push(
        await time(`floor: bare \`docker run --rm ${DEFAULT_IMAGE} echo hi\``, RUN_RUNS, () => {
          execFileSync("docker", ["run", "--rm", "--network", "none", DEFAULT_IMAGE, "echo", "hi"], {
            stdio: "ignore",
          });
        }),
      );
    }

    const ticker = cl(
      "run",
      `for i in $(seq ${TICKS}); do echo "t $EPOCHREALTIME"; sleep ${TICK_SECONDS}; done`,
    ).trim();
    const latencies = (await tailLatencies(env, ticker)).slice(SKIPPED_TICKS);
    latencies.sort((a, b) => a - b);
    figures.push({
      name: "`cl wait -t`: a printed line → out of the CLI",
      median: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      runs: latencies.length,
      unit: "ms",
      note: `one line every ${TICK_SECONDS * 1000} ms; CodaLab polls every 1 s`,
    });
    return figures;
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nrunner log:\n${runner.output()}`);
  } finally {
    await runner.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}

const SECTION = "## Live output of running bundles";

export function liveOutputSection(figures: Figure[]): string {
  return `${SECTION}

A real runner agent on the same machine. \`cl\` rows run \`cl\` as a subprocess each time (process
start included); HTTP rows send the same request from the benchmark's own process. Goal for the
live read: p50 ≤ 300 ms end to end (CodaLab: 10–22 s to preview a running bundle).

${table(figures)}
`;
}

if (import.meta.main) {
  const persistDir = mkdtempSync(join(tmpdir(), "codalab-bench-live-"));
  const adminPassword = "bench-admin-password";
  buildWebIfStale();
  const instance = await startInstance({ port: 28_987, persistDir, vars: { ADMIN_PASSWORD: adminPassword } });
  try {
    const section = liveOutputSection(await liveOutputBench(instance.url, adminPassword));
    // The machine may be shared: its load says how much of the figures is waiting for a CPU.
    const load = `load average ${loadavg()[0]?.toFixed(1)} at the end`;
    recordSection(
      SECTION,
      `${section.trimEnd()}\n\nMeasured alone (\`node bench/live-output.bench.ts\`) on ${machine()}, ${load}.\n`,
    );
    console.log(section);
  } finally {
    await instance.stop();
    rmSync(persistDir, { recursive: true, force: true });
  }
}
