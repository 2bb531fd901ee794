/**
 * The text `cl edit` opens in an editor (CodaLab's metadata form): one `key: value` line per
 * editable field, each after a `//` comment describing it; lists space-separated. Parsing turns
 * the edited text back into typed values and the changes into an update.
 */
import type { JsonValue } from "@codalab/core/worksheet/json-value";
import { CodalabError } from "../core-light.ts";
import type { MetadataSpec, MetadataType } from "./metadata-specs.ts";

export function renderMetadataForm(
  title: string,
  specs: readonly MetadataSpec[],
  metadata: Record<string, JsonValue>,
): string {
  const lines = [
    `// ${title}`,
    "// Lines starting with // are ignored. Save and quit to apply; leave it unchanged to cancel.",
  ];
  for (const spec of specs) {
    lines.push("", `// ${spec.description}`, `${spec.key}: ${formValue(metadata[spec.key] ?? null)}`);
  }
  return `${lines.join("\n")}\n`;
}

function formValue(value: JsonValue): string {
  if (value === null) return "";
  if (Array.isArray(value))
    return value.map((item) => (typeof item === "string" ? item : JSON.stringify(item))).join(" ");
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The edited form → typed values of every key written in it. Throws BAD_REQUEST naming the bad line. */
export function parseMetadataForm(text: string, specs: readonly MetadataSpec[]): Record<string, JsonValue> {
  const types = new Map(specs.map((spec) => [spec.key, spec.type]));
  const result: Record<string, JsonValue> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("//")) continue;
    const colon = line.indexOf(":");
    if (colon === -1) throw new CodalabError("BAD_REQUEST", `malformed line (no colon): ${line}`);
    const key = line.slice(0, colon).trim();
    const type = types.get(key);
    if (type === undefined) throw new CodalabError("BAD_REQUEST", `unexpected metadata key: ${key}`);
    result[key] = typedValue(key, type, line.slice(colon + 1).trim());
  }
  if (!Object.hasOwn(result, "name")) throw new CodalabError("BAD_REQUEST", "no name specified; nothing was changed");
  return result;
}

/** A value typed on the command line or in the form, converted by its field's type. */
export function typedValue(key: string, type: MetadataType, text: string): JsonValue {
  switch (type) {
    case "list":
      return text === "" ? [] : text.split(/\s+/);
    case "bool": {
      const lower = text.toLowerCase();
      if (lower === "") return null;
      if (["true", "1", "yes"].includes(lower)) return true;
      if (["false", "0", "no"].includes(lower)) return false;
      throw new CodalabError("BAD_REQUEST", `${key} must be True or False, not ${JSON.stringify(text)}`);
    }
    case "int":
    case "float": {
      if (text === "") return null;
      const value = Number(text);
      if (!Number.isFinite(value) || (type === "int" && !Number.isInteger(value))) {
        throw new CodalabError(
          "BAD_REQUEST",
          `${key} must be ${type === "int" ? "an integer" : "a number"}, not ${JSON.stringify(text)}`,
        );
      }
      return value;
    }
    default:
      return text;
  }
}

/** Keys whose value differs from the current one (lists compared item by item). */
export function changedFields(
  current: Record<string, JsonValue>,
  edited: Record<string, JsonValue>,
): Record<string, JsonValue> {
  const changes: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(edited)) {
    const before = current[key] ?? null;
    const same = JSON.stringify(normalizeEmpty(before)) === JSON.stringify(normalizeEmpty(value));
    if (!same) changes[key] = value;
  }
  return changes;
}

/** An absent field and an empty one read the same in the form. */
function normalizeEmpty(value: JsonValue): JsonValue {
  if (value === "" || (Array.isArray(value) && value.length === 0)) return null;
  return value;
}
