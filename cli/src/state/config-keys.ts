import { usageError } from "../errors/cli-error.ts";
import { isRecord, type JsonRecord } from "../parse/json-fields.ts";

export type ConfigValue = string | number | boolean;

/** "cli/verbose" → ["cli", "verbose"]; refuses empty segments and keys that would reach into
 * JavaScript object internals. */
export function parseConfigKey(key: string): string[] {
  const segments = key.split("/");
  if (segments.some((segment) => segment === "")) {
    throw usageError(`invalid config key "${key}"`, "write nested keys as section/name, e.g. cli/verbose");
  }
  const reserved = segments.find(
    (segment) => segment === "__proto__" || segment === "constructor" || segment === "prototype",
  );
  if (reserved) throw usageError(`"${reserved}" cannot be used in a config key`);
  return segments;
}

/** CodaLab's auto-typing of `cl config` values: true/false, then integer, then float, else text. */
export function autoType(raw: string): ConfigValue {
  if (raw === "true") return true;
  if (raw === "false") return false;
  const trimmed = raw.trim();
  if (/^[+-]?\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10);
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) {
    const number = Number.parseFloat(trimmed);
    if (Number.isFinite(number)) return number;
  }
  return raw;
}

/** The value at a key path, or undefined when some part of the path is missing. */
export function getConfigValue(config: JsonRecord, path: readonly string[]): unknown {
  let node: unknown = config;
  for (const segment of path) {
    if (!isRecord(node) || !Object.hasOwn(node, segment)) return undefined;
    node = node[segment];
  }
  return node;
}

/** Sets a value, creating the sections on the way like CodaLab does. */
export function setConfigValue(config: JsonRecord, path: readonly string[], value: unknown): void {
  const { parent, leaf } = sectionFor(config, path, true);
  parent[leaf] = value;
}

/** Removes a key; returns false when it was not there. */
export function removeConfigValue(config: JsonRecord, path: readonly string[]): boolean {
  const { parent, leaf } = sectionFor(config, path, false);
  if (!Object.hasOwn(parent, leaf)) return false;
  delete parent[leaf];
  return true;
}

function sectionFor(
  config: JsonRecord,
  path: readonly string[],
  create: boolean,
): { parent: JsonRecord; leaf: string } {
  const leaf = path.at(-1);
  if (leaf === undefined) throw usageError("a config key is required");
  let parent = config;
  for (const [index, segment] of path.slice(0, -1).entries()) {
    const next = Object.hasOwn(parent, segment) ? parent[segment] : undefined;
    if (next === undefined && create) {
      const section: JsonRecord = {};
      parent[segment] = section;
      parent = section;
    } else if (isRecord(next)) {
      parent = next;
    } else if (next === undefined) {
      return { parent: {}, leaf };
    } else {
      const sectionKey = path.slice(0, index + 1).join("/");
      throw usageError(`config key "${sectionKey}" holds a value, not a section`);
    }
  }
  return { parent, leaf };
}
