/**
 * Where the runner's credentials come from (spec §8.1): a worker token (`--token-file`, `--token`,
 * `CODALAB_WORKER_TOKEN`), a password file that only its owner can read, or the
 * CODALAB_USERNAME/CODALAB_PASSWORD pair. Files holding secrets must be readable by their owner
 * only. The secrets never reach a run: runtimes start commands with a clean environment.
 */
import { readFile, stat } from "node:fs/promises";
import { WORKER_TOKEN_PREFIX } from "@codalab/core/api/worker-tokens";
import { CodalabError } from "@codalab/core/errors";

export type Credentials =
  | { kind: "token"; token: string; source?: string }
  | { kind: "password"; username: string; password: string; source: string };

export type CredentialFlags = { passwordFile: string | null; tokenFile: string | null; token: string | null };

function invalid(message: string): CodalabError {
  return new CodalabError("VALIDATION_FAILED", message);
}

/** The text of a secrets file, refusing one that anyone but its owner may read or write, as CodaLab does. */
async function readSecretFile(flag: string, path: string): Promise<string> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw invalid(`cannot read ${flag} ${path}: no such file`);
  }
  if (!info.isFile()) throw invalid(`${flag} ${path} is not a file`);
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(3, "0");
    throw invalid(`${flag} ${path} has mode ${mode}; it must be readable by its owner only: run chmod 600 ${path}`);
  }
  return readFile(path, "utf8");
}

/** The password file: user name on the first line, password on the second. */
export async function readPasswordFile(path: string): Promise<Credentials> {
  const lines = (await readSecretFile("--password-file", path)).split(/\r?\n/);
  const username = lines[0]?.trim() ?? "";
  const password = lines[1] ?? "";
  if (username === "" || password === "") {
    throw invalid(`--password-file ${path} must hold the user name on line 1 and the password on line 2`);
  }
  return { kind: "password", username, password, source: path };
}

function workerToken(token: string, source: string): Credentials {
  const text = token.trim();
  if (!text.startsWith(WORKER_TOKEN_PREFIX) || /\s/.test(text)) {
    throw invalid(
      `${source} does not hold a worker token (${WORKER_TOKEN_PREFIX}…): make one with POST /rest/workers/tokens {"worker_name": "<--id>"}`,
    );
  }
  return { kind: "token", token: text, source };
}

/** A worker token wins over a password, a flag over the environment; two flags are a mistake. */
export async function loadCredentials(
  flags: CredentialFlags,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Credentials> {
  const given = [
    flags.tokenFile !== null && "--token-file",
    flags.token !== null && "--token",
    flags.passwordFile !== null && "--password-file",
  ].filter((flag): flag is string => flag !== false);
  if (given.length > 1) throw invalid(`pass only one of ${given.join(" and ")}`);
  if (flags.tokenFile !== null) {
    return workerToken(await readSecretFile("--token-file", flags.tokenFile), `--token-file ${flags.tokenFile}`);
  }
  if (flags.token !== null) return workerToken(flags.token, "--token");
  if (flags.passwordFile !== null) return readPasswordFile(flags.passwordFile);
  const token = env.CODALAB_WORKER_TOKEN?.trim();
  if (token) return workerToken(token, "CODALAB_WORKER_TOKEN");
  const username = env.CODALAB_USERNAME?.trim();
  const password = env.CODALAB_PASSWORD;
  if (username && password) return { kind: "password", username, password, source: "CODALAB_USERNAME" };
  if (username || password) {
    throw invalid("set both CODALAB_USERNAME and CODALAB_PASSWORD (only one of them is set)");
  }
  throw invalid(
    "no credentials: pass --token-file FILE or --password-file FILE, or set CODALAB_WORKER_TOKEN, or CODALAB_USERNAME and CODALAB_PASSWORD",
  );
}

export function describeCredentials(credentials: Credentials): string {
  return credentials.kind === "token"
    ? `worker token${credentials.source ? ` (from ${credentials.source})` : ""}`
    : `user ${credentials.username} (from ${credentials.source})`;
}
