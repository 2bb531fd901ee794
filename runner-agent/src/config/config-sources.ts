/**
 * The runner's settings from a config file (`--config FILE` or CODALAB_RUNNER_CONFIG) and from
 * CODALAB_RUNNER_<FLAG> variables, turned into command-line flags placed before the real ones.
 * One parser (`parseAgentArgs`) then checks every source alike, and the last word wins: flags
 * over the environment over the file. Credentials never come from here: they live in files
 * only their owner can read (`--password-file`, `--token-file`), or in the process environment.
 *
 * The file holds one `name = value` per line, names as the flags without their dashes (`tag =
 * gpu`, `shared-pool = true`); `#` starts a comment.
 */
import { readFile } from "node:fs/promises";
import { CodalabError } from "@codalab/core/errors";
import { AGENT_OPTIONS } from "./agent-config.ts";

export const CONFIG_ENV = "CODALAB_RUNNER_CONFIG";
const ENV_PREFIX = "CODALAB_RUNNER_";
/** Not settings: the command itself, and where settings come from. */
const NOT_SETTINGS = new Set(["help", "config"]);
/** A secret in a config file or a variable named for it would be easy to leak: refused with a pointer. */
const SECRETS = new Set(["token", "password", "username"]);
/** The spelling next to CodaLab's. */
const ALIASES: Readonly<Record<string, string>> = { "exit-after-runs": "exit-after-num-runs" };
const TRUE = new Set(["true", "yes", "on", "1"]);
const FALSE = new Set(["false", "no", "off", "0"]);

type OptionName = keyof typeof AGENT_OPTIONS;

function invalid(message: string): CodalabError {
  return new CodalabError("VALIDATION_FAILED", message);
}

function optionOf(name: string): OptionName | null {
  const canonical = ALIASES[name] ?? name;
  return canonical in AGENT_OPTIONS && !NOT_SETTINGS.has(canonical) ? (canonical as OptionName) : null;
}

/** `--name value` (or `--name` for a boolean that is on; nothing for one that is off). */
function asFlags(name: OptionName, value: string, where: string): string[] {
  if (AGENT_OPTIONS[name].type === "boolean") {
    const word = value.trim().toLowerCase();
    if (TRUE.has(word)) return [`--${name}`];
    if (FALSE.has(word)) return [];
    throw invalid(`${where}: ${name} must be true or false, not ${JSON.stringify(value)}`);
  }
  if (value.trim() === "") throw invalid(`${where}: ${name} needs a value`);
  return [`--${name}`, value.trim()];
}

function secretRefused(name: string, where: string): CodalabError {
  return invalid(
    `${where}: ${name} does not belong here; put credentials in a file only you can read (--password-file or --token-file, chmod 600)`,
  );
}

/** Flags from the config file's text; `path` names the file in errors. */
export function flagsFromFile(text: string, path: string): string[] {
  const flags: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line === "") return;
    const where = `${path}:${index + 1}`;
    const match = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!match?.[1]) throw invalid(`${where}: expected "name = value", not ${JSON.stringify(raw.trim())}`);
    const name = match[1].toLowerCase();
    if (SECRETS.has(name)) throw secretRefused(name, where);
    const option = optionOf(name);
    if (option === null) throw invalid(`${where}: unknown setting ${JSON.stringify(name)} (see cl-runner --help)`);
    // A bare name switches a boolean on, as the flag does.
    flags.push(...asFlags(option, match[2] ?? (AGENT_OPTIONS[option].type === "boolean" ? "true" : ""), where));
  });
  return flags;
}

/** Flags from CODALAB_RUNNER_<FLAG> variables (`CODALAB_RUNNER_WORK_DIR=/scratch`). */
export function flagsFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  const flags: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(ENV_PREFIX) || key === CONFIG_ENV || value === undefined) continue;
    const name = key.slice(ENV_PREFIX.length).toLowerCase().replaceAll("_", "-");
    if (SECRETS.has(name)) throw secretRefused(key, "environment");
    const option = optionOf(name);
    if (option === null) throw invalid(`environment: ${key} is not a cl-runner setting (see cl-runner --help)`);
    flags.push(...asFlags(option, value, `environment: ${key}`));
  }
  return flags;
}

/** `--exit-after-runs=3` → `--exit-after-num-runs=3`; anything else unchanged. */
function canonicalFlag(arg: string): string {
  const match = /^--([^=]+)(=.*)?$/.exec(arg);
  const alias = match?.[1] ? ALIASES[match[1]] : undefined;
  return alias === undefined ? arg : `--${alias}${match?.[2] ?? ""}`;
}

/** Takes `--config FILE` (or `--config=FILE`) out of argv; CODALAB_RUNNER_CONFIG when the flag is absent. */
export function takeConfigFlag(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): { path: string | null; argv: string[] } {
  const rest: string[] = [];
  let path: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === "--config") {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) throw invalid("--config needs a file name");
      path = next;
      i++;
    } else if (arg.startsWith("--config=")) {
      path = arg.slice("--config=".length);
    } else {
      rest.push(canonicalFlag(arg));
    }
  }
  return { path: path ?? (env[CONFIG_ENV] || null), argv: rest };
}

export async function readConfigFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String(error);
    throw invalid(`cannot read --config ${path}: ${reason}`);
  }
}

/** Every source as one argv for `parseAgentArgs`: file, then environment, then the real flags. */
export async function gatherArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ args: string[]; configFile: string | null }> {
  const taken = takeConfigFlag(argv, env);
  const fromFile = taken.path === null ? [] : flagsFromFile(await readConfigFile(taken.path), taken.path);
  return { args: [...fromFile, ...flagsFromEnv(env), ...taken.argv], configFile: taken.path };
}
