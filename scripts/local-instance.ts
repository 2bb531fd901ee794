/**
 * Starts a complete local instance (`wrangler dev`: the Worker with local D1, R2 and Durable
 * Objects) after applying migrations. Used by `npm start`, the end-to-end tests and the benchmarks,
 * so all three run exactly the same thing.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const wranglerBin = `${repoRoot}node_modules/wrangler/bin/wrangler.js`;

/** Keep everything on loopback: no metrics, no `cf` lookups. */
export const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NO_COLOR: "1",
};

function runNode(args: string[], what: string): void {
  const result = spawnSync(process.execPath, args, { cwd: repoRoot, env: quietEnv, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${what} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** Newest modification time (ms) of the files under `dir`, skipping nothing: web/src is small. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(`${entry.parentPath}/${entry.name}`).mtimeMs);
  }
  return newest;
}

/** Builds web/dist when it is missing or older than the web app's sources, so browser tests never test a stale build. */
export function buildWebIfStale(force = false): void {
  const built = `${repoRoot}web/dist/index.html`;
  if (!force && existsSync(built)) {
    const sources = Math.max(newestMtime(`${repoRoot}web/src`), statSync(`${repoRoot}web/index.html`).mtimeMs);
    if (statSync(built).mtimeMs >= sources) return;
  }
  runNode(
    [`${repoRoot}node_modules/vite/bin/vite.js`, "build", "--logLevel", "warn", `${repoRoot}web`],
    "building the web app",
  );
}

/** Runs SQL against the local D1 database kept in `persistDir` (benchmarks seed rows this way). */
export function executeLocalSql(persistDir: string, sql: string, what: string): void {
  runNode([wranglerBin, "d1", "execute", "DB", "--local", "--persist-to", persistDir, "--command", sql], what);
}

export function applyMigrations(persistDir: string): void {
  runNode(
    [wranglerBin, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir],
    "applying D1 migrations",
  );
}

export type LocalInstance = { url: string; stop: () => Promise<void> };

export async function startInstance(options: {
  port: number;
  persistDir: string;
  vars?: Record<string, string>;
  /** Where wrangler's own output goes: inherited (npm start) or collected for error messages (tests). */
  stdio?: "inherit" | "pipe";
}): Promise<LocalInstance> {
  applyMigrations(options.persistDir);
  const args = [
    wranglerBin,
    "dev",
    "--port",
    String(options.port),
    "--ip",
    "127.0.0.1",
    "--persist-to",
    options.persistDir,
    "--show-interactive-dev-session=false",
    "--log-level",
    options.stdio === "inherit" ? "info" : "warn",
  ];
  for (const [key, value] of Object.entries(options.vars ?? {})) args.push("--var", `${key}:${value}`);
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: quietEnv,
    stdio: ["ignore", options.stdio ?? "pipe", options.stdio ?? "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const url = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/rest/version`);
      if (response.ok) return { url, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`the local instance did not answer within 60 s:\n${output}`);
}
