/**
 * Parsers for the bundle endpoints' answers (docs/design/bundles-api.md; the zod schemas in
 * core/src/api/bundles.ts are the source of truth). Hand-written like wire.ts: loading zod costs
 * ~100 ms per `cl` run. Lenient about fields the CLI only displays, strict about the ones it acts on.
 */
import {
  BUNDLE_STATES,
  BUNDLE_TYPES,
  type BundleState,
  type BundleType,
  PERMISSION_LEVELS,
  type PermissionLevel,
} from "@codalab/core/constants";
import type { JsonValue } from "@codalab/core/worksheet/json-value";
import {
  isRecord,
  type JsonRecord,
  nullableNumberAt,
  nullableStringAt,
  numberAt,
  recordAt,
  ShapeError,
  stringAt,
} from "../parse/json-fields.ts";

export type WireDependency = {
  child_path: string;
  parent_uuid: string;
  parent_path: string;
  parent_name: string | null;
  parent_state: BundleState | null;
};

export type WireGroupPermission = { group_uuid: string; group_name: string; permission: PermissionLevel };
export type WireNamedRef = { uuid: string; name: string | null };

export type WireBundle = {
  uuid: string;
  bundle_type: BundleType;
  state: BundleState;
  command: string | null;
  owner_id: string | null;
  owner_name: string | null;
  /** When it was frozen (unix seconds or an ISO date), null when not frozen. */
  frozen: number | string | null;
  is_anonymous: boolean;
  is_dir: boolean | null;
  created: number | null;
  data_size: number | null;
  metadata: Record<string, JsonValue>;
  dependencies: WireDependency[];
  permission: PermissionLevel | null;
  state_details: string | null;
  group_permissions?: WireGroupPermission[];
  children?: WireNamedRef[];
  host_worksheets?: WireNamedRef[];
  /** The object as received, for `--json`. */
  raw: JsonRecord;
};

export type UploadStatus = { part_size: number; part_count: number; received: number[] };

export type TargetInfo = {
  name: string;
  type: "file" | "directory" | "link";
  size: number;
  perm: number | null;
  link: string | null;
  contents?: TargetInfo[];
};

export type SearchResult =
  | { kind: "bundles"; bundles: WireBundle[]; total: number | null }
  | { kind: "aggregate"; result: JsonValue };

export function parseBundle(value: unknown, path = "bundle"): WireBundle {
  const record = recordAt(value, path);
  const bundle: WireBundle = {
    uuid: stringAt(record, "uuid", path),
    bundle_type: oneOf(BUNDLE_TYPES, stringAt(record, "bundle_type", path), `${path}.bundle_type`),
    state: oneOf(BUNDLE_STATES, stringAt(record, "state", path), `${path}.state`),
    command: nullableStringAt(record, "command", path),
    owner_id: idOrNull(record, "owner_id", path),
    owner_name: nullableStringAt(record, "owner_name", path),
    frozen: frozenAt(record, path),
    is_anonymous: record.is_anonymous === true,
    is_dir: typeof record.is_dir === "boolean" ? record.is_dir : null,
    created: nullableNumberAt(record, "created", path),
    data_size: nullableNumberAt(record, "data_size", path),
    metadata: metadataAt(record, path),
    dependencies: listAt(record, "dependencies", path, parseDependency),
    permission: nullableOneOf(PERMISSION_LEVELS, nullableStringAt(record, "permission", path), `${path}.permission`),
    state_details: nullableStringAt(record, "state_details", path),
    raw: record,
  };
  if (record.group_permissions !== undefined) {
    bundle.group_permissions = listAt(record, "group_permissions", path, (item, at) => {
      const permission = recordAt(item, at);
      return {
        group_uuid: stringAt(permission, "group_uuid", at),
        group_name: stringAt(permission, "group_name", at),
        permission: oneOf(PERMISSION_LEVELS, stringAt(permission, "permission", at), `${at}.permission`),
      };
    });
  }
  if (record.children !== undefined) bundle.children = listAt(record, "children", path, parseNamedRef);
  if (record.host_worksheets !== undefined) {
    bundle.host_worksheets = listAt(record, "host_worksheets", path, parseNamedRef);
  }
  return bundle;
}

/** `{bundle}` from create, update and complete. */
export function parseBundleEnvelope(value: unknown): WireBundle {
  return parseBundle(recordAt(value, "response").bundle, "response.bundle");
}

/** `{bundles: [...]}` from spec resolution. */
export function parseBundleList(value: unknown): WireBundle[] {
  return listAt(recordAt(value, "response"), "bundles", "response", parseBundle);
}

/** `{bundles, total}` or, for `.count` / `.sum`, `{result}`. */
export function parseSearchResult(value: unknown): SearchResult {
  const body = recordAt(value, "response");
  if (Object.hasOwn(body, "result")) return { kind: "aggregate", result: toJson(body.result) };
  return {
    kind: "bundles",
    bundles: listAt(body, "bundles", "response", parseBundle),
    total: nullableNumberAt(body, "total", "response"),
  };
}

export function parseUploadStatus(value: unknown): UploadStatus {
  const body = recordAt(value, "response");
  const received = listAt(body, "received", "response", (item, at) => {
    if (typeof item !== "number" || !Number.isInteger(item)) throw new ShapeError(at, "a part number");
    return item;
  });
  return {
    part_size: numberAt(body, "part_size", "response"),
    part_count: numberAt(body, "part_count", "response"),
    received,
  };
}

/** `{deleted: [uuid...]}` from POST /rest/bundles/delete. */
export function parseDeleted(value: unknown): string[] {
  return listAt(recordAt(value, "response"), "deleted", "response", (item, at) => {
    if (typeof item !== "string") throw new ShapeError(at, "a uuid");
    return item;
  });
}

/** `{info: {...}}` from contents/info. */
export function parseTargetInfoEnvelope(value: unknown): TargetInfo {
  return parseTargetInfo(recordAt(value, "response").info, "response.info");
}

export function parseTargetInfo(value: unknown, path: string): TargetInfo {
  const record = recordAt(value, path);
  const type = stringAt(record, "type", path);
  if (type !== "file" && type !== "directory" && type !== "link") {
    throw new ShapeError(`${path}.type`, "file, directory or link");
  }
  const info: TargetInfo = {
    name: stringAt(record, "name", path),
    type,
    size: nullableNumberAt(record, "size", path) ?? 0,
    perm: nullableNumberAt(record, "perm", path),
    link: nullableStringAt(record, "link", path),
  };
  if (record.contents !== undefined && record.contents !== null) {
    info.contents = listAt(record, "contents", path, parseTargetInfo);
  }
  return info;
}

function parseDependency(value: unknown, path: string): WireDependency {
  const record = recordAt(value, path);
  return {
    child_path: stringAt(record, "child_path", path),
    parent_uuid: stringAt(record, "parent_uuid", path),
    parent_path: nullableStringAt(record, "parent_path", path) ?? "",
    parent_name: nullableStringAt(record, "parent_name", path),
    parent_state: nullableOneOf(BUNDLE_STATES, nullableStringAt(record, "parent_state", path), `${path}.parent_state`),
  };
}

function parseNamedRef(value: unknown, path: string): WireNamedRef {
  const record = recordAt(value, path);
  return { uuid: stringAt(record, "uuid", path), name: nullableStringAt(record, "name", path) };
}

function oneOf<const T extends string>(options: readonly T[], value: string, path: string): T {
  const found = options.find((option) => option === value);
  if (found === undefined) throw new ShapeError(path, `one of ${options.join(", ")}`);
  return found;
}

function nullableOneOf<const T extends string>(options: readonly T[], value: string | null, path: string): T | null {
  return value === null ? null : oneOf(options, value, path);
}

export function listAt<T>(record: JsonRecord, key: string, path: string, parse: (item: unknown, at: string) => T): T[] {
  const value = record[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ShapeError(`${path}.${key}`, "a list");
  return value.map((item, index) => parse(item, `${path}.${key}[${index}]`));
}

function idOrNull(record: JsonRecord, key: string, path: string): string | null {
  const value = record[key];
  if (typeof value === "number") return String(value);
  return nullableStringAt(record, key, path);
}

function frozenAt(record: JsonRecord, path: string): number | string | null {
  const value = record.frozen;
  if (value === null || value === undefined || value === false) return null;
  if (typeof value === "number" || typeof value === "string") return value;
  throw new ShapeError(`${path}.frozen`, "a date or null");
}

function metadataAt(record: JsonRecord, path: string): Record<string, JsonValue> {
  const value = record.metadata;
  if (value === undefined || value === null) return {};
  const metadata = recordAt(value, `${path}.metadata`);
  const out: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(metadata)) {
    Object.defineProperty(out, key, { value: toJson(item), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** JSON.parse output is already JSON; this only narrows the type. */
function toJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(toJson);
  if (isRecord(value)) {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(out, key, { value: toJson(item), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return null;
}
