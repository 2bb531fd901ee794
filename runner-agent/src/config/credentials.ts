/**
 * Where the runner's credentials come from (spec §8.1): a password file that only its owner can
 * read, the CODALAB_USERNAME/CODALAB_PASSWORD pair, or a worker token. The secrets never reach a
 * run: runtimes start commands with a clean environment.
 */
import { readFile, stat } from "node:fs/promises";
import { CodalabError } from "@codalab/core/errors";

export type Credentials =
  | { kind: "token"; token: string }
  | { kind: "password"; username: string; password: string; source: string };

function invalid(message: string): CodalabError {
  return new CodalabError("VALIDATION_FAILED", message);
}

/**
 * Reads the password file (user name on the first line, password on the second), refusing one
 * that anyone but its owner may read or write, as CodaLab does.
 */
export async function readPasswordFile(path: string): Promise<Credentials> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw invalid(`cannot read --password-file ${path}: no such file`);
  }
  if (!info.isFile()) throw invalid(`--password-file ${path} is not a file`);
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(3, "0");
    throw invalid(
      `--password-file ${path} has mode ${mode}; it must be readable by its owner only: run chmod 600 ${path}`,
    );
  }
  const lines = (await readFile(path, "utf8")).split(/\r?\n/);
  const username = lines[0]?.trim() ?? "";
  const password = lines[1] ?? "";
  if (username === "" || password === "") {
    throw invalid(`--password-file ${path} must hold the user name on line 1 and the password on line 2`);
  }
  return { kind: "password", username, password, source: path };
}

/** The flag wins over the environment; a worker token wins over a user name and password. */
export async function loadCredentials(
  passwordFile: string | null,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Credentials> {
  if (passwordFile !== null) return readPasswordFile(passwordFile);
  const token = env.CODALAB_WORKER_TOKEN?.trim();
  if (token) return { kind: "token", token };
  const username = env.CODALAB_USERNAME?.trim();
  const password = env.CODALAB_PASSWORD;
  if (username && password) return { kind: "password", username, password, source: "CODALAB_USERNAME" };
  if (username || password) {
    throw invalid("set both CODALAB_USERNAME and CODALAB_PASSWORD (only one of them is set)");
  }
  throw invalid(
    "no credentials: pass --password-file FILE, or set CODALAB_WORKER_TOKEN, or CODALAB_USERNAME and CODALAB_PASSWORD",
  );
}

export function describeCredentials(credentials: Credentials): string {
  return credentials.kind === "token"
    ? "worker token (CODALAB_WORKER_TOKEN)"
    : `user ${credentials.username} (from ${credentials.source})`;
}
