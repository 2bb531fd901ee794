/**
 * The runner agent `npm start` and the end-to-end tests attach to a local instance: a real
 * `cl-runner` process logged in as the admin and offered to everyone as a shared-pool worker.
 * With Docker, runs use the default image, built here from busybox when the machine has none (no
 * registry is needed); without Docker, the process runtime (bubblewrap sandbox where present).
 */
import { spawn } from "node:child_process";
import { DEFAULT_IMAGE } from "../runner-agent/src/config/agent-config.ts";
import { busyboxMissing, connectDocker, ensureBusyboxImage } from "../runner-agent/src/runtime/local-image.ts";
import { detectSandbox } from "../runner-agent/src/runtime/process-runtime.ts";
import { quietEnv, repoRoot } from "./local-instance.ts";

export type LocalRuntime = {
  kind: "docker" | "process";
  /** One line for the operator: what runs will execute in, and why. */
  description: string;
};

/** Docker when it answers and the default image is there (built if need be), else the process runtime. */
export async function prepareLocalRuntime(): Promise<LocalRuntime> {
  const connection = await connectDocker();
  let fallback: string;
  if (connection.ok) {
    try {
      const outcome = await ensureBusyboxImage(connection.docker, DEFAULT_IMAGE, { withBash: true, replace: false });
      const origin =
        outcome === "kept" ? "found on this machine" : outcome === "built" ? "busybox, built just now" : "busybox";
      return { kind: "docker", description: `Docker, default image ${DEFAULT_IMAGE} (${origin})` };
    } catch (error) {
      const reason = (await busyboxMissing()) ?? (error instanceof Error ? error.message : String(error));
      fallback = `cannot make the default image ${DEFAULT_IMAGE}: ${reason}`;
    }
  } else {
    fallback = connection.reason;
  }
  const sandbox =
    detectSandbox().kind === "bubblewrap"
      ? "sandboxed with bubblewrap"
      : "NOT sandboxed: install bubblewrap (apt-get install bubblewrap)";
  return { kind: "process", description: `process runtime, ${sandbox} (${fallback})` };
}

export type LocalRunner = {
  /** What the runner printed so far (its start-up report and log). */
  output(): string;
  /**
   * Graceful stop (runs handed back, uploads finish), SIGKILL after `graceMs`. A runner already
   * draining because the terminal's Ctrl+C reached it too is left to finish: a second signal
   * would make it stop at once, leaving its containers for the next start.
   */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once, as when its host dies: nothing is handed back. */
  kill(): Promise<void>;
};

export async function startLocalRunner(options: {
  server: string;
  username: string;
  password: string;
  runtime: LocalRuntime["kind"];
  workDir: string;
  /** The worker's name (`--id`). */
  name: string;
  /** Called with each line the runner prints (npm start shows them); they are kept for errors either way. */
  onLine?: (line: string) => void;
  extraArgs?: readonly string[];
}): Promise<LocalRunner> {
  const args = [
    `${repoRoot}runner-agent/src/main.ts`,
    "--server",
    options.server,
    "--id",
    options.name,
    "--work-dir",
    options.workDir,
    "--runtime",
    options.runtime,
    "--shared-pool",
    // A local runner stops quickly: its runs resume when it starts again.
    "--drain-timeout",
    "5",
    ...(options.extraArgs ?? []),
  ];
  const env: Record<string, string | undefined> = { ...quietEnv };
  for (const key of Object.keys(env)) if (key.startsWith("CODALAB_")) delete env[key];
  Object.assign(env, { CODALAB_USERNAME: options.username, CODALAB_PASSWORD: options.password });
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let connected = false;
  let draining = false;
  let partial = "";
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    // Chunks end anywhere; only whole lines are looked at and passed on.
    const lines = (partial + text).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (/ connected to /.test(line)) connected = true;
      if (/ draining \(/.test(line)) draining = true;
      if (line !== "") options.onLine?.(line);
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const runner: LocalRunner = {
    output: () => output,
    async stop(graceMs = 10_000) {
      const gone = () => child.exitCode !== null || child.signalCode !== null;
      // Give a signal sent to the whole process group time to show in the runner's log.
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 300))]);
      if (gone()) return;
      if (!draining) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
  const deadline = Date.now() + 30_000;
  while (!connected) {
    if (child.exitCode !== null) throw new Error(`the runner exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      await runner.stop();
      throw new Error(`the runner did not connect within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return runner;
}
