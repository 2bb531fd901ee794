import { CliError } from "../errors/cli-error.ts";
import { isRecord, type JsonRecord } from "../parse/json-fields.ts";
import type { JsonDocument } from "./json-document.ts";

/** Where a new session points until `cl work` moves it: the local instance `npm start` runs. */
export const DEFAULT_ADDRESS = "http://localhost:8787";

/** config.json: aliases, `cli` settings, and whatever else the user keeps there (kept as is). */
export type ClientConfig = JsonRecord & {
  aliases: Record<string, string>;
  cli: JsonRecord;
};

export function defaultConfig(): ClientConfig {
  return {
    cli: { default_address: DEFAULT_ADDRESS, verbose: 1 },
    aliases: { localhost: DEFAULT_ADDRESS },
  };
}

/** Parses config.json; a missing `aliases` or `cli` section gets the default one. */
export function parseConfig(value: unknown, path: string): ClientConfig {
  if (value === undefined) return defaultConfig();
  const checked = checkConfig(value);
  if (!checked.ok) {
    throw new CliError("VALIDATION_FAILED", `${path} is not a valid CodaLab config: ${checked.problem}`, {
      hint: "fix the file, or delete it to start again from the defaults",
    });
  }
  return checked.config;
}

export type CheckedConfig = { ok: true; config: ClientConfig } | { ok: false; problem: string };

/** Also vets `cl config` edits before they are saved. */
export function checkConfig(value: unknown): CheckedConfig {
  if (!isRecord(value)) return { ok: false, problem: "the top level should be an object" };
  const defaults = defaultConfig();
  const aliases: Record<string, string> = {};
  const rawAliases = value.aliases ?? defaults.aliases;
  if (!isRecord(rawAliases)) return { ok: false, problem: "aliases should be an object" };
  for (const [name, address] of Object.entries(rawAliases)) {
    if (typeof address !== "string") return { ok: false, problem: `aliases/${name} should be an address` };
    aliases[name] = address;
  }
  const cli = value.cli ?? defaults.cli;
  if (!isRecord(cli)) return { ok: false, problem: "cli should be an object" };
  return { ok: true, config: { ...value, aliases, cli } };
}

export function defaultAddressOf(config: ClientConfig): string {
  const configured = config.cli.default_address;
  return typeof configured === "string" && configured !== "" ? configured : DEFAULT_ADDRESS;
}

export type ConfigStore = {
  readonly path: string;
  load(): Promise<ClientConfig>;
  save(config: ClientConfig): Promise<void>;
};

export function createConfigStore(document: JsonDocument): ConfigStore {
  return {
    path: document.path,
    load: async () => parseConfig(await document.read(), document.path),
    save: (config) => document.write(config),
  };
}
