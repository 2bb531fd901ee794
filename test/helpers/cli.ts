/**
 * Runs the real `cl` executable as a user would, with its own CODALAB_HOME so tests never touch
 * ~/.codalab and never share sessions or tokens by accident.
 */
import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Node 24 from the root devDependency: the system Node cannot run TypeScript. */
const NODE = join(REPO_ROOT, "node_modules/.bin/node");
const CL = join(REPO_ROOT, "cli/bin/cl.js");
const TIMEOUT_MS = 30_000;

export type ClResult = { code: number; stdout: string; stderr: string };

export type RunClOptions = {
  /** Added to (or, with undefined, removed from) the environment `cl` runs with. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed (stdin is never a terminal here). */
  input?: string;
  /** CODALAB_HOME to use; a fresh empty one when omitted. */
  home?: string;
};

/** A fresh CODALAB_HOME; with `address`, new sessions there start on that instance. */
export async function makeClHome(
  options: { address?: string; aliases?: Record<string, string> } = {},
): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), "cl-home-"));
  if (options.address || options.aliases) {
    const config = {
      cli: { default_address: options.address ?? "http://localhost:8787", verbose: 1 },
      aliases: { localhost: "http://localhost:8787", ...options.aliases },
    };
    await writeFile(join(home, "config.json"), JSON.stringify(config, null, 2));
  }
  return home;
}

export async function runCl(args: string[], options: RunClOptions = {}): Promise<ClResult> {
  const home = options.home ?? (await makeClHome());
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // The developer's own CodaLab settings (a real CODALAB_PASSWORD, say) must not leak into tests.
    if (value !== undefined && !key.startsWith("CODALAB_")) env[key] = value;
  }
  Object.assign(env, { CODALAB_HOME: home, CODALAB_SESSION: "e2e", NO_COLOR: "1" });
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [CL, ...args], { cwd: REPO_ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`cl ${args.join(" ")} did not finish within ${TIMEOUT_MS} ms\n${stderr}`));
    }, TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** An http://127.0.0.1:<port> address nothing listens on (a port that was free a moment ago). */
export async function unusedAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port was assigned");
  return `http://127.0.0.1:${address.port}`;
}
