/**
 * The runner's flags and environment, with CodaLab's `cl-worker` names where they exist
 * (spec §8.4), parsed into one validated `AgentConfig`. Pure: the caller passes argv, env, the
 * host name and the working directory, so every rule is testable without a process.
 */
import { resolve } from "node:path";
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { CodalabError } from "@codalab/core/errors";
import { parseSize } from "@codalab/core/format/size";

export const RUNTIME_CHOICES = ["docker", "process", "auto"] as const;
export type RuntimeChoice = (typeof RUNTIME_CHOICES)[number];

export const DEFAULT_SERVER = "http://localhost:8787";
export const DEFAULT_WORK_DIR = "codalab-worker-scratch";
export const DEFAULT_MAX_WORK_DIR_SIZE = "10g";
export const DEFAULT_IMAGE = "codalab/default-cpu:latest";
export const DEFAULT_NETWORK_PREFIX = "codalab_worker_network";
const TAG_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

export type AgentConfig = {
  /** Base URL of the API, without a trailing slash. */
  server: string;
  /** `--id`: the worker's own name, unique per owner. */
  workerName: string;
  hostname: string;
  /** Absolute. */
  workDir: string;
  passwordFile: string | null;
  /** Absolute path of a file holding a worker token (`--token-file`). */
  tokenFile: string | null;
  /** A worker token given on the command line (`--token`; visible to other users in `ps`). */
  token: string | null;
  /** null = all cores of this machine. */
  cpus: number | null;
  gpus: number;
  /** Bytes; null = all of this machine's memory. */
  maxMemory: number | null;
  /** Bytes the dependency cache may hold. */
  maxWorkDirSize: number;
  tag: string | null;
  tagExclusive: boolean;
  group: string | null;
  sharedPool: boolean;
  preemptible: boolean;
  maxConcurrentRuns: number | null;
  exitAfterNumRuns: number | null;
  runtime: RuntimeChoice;
  defaultImage: string;
  networkPrefix: string;
  /** Seconds a graceful stop waits for uploads and finalisation. */
  drainTimeout: number;
  verbose: boolean;
};

export const USAGE = `Usage: cl-runner [options]

Connects this machine to a CodaLab server and runs the bundles it is assigned.

Credentials (one of):
  --token-file FILE         a worker token (clw_…) from POST /rest/workers/tokens (mode 600)
  --token TOKEN             the same on the command line (others on this host can see it)
  --password-file FILE      user name on line 1, password on line 2 (mode 600)
  CODALAB_WORKER_TOKEN      a worker token, from the environment
  CODALAB_USERNAME / CODALAB_PASSWORD   environment variables

Options:
  --server URL              API server (default ${DEFAULT_SERVER}, or CODALAB_SERVER)
  --id NAME                 worker name (default: this host's name)
  --work-dir DIR            scratch directory (default ./${DEFAULT_WORK_DIR})
  --cpus N                  CPUs offered (default: all)
  --gpus N                  GPUs offered (default 0)
  --max-memory SIZE         memory offered, e.g. 16g (default: all)
  --max-work-dir-size SIZE  dependency cache size (default ${DEFAULT_MAX_WORK_DIR_SIZE})
  --tag TAG                 only runs asking for this tag (letters, digits, hyphens) ...
  --tag-exclusive           ... and no untagged runs
  --group NAME              take runs of this group's members
  --shared-pool             offer this worker to everyone (admins only)
  --preemptible             runs here may be re-staged elsewhere if the worker goes away
  --max-concurrent-runs N   runs at once (default: no limit)
  --exit-after-num-runs N   exit after taking N runs (also --exit-after-runs N)
  --runtime docker|process  how runs are contained (default: docker if its socket answers)
  --default-image IMAGE     image checked at start-up (default ${DEFAULT_IMAGE})
  --network-prefix PREFIX   Docker network name prefix (default ${DEFAULT_NETWORK_PREFIX})
  --drain-timeout SECONDS   on SIGTERM, wait this long for uploads to finish (default 120)
  --verbose                 debug logging
  --config FILE             more settings, one "name = value" a line (or CODALAB_RUNNER_CONFIG)
  --help                    this text

Every option can also be set as CODALAB_RUNNER_<NAME> (CODALAB_RUNNER_WORK_DIR=/scratch,
CODALAB_RUNNER_SHARED_POOL=true) or in the --config file (work-dir = /scratch). Flags win over
the environment, the environment over the file.
`;

function invalid(message: string): CodalabError {
  return new CodalabError("VALIDATION_FAILED", message);
}

function integer(flag: string, text: string | undefined, min: number): number | null {
  if (text === undefined) return null;
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < min) {
    throw invalid(`${flag} must be a whole number of at least ${min}, not ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function size(flag: string, text: string | undefined): number | null {
  if (text === undefined) return null;
  try {
    const bytes = parseSize(text);
    if (bytes <= 0) throw invalid(`${flag} must be larger than 0`);
    return bytes;
  } catch (error) {
    if (error instanceof CodalabError && error.message.startsWith(flag)) throw error;
    throw invalid(`${flag}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function serverUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`--server must be a URL like ${DEFAULT_SERVER}, not ${JSON.stringify(text)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid(`--server must be an http:// or https:// URL, not ${JSON.stringify(text)}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** Every flag; config-sources.ts turns config-file lines and CODALAB_RUNNER_* variables into them. */
export const AGENT_OPTIONS = {
  server: { type: "string" },
  "password-file": { type: "string" },
  "token-file": { type: "string" },
  token: { type: "string" },
  id: { type: "string" },
  "work-dir": { type: "string" },
  cpus: { type: "string" },
  gpus: { type: "string" },
  "max-memory": { type: "string" },
  "max-work-dir-size": { type: "string" },
  tag: { type: "string" },
  "tag-exclusive": { type: "boolean" },
  group: { type: "string" },
  "shared-pool": { type: "boolean" },
  preemptible: { type: "boolean" },
  "max-concurrent-runs": { type: "string" },
  "exit-after-num-runs": { type: "string" },
  runtime: { type: "string" },
  "default-image": { type: "string" },
  "network-prefix": { type: "string" },
  "drain-timeout": { type: "string" },
  verbose: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsOptionsConfig;

export type ParsedArgs = { help: true } | { help: false; config: AgentConfig };

export function parseAgentArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  host: { hostname: string; cwd: string },
): ParsedArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: AGENT_OPTIONS,
    }));
  } catch (error) {
    // node:util's messages name the flag ("Unknown option '--x'"); keep them, add the way out.
    throw invalid(`${error instanceof Error ? error.message : String(error)} (see cl-runner --help)`);
  }
  if (values.help === true) return { help: true };
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === "string" ? value : undefined;
  };
  const flag = (name: string): boolean => values[name] === true;

  const tag = text("tag") ?? null;
  if (tag !== null && !TAG_PATTERN.test(tag)) {
    throw invalid(`--tag must be 1 to 64 letters, digits and hyphens, not ${JSON.stringify(tag)}`);
  }
  if (flag("tag-exclusive") && tag === null) throw invalid("--tag-exclusive needs a --tag");
  const runtime = text("runtime") ?? "auto";
  if (!(RUNTIME_CHOICES as readonly string[]).includes(runtime)) {
    throw invalid(`--runtime must be docker or process, not ${JSON.stringify(runtime)}`);
  }
  const workerName = text("id") ?? host.hostname;
  if (workerName === "" || workerName.length > 128 || /[\s/]/.test(workerName)) {
    throw invalid(`--id must be 1 to 128 characters without spaces or slashes, not ${JSON.stringify(workerName)}`);
  }
  const group = text("group") ?? null;
  if (group === "") throw invalid("--group must not be empty");
  const prefix = text("network-prefix") ?? DEFAULT_NETWORK_PREFIX;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(prefix)) {
    throw invalid(`--network-prefix must be a Docker network name, not ${JSON.stringify(prefix)}`);
  }
  const image = text("default-image") ?? DEFAULT_IMAGE;
  if (image.trim() === "") throw invalid("--default-image must not be empty");

  return {
    help: false,
    config: {
      server: serverUrl(text("server") ?? env.CODALAB_SERVER ?? DEFAULT_SERVER),
      workerName,
      hostname: host.hostname,
      workDir: resolve(host.cwd, text("work-dir") ?? DEFAULT_WORK_DIR),
      passwordFile: text("password-file") === undefined ? null : resolve(host.cwd, text("password-file") ?? ""),
      tokenFile: text("token-file") === undefined ? null : resolve(host.cwd, text("token-file") ?? ""),
      token: text("token") ?? null,
      cpus: integer("--cpus", text("cpus"), 1),
      gpus: integer("--gpus", text("gpus"), 0) ?? 0,
      maxMemory: size("--max-memory", text("max-memory")),
      maxWorkDirSize: size("--max-work-dir-size", text("max-work-dir-size") ?? DEFAULT_MAX_WORK_DIR_SIZE) ?? 0,
      tag,
      tagExclusive: flag("tag-exclusive"),
      group,
      sharedPool: flag("shared-pool"),
      preemptible: flag("preemptible"),
      maxConcurrentRuns: integer("--max-concurrent-runs", text("max-concurrent-runs"), 1),
      exitAfterNumRuns: integer("--exit-after-num-runs", text("exit-after-num-runs"), 1),
      runtime: runtime as RuntimeChoice,
      defaultImage: image,
      networkPrefix: prefix,
      drainTimeout: integer("--drain-timeout", text("drain-timeout"), 0) ?? 120,
      verbose: flag("verbose"),
    },
  };
}
