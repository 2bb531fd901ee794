/**
 * Worksheet interpretation figures of the worksheets issue: a worksheet of 2 items per bundle
 * (markup, then a table of the bundles) whose schema reads three values from a JSON file inside
 * each bundle, at 50, 100, 200 and 500 bundles (1 000 items). For each size: the first response
 * the web asks for (`?brief=1`: blocks with file cells pending), the second request that fills
 * every file cell, and the full one-pass interpretation (`cl print` asks for it). Measured over
 * HTTP against a local instance (`wrangler dev`). `node bench/worksheets.bench.ts` runs only these
 * on a fresh instance and updates their section of bench/results.md.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readAllBytes, TarWriter } from "@codalab/core";
import { buildWebIfStale, startInstance } from "../scripts/local-instance.ts";
import { type Figure, machine, recordSection, table, time } from "./measure.ts";

/** Largest first: see `cold` below. */
const SIZES = [500, 200, 100, 50];
const RUNS = 20;
const UPLOAD_CONCURRENCY = 8;

type Api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown, raw?: Uint8Array) => Promise<T>;

async function login(baseUrl: string, password: string): Promise<Api> {
  const response = await fetch(`${baseUrl}/rest/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "codalab", password }),
  });
  const { access_token: token } = (await response.json()) as { access_token: string };
  return async (method, path, body, raw) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const send = () =>
      fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
    // wrangler dev reloads the Worker when someone edits its sources; a request cut by that is retried.
    let answer = await send();
    for (let retry = 0; retry < 10 && answer.status === 503; retry += 1) {
      if (!(await answer.clone().text()).includes("restarted mid-request")) break;
      await new Promise((resolve) => setTimeout(resolve, 2000));
      answer = await send();
    }
    const text = await answer.text();
    if (!answer.ok) throw new Error(`${method} ${path}: ${answer.status} ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : {}) as never;
  };
}

/** A ready directory bundle holding stats.json with three values. */
async function statsBundle(api: Api, index: number, worksheetUuid: string): Promise<string> {
  const { bundle } = await api<{ bundle: { uuid: string } }>("POST", "/rest/bundles", {
    metadata: { name: `exp${index}` },
    worksheet_uuid: worksheetUuid,
  });
  const writer = new TarWriter();
  const collected = readAllBytes(writer.readable);
  const stats = new TextEncoder().encode(
    JSON.stringify({ train: { acc: 0.5 + index / 10_000, loss: 1 / (index + 1) }, epochs: index % 50, notes: "x" }),
  );
  await writer.addFile("stats.json", stats, { mtime: 1_700_000_000, size: stats.byteLength });
  await writer.addFile("stdout", new TextEncoder().encode("done\n"), { mtime: 1_700_000_000, size: 5 });
  const tarIndex = await writer.finish();
  const tar = await collected;
  await api("POST", `/rest/bundles/${bundle.uuid}/upload`, { kind: "directory", size: tar.byteLength });
  await api("PUT", `/rest/bundles/${bundle.uuid}/upload/parts/1`, undefined, tar);
  await api("POST", `/rest/bundles/${bundle.uuid}/upload/complete`, { index: tarIndex });
  return bundle.uuid;
}

async function makeBundles(api: Api, count: number, worksheetUuid: string): Promise<string[]> {
  const uuids: string[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: UPLOAD_CONCURRENCY }, async () => {
      while (next < count) {
        const index = next++;
        uuids[index] = await statsBundle(api, index, worksheetUuid);
      }
    }),
  );
  return uuids;
}

/** 2 items per bundle: markup lines, the schema, then one table of every bundle. */
function source(uuids: readonly string[]): string {
  const schema = [
    "% schema exp",
    "% add name",
    "% add acc /stats.json:train/acc %.3f",
    "% add loss /stats.json:train/loss %.3f",
    "% add epochs /stats.json:epochs",
    "% display table exp",
  ];
  const markup = Array.from({ length: uuids.length - schema.length }, (_, i) => `Notes line ${i} with *markup*.`);
  return [...markup, ...schema, ...uuids.map((uuid) => `[]{${uuid}}`)].map((line) => `${line}\n`).join("");
}

type Interpretation = { blocks: { mode: string; rows?: Record<string, unknown>[] }[] };

function pendingCells(result: Interpretation) {
  return result.blocks.flatMap((block) =>
    (block.rows ?? []).flatMap((row) =>
      Object.values(row).filter(
        (cell): cell is { type: "pending"; bundle_uuid: string; genpath: string; post: string | null } =>
          typeof cell === "object" && cell !== null && (cell as { type?: string }).type === "pending",
      ),
    ),
  );
}

export async function worksheetsBench(baseUrl: string, adminPassword: string): Promise<Figure[]> {
  const api = await login(baseUrl, adminPassword);
  const holder = await api<{ worksheet: { uuid: string } }>("POST", "/rest/worksheets", {
    name: `bench-bundles-${Date.now()}`,
  });
  const all = await makeBundles(api, SIZES[0] ?? 0, holder.worksheet.uuid);
  console.error(`created ${all.length} bundles`);
  const figures: Figure[] = [];
  for (const size of SIZES) {
    const { worksheet } = await api<{ worksheet: { uuid: string; version: number } }>("POST", "/rest/worksheets", {
      name: `bench-ws-${size}-${Date.now()}`,
    });
    await api("PUT", `/rest/worksheets/${worksheet.uuid}/source`, { source: source(all.slice(0, size)), version: 0 });
    const path = `/rest/worksheets/${worksheet.uuid}/interpretation`;
    const first = await api<Interpretation>("GET", `${path}?brief=1`);
    const cells = pendingCells(first);
    if (cells.length !== size * 3) throw new Error(`expected ${size * 3} pending cells, got ${cells.length}`);
    const items = `${size * 2} items, ${size} bundles`;
    console.error(`measuring ${items}`);
    // The largest size goes first, so its first full pass reads every file from R2.
    const cold = await time(`full interpretation, no file read before (cold): ${items}`, 1, async () => {
      const full = await api<Interpretation>("GET", path);
      if (pendingCells(full).length !== 0) throw new Error("the full interpretation left cells pending");
    });
    if (size === SIZES[0]) figures.push(cold);
    figures.push(
      await time(`first response (blocks, file cells pending): ${items}`, RUNS, async () => {
        await api("GET", `${path}?brief=1`);
      }),
      await time(`file cells request (${size * 3} cells, ${size} files): ${items}`, RUNS, async () => {
        await api("POST", "/rest/interpret/file-cells", { cells: cells.map(({ type: _, ...cell }) => cell) });
      }),
      await time(`full interpretation (blocks + every file cell): ${items}`, RUNS, async () => {
        await api("GET", path);
      }),
    );
  }
  return figures;
}

const SECTION = "## Worksheets";

/** This benchmark's section of bench/results.md. */
export function worksheetsSection(figures: Figure[]): string {
  return `${SECTION}

Interpretation over HTTP on the local instance, ${RUNS} runs each; one table of every bundle, whose
schema reads three values from \`stats.json\` in each bundle (2 items per bundle). Warm: the
Worker keeps the first lines of files of finished bundles (\`storage/file-head-cache.ts\`); the cold
figure is the first pass, reading all 500 files from R2.

${table(figures)}
`;
}

if (import.meta.main) {
  const persistDir = mkdtempSync(join(tmpdir(), "codalab-bench-worksheets-"));
  const adminPassword = "bench-admin-password";
  buildWebIfStale();
  const instance = await startInstance({ port: 28_887, persistDir, vars: { ADMIN_PASSWORD: adminPassword } });
  try {
    const section = worksheetsSection(await worksheetsBench(instance.url, adminPassword));
    recordSection(
      SECTION,
      `${section.trimEnd()}\n\nMeasured alone (\`node bench/worksheets.bench.ts\`) on ${machine()}.\n`,
    );
    console.log(section);
  } finally {
    await instance.stop();
    rmSync(persistDir, { recursive: true, force: true });
  }
}
