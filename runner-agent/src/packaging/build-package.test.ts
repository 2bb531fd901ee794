/**
 * The package operators install: built, packed with npm, installed into a fresh prefix (under
 * node_modules, where Node strips no types), then the installed `cl-runner` is run as an
 * operator would: help, bad settings, a loose password file, and a real start against a server
 * with its start-up report and a graceful stop.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chmod, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeServer } from "../testing/fake-server.ts";
import { buildRunnerPackage } from "./build-package.ts";

const run = promisify(execFile);
/** Node 24 first: the installed bin's `#!/usr/bin/env node` must find it, as on an operator's host. */
const PATH = `${dirname(process.execPath)}:${process.env.PATH ?? ""}`;

let work: string;
let clRunner: string;

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH, HOME: work, NO_COLOR: "1", ...extra };
}

async function runInstalled(args: string[], extra: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(clRunner, args, { env: env(extra), cwd: work });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Resolves with everything printed once `pattern` appears (rejects if the process exits first). */
function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`cl-runner exited with ${code} before ${pattern}:\n${output}`));
    });
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "cl-runner-package-"));
  const packageDir = await buildRunnerPackage(join(work, "package"));
  await run("npm", ["pack", packageDir, "--pack-destination", work], { env: env(), cwd: work });
  const tarball = (await readdir(work)).find((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack wrote no tarball");
  const prefix = join(work, "prefix");
  await run(
    "npm",
    ["install", "--global", "--prefix", prefix, "--offline", "--no-audit", "--no-fund", join(work, tarball)],
    {
      env: env(),
      cwd: work,
    },
  );
  clRunner = join(prefix, "bin", "cl-runner");
}, 120_000);

describe("the installed cl-runner package", () => {
  it("installs with no dependencies to fetch and prints its help", async () => {
    const { code, stdout } = await runInstalled(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: cl-runner [options]");
    expect(stdout).toContain("--config FILE");
  });

  it("refuses a bad setting with one error line and exit status 2", async () => {
    const { code, stdout, stderr } = await runInstalled(["--cpus", "many"]);
    expect({ code, stdout, stderr }).toEqual({
      code: 2,
      stdout: "",
      stderr: 'error: --cpus must be a whole number of at least 1, not "many"\n',
    });
  });

  it("refuses a password file others can read, saying how to fix it", async () => {
    const passwordFile = join(work, "loose-credentials");
    await writeFile(passwordFile, "worker-user\nsecret\n");
    await chmod(passwordFile, 0o644);
    const { code, stderr } = await runInstalled(["--password-file", passwordFile, "--runtime", "process"]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `error: --password-file ${passwordFile} has mode 644; it must be readable by its owner only: run chmod 600 ${passwordFile}\n`,
    );
  });

  describe("started against a server", () => {
    let server: FakeServer;
    beforeAll(async () => {
      server = await FakeServer.start();
    });
    afterAll(async () => {
      await server.close();
    });

    it("reports server, runtime, resources, tag and group, says hello, and drains on SIGTERM", async () => {
      const credentials = join(work, "credentials");
      await writeFile(credentials, "worker-user\nsecret\n");
      await chmod(credentials, 0o600);
      const config = join(work, "runner.conf");
      await writeFile(config, `server = ${server.url}\npassword-file = ${credentials}\ntag = gpu\ncpus = 1\n`);
      const child = spawn(clRunner, ["--id", "packaged", "--work-dir", join(work, "scratch"), "--group", "lab"], {
        env: env({ CODALAB_RUNNER_CONFIG: config, CODALAB_RUNNER_RUNTIME: "process", CODALAB_RUNNER_MAX_MEMORY: "1g" }),
        cwd: work,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const socket = server.nextSocket(20_000);
      const report = await waitForOutput(child, /group: .*\n/);
      expect(report).toContain(`server:     ${server.url} (user worker-user (from ${credentials}))`);
      expect(report).toContain(`config:     ${config}`);
      expect(report).toMatch(/runtime: {4}process: /);
      expect(report).toContain("resources:  1 CPUs, 0 GPUs, 1g memory");
      expect(report).toContain("tag:        gpu");
      expect(report).toContain("group:      lab");
      const hello = await server.welcome(await socket);
      expect(hello).toMatchObject({ type: "hello", tag: "gpu", group: "lab" });

      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }, 60_000);
  });
});
