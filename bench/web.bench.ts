/**
 * The web app's figures of the web-app issue: a worksheet of 300 bundles in one table whose
 * schema reads three values from `stats.json` in each bundle, opened in headless Chromium on the
 * local instance. Measured from navigation start, in the page: the first meaningful render (the
 * table with all 300 rows, file cells still loading) and all cells filled. Each run is a fresh
 * browser context (nothing cached). Also the JavaScript and CSS the worksheet page loads, gzipped.
 * `node bench/web.bench.ts` runs only these on a fresh instance and updates their section of
 * bench/results.md.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { buildWebIfStale, repoRoot, startInstance } from "../scripts/local-instance.ts";
import { clSession } from "./cl-session.ts";
import { type Figure, machine, percentile, recordSection, table } from "./measure.ts";

const BUNDLES = 300;
/** Rows a laptop screen shows under the worksheet's header: the first meaningful render. */
const FIRST_SCREEN_ROWS = 20;
const RUNS = 5;
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"];

type Api = (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;

async function login(baseUrl: string, password: string): Promise<Api> {
  const response = await fetch(`${baseUrl}/rest/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "codalab", password }),
  });
  const { access_token: token } = (await response.json()) as { access_token: string };
  return async (method, path, body) => {
    const answer = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    if (!answer.ok) throw new Error(`${method} ${path}: ${answer.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : {};
  };
}

/**
 * 300 bundles with a stats.json each: one uploaded with `cl`, then `make` bundles of it (the
 * server assembles those itself, so no runner is needed).
 */
export async function makeWorksheet(baseUrl: string, password: string): Promise<string> {
  const cl = clSession(baseUrl, password);
  const name = `bench-web-${Date.now()}`;
  cl("new", name);
  cl("work", name);
  const source = mkdtempSync(join(tmpdir(), "bench-web-"));
  writeFileSync(join(source, "stats.json"), JSON.stringify({ train: { acc: 0.913, loss: 0.21 }, epochs: 40 }));
  const parent = cl("upload", source, "-n", "stats").trim();
  const api = await login(baseUrl, password);
  const { worksheets } = (await api("GET", `/rest/worksheets?specs=${name}`)) as { worksheets: { uuid: string }[] };
  const worksheet = worksheets[0]?.uuid ?? "";
  const uuids: string[] = [];
  for (let start = 0; start < BUNDLES; start += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, BUNDLES - start) }, async (_, i) => {
        const { bundle } = (await api("POST", "/rest/bundles", {
          bundle_type: "make",
          dependencies: [{ child_path: "", parent_uuid: parent, parent_path: "" }],
          metadata: { name: `exp${start + i}` },
        })) as { bundle: { uuid: string } };
        return bundle.uuid;
      }),
    );
    uuids.push(...batch);
  }
  for (;;) {
    const { result } = (await api(
      "GET",
      `/rest/bundles?keywords=.mine&keywords=bundle_type=make&keywords=state=ready&keywords=.count`,
    )) as {
      result: number;
    };
    if (result >= BUNDLES) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const lines = [
    "% schema exp",
    "% add name",
    "% add acc /stats.json:train/acc %.3f",
    "% add loss /stats.json:train/loss %.3f",
    "% add epochs /stats.json:epochs",
    "% display table exp",
    ...uuids.map((uuid) => `[]{${uuid}}`),
  ];
  const { version } = (await api("GET", `/rest/worksheets/${worksheet}/source`)) as { version: number };
  await api("PUT", `/rest/worksheets/${worksheet}/source`, { source: `${lines.join("\n")}\n`, version });
  return worksheet;
}

function summary(name: string, samples: number[], note?: string): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  return { name, median: percentile(sorted, 50), p90: percentile(sorted, 90), runs: samples.length, unit: "ms", note };
}

export async function webBench(baseUrl: string, password: string): Promise<{ figures: Figure[]; sizes: string }> {
  const worksheet = await makeWorksheet(baseUrl, password);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
  const firstRender: number[] = [];
  const filled: number[] = [];
  let loaded: string[] = [];
  try {
    for (let run = 0; run < RUNS; run += 1) {
      const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
      await context.request.post("/rest/auth/login", { data: { username: "codalab", password, session: "cookie" } });
      const page = await context.newPage();
      await page.goto(`/worksheets/${worksheet}`);
      const firstScreen = `document.querySelectorAll("tr.bundle-table__row").length >= ${FIRST_SCREEN_ROWS}`;
      const rows = `document.querySelectorAll("tr.bundle-table__row").length === ${BUNDLES}`;
      firstRender.push(
        await page.evaluate(
          `new Promise((resolve) => { const check = () => (${firstScreen}) ? resolve(performance.now()) : requestAnimationFrame(check); check(); })`,
        ),
      );
      filled.push(
        await page.evaluate(
          `new Promise((resolve) => { const check = () => (${rows} && document.querySelectorAll(".cell-pending").length === 0) ? resolve(performance.now()) : requestAnimationFrame(check); check(); })`,
        ),
      );
      if (process.env.WEB_BENCH_TRACE) {
        const trace = await page.evaluate(() =>
          performance
            .getEntriesByType("resource")
            .map(
              (e) =>
                `${Math.round(e.startTime)}→${Math.round((e as unknown as { responseEnd: number }).responseEnd)} ${new URL(e.name).pathname.slice(0, 60)}`,
            ),
        );
        console.error(trace.join("\n"));
      }
      loaded = await page.evaluate(() =>
        performance
          .getEntriesByType("resource")
          .map((entry) => new URL(entry.name).pathname)
          .filter((path) => path.startsWith("/assets/")),
      );
      await context.close();
    }
  } finally {
    await browser.close();
  }
  // The entry script is in index.html, not among the resources fetched by script.
  const html = readFileSync(`${repoRoot}web/dist/index.html`, "utf8");
  const entry = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1] ?? "");
  const files = [...new Set([...entry, ...loaded])];
  const gz = (suffix: string) =>
    files
      .filter((path) => path.endsWith(suffix))
      .reduce((total, path) => total + gzipSync(readFileSync(`${repoRoot}web/dist${path}`)).byteLength, 0);
  // The machine is shared: how busy it was says how far these times are from an idle one.
  const load = loadavg()[0]?.toFixed(1) ?? "?";
  const js = gz(".js");
  const css = gz(".css");
  return {
    figures: [
      summary(
        `first meaningful render: the table's first ${FIRST_SCREEN_ROWS} rows drawn, file cells loading`,
        firstRender,
        "goal ≤ 1500 ms",
      ),
      summary(`all ${BUNDLES} rows drawn and all ${BUNDLES * 3} file cells filled`, filled, "goal ≤ 3000 ms"),
    ],
    sizes: `JavaScript the worksheet page loads: ${(js / 1024).toFixed(1)} KiB gzipped (${files.filter((f) => f.endsWith(".js")).length} files); CSS ${(css / 1024).toFixed(1)} KiB gzipped. KaTeX (77 KiB) loads only on worksheets with math. Load average during the runs: ${load} on ${cpus().length} cores.`,
  };
}

const SECTION = "## Web app";

export function webSection(result: { figures: Figure[]; sizes: string }): string {
  return `${SECTION}

Headless Chromium on the local instance, a fresh browser context per run (nothing cached), times
from navigation start measured in the page. One table of ${BUNDLES} bundles whose schema reads
three values from \`stats.json\` in each; the table draws its first rows at once and the rest over
the next frames.

${table(result.figures)}

${result.sizes}
`;
}

if (import.meta.main) {
  const persistDir = mkdtempSync(join(tmpdir(), "codalab-bench-web-"));
  const password = "bench-admin-password";
  buildWebIfStale();
  const instance = await startInstance({ port: 28_987, persistDir, vars: { ADMIN_PASSWORD: password } });
  try {
    const section = webSection(await webBench(instance.url, password));
    const measured = `${section.trimEnd()}\n\nMeasured alone (\`node bench/web.bench.ts\`) on ${machine()}.\n`;
    recordSection(SECTION, measured);
    console.log(section);
  } finally {
    await instance.stop();
    rmSync(persistDir, { recursive: true, force: true });
  }
}
