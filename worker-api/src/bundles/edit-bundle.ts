/**
 * `cl edit` (spec §1.1, §6): standard metadata, custom keys, frozen and is_anonymous, by a
 * caller with `all`. A frozen bundle refuses every change but unfreezing (which may come with
 * other changes, as in CodaLab); freezing is for final states only. Custom keys are set and
 * removed with `json_set`/`json_remove` in the UPDATE itself, so concurrent edits of different
 * keys all survive, and the frozen check is repeated in the same statement.
 */
import {
  CodalabError,
  CUSTOM_METADATA_KEY_REGEX,
  MAX_CUSTOM_METADATA_BYTES,
  MAX_DESCRIPTION_LENGTH,
  MAX_TAG_LENGTH,
  MAX_TAGS,
  type MetadataValue,
  parseDuration,
  parseSize,
  requireFreezable,
  requireNotFrozen,
  type UpdateBundleRequest,
  validateName,
} from "@codalab/core";
import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { SQLiteUpdateSetSource } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client.ts";
import { bundles } from "../db/schema.ts";
import {
  type BundleField,
  type BundleRow,
  FIELDS_BY_KEY,
  GENERATED_JSON_KEYS,
  RESERVED_KEYS,
} from "./bundle-fields.ts";

/** Keys per request: each costs up to two bound parameters. */
export const MAX_EDITED_KEYS = 40;

type BundleUpdate = Partial<typeof bundles.$inferInsert>;

function invalid(key: string, message: string): CodalabError {
  return new CodalabError("VALIDATION_FAILED", `${key}: ${message}`, { field: `metadata.${key}` });
}

function toText(key: string, value: MetadataValue): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw invalid(key, "expected a string");
}

function toList(key: string, value: MetadataValue): string[] {
  // `cl edit -f tags "a b"` sends one string: CodaLab splits list fields on spaces.
  const list = typeof value === "string" ? value.split(/\s+/).filter((item) => item !== "") : value;
  if (!Array.isArray(list)) throw invalid(key, "expected a list of strings");
  if (list.length > MAX_TAGS) throw invalid(key, `at most ${MAX_TAGS} items`);
  for (const item of list) {
    if (item.length > MAX_TAG_LENGTH) throw invalid(key, `items have at most ${MAX_TAG_LENGTH} characters`);
  }
  return list;
}

function toInteger(key: string, value: MetadataValue): number {
  const number =
    typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number)) throw invalid(key, "expected a whole number");
  return number;
}

/** Sizes (`2g`) and durations (`3h`) as CodaLab writes them, or plain numbers; stored whole. */
function toAmount(key: string, value: MetadataValue, parse: (text: string) => number): number {
  const number = typeof value === "number" ? value : typeof value === "string" ? parse(value) : Number.NaN;
  if (!Number.isFinite(number) || number < 0 || number > Number.MAX_SAFE_INTEGER) {
    throw invalid(key, "expected an amount ≥ 0");
  }
  return Math.round(number);
}

function toBool(key: string, value: MetadataValue): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
  throw invalid(key, "expected true or false");
}

function typedValue(field: BundleField, value: MetadataValue): BundleUpdate[keyof BundleUpdate] {
  const { key } = field;
  if (value === null) {
    if (field.nullable) return null;
    throw invalid(key, "cannot be cleared");
  }
  switch (field.kind) {
    case "text": {
      const text = toText(key, value);
      if (key === "name") validateName(text, "bundle name");
      if (text.length > MAX_DESCRIPTION_LENGTH) throw invalid(key, `at most ${MAX_DESCRIPTION_LENGTH} characters`);
      return text;
    }
    case "list":
      return toList(key, value);
    case "bool":
      return toBool(key, value);
    case "size":
      return toAmount(key, value, parseSize);
    case "duration":
      return toAmount(key, value, parseDuration);
    case "int":
    case "real":
      return toInteger(key, value);
  }
}

const NOT_STARTED: readonly string[] = ["created", "staged"];

export async function editBundle(db: Db, row: BundleRow, request: UpdateBundleRequest): Promise<void> {
  if (request.frozen === undefined) requireNotFrozen("bundle", row.uuid, row.frozen, "edit it");
  else {
    requireFreezable(row.uuid, row.state);
    if (request.frozen) requireNotFrozen("bundle", row.uuid, row.frozen, "freeze it again");
  }
  const entries = Object.entries(request.metadata ?? {});
  if (entries.length > MAX_EDITED_KEYS) {
    throw new CodalabError("VALIDATION_FAILED", `at most ${MAX_EDITED_KEYS} metadata keys per edit`);
  }
  const update: Record<string, unknown> = {};
  const setCustom: [string, MetadataValue][] = [];
  const removeCustom: string[] = [];
  for (const [key, value] of entries) {
    const field = FIELDS_BY_KEY.get(key);
    if (field !== undefined) {
      if (!field.types.includes(row.bundleType)) throw invalid(key, `${row.bundleType} bundles have no such field`);
      if (field.editable === "never") throw invalid(key, "is computed by the server and cannot be edited");
      if (field.editable === "before_start" && !NOT_STARTED.includes(row.state)) {
        throw new CodalabError(
          "INVALID_STATE",
          `${key} can only be changed before the run starts (it is ${row.state})`,
        );
      }
      update[field.property] = typedValue(field, value);
    } else if (RESERVED_KEYS.has(key) || GENERATED_JSON_KEYS.has(key)) {
      throw invalid(key, "is not user metadata and cannot be set here");
    } else if (!CUSTOM_METADATA_KEY_REGEX.test(key)) {
      throw invalid(key, "custom keys start with a letter or _ and use letters, digits, _, . and - (at most 64)");
    } else if (value === null) {
      removeCustom.push(key);
    } else {
      setCustom.push([key, value]);
    }
  }
  if (setCustom.length > 0 || removeCustom.length > 0) {
    const merged: Record<string, unknown> = { ...row.metadata, ...Object.fromEntries(setCustom) };
    for (const key of removeCustom) delete merged[key];
    if (new TextEncoder().encode(JSON.stringify(merged)).byteLength > MAX_CUSTOM_METADATA_BYTES) {
      throw new CodalabError(
        "PAYLOAD_TOO_LARGE",
        `custom metadata may take at most ${MAX_CUSTOM_METADATA_BYTES} bytes as JSON`,
      );
    }
    update.metadata = customMetadataExpression(setCustom, removeCustom);
  }
  if (request.frozen !== undefined) update.frozen = request.frozen ? Math.floor(Date.now() / 1000) : null;
  if (request.is_anonymous !== undefined) update.isAnonymous = request.is_anonymous;
  if (Object.keys(update).length === 0) return;
  const guard =
    request.frozen === undefined ? and(eq(bundles.uuid, row.uuid), isNull(bundles.frozen)) : eq(bundles.uuid, row.uuid);
  const changed = await db
    .update(bundles)
    // Keys are column properties from BUNDLE_FIELDS and values converted for their kind above.
    .set(update as SQLiteUpdateSetSource<typeof bundles>)
    .where(guard)
    .returning({ uuid: bundles.uuid });
  if (changed.length === 0) {
    throw new CodalabError("FROZEN", `cannot edit it: bundle ${row.uuid} was frozen or deleted meanwhile`);
  }
}

function customMetadataExpression(set: readonly [string, MetadataValue][], remove: readonly string[]): SQL {
  let expression = sql`${bundles.metadata}`;
  if (set.length > 0) {
    const pairs = set.map(([key, value]) => sql`${`$."${key}"`}, json(${JSON.stringify(value)})`);
    expression = sql`json_set(${expression}, ${sql.join(pairs, sql`, `)})`;
  }
  if (remove.length > 0) {
    const paths = remove.map((key) => sql`${`$."${key}"`}`);
    expression = sql`json_remove(${expression}, ${sql.join(paths, sql`, `)})`;
  }
  return expression;
}
