/**
 * Bundle specs (spec §4.1): `[[(<alias>|<address>)::](<uuid>|<name>)//](<uuid>|<name>|^<index>)`.
 * `parseBundleSpec` is pure; `resolveBundleSpecs` only talks to the database through
 * `BundleSpecResolver`, the contract the server implements over D1.
 */
import { CodalabError } from "../errors.ts";
import { formatWorksheetRef, parseWorksheetRef, splitInstance, type WorksheetRef } from "./worksheet-spec.ts";

export const WORKSHEET_SEPARATOR = "//";
export const BUNDLE_SPEC_FORMAT = "[[(<alias>|<address>)::](<uuid>|<name>)//](<uuid>|<name>|^<index>)";

export type BundleRef =
  | { kind: "uuid"; uuid: string }
  | { kind: "uuid_prefix"; prefix: string }
  | {
      kind: "name";
      /** The name as typed, without `^N`. */
      name: string;
      /** What to match: the exact name, or (when `isPattern`) a SQL LIKE pattern with `.*` turned into `%`. */
      pattern: string;
      isPattern: boolean;
      /** 1-based: the N-th most recent match. */
      index: number;
    }
  /** `^N`: the N-th most recent bundle item on the worksheet, any name (1-based). */
  | { kind: "index"; index: number };

export type BundleSpec = {
  /** The spec as given (trimmed). */
  text: string;
  /** Alias or address before `::`; null for this instance. Only the CLI can follow it. */
  instance: string | null;
  /** The worksheet before `//` to resolve the bundle on; null = the base (current) worksheet. */
  worksheet: WorksheetRef | null;
  ref: BundleRef;
};

export type ParseBundleSpecOptions = {
  /**
   * Accept CodaLab's legacy `worksheet/bundle` form. Off by default: clients use `/` for paths
   * inside a bundle (target specs), so a single slash in a bundle spec is almost always a mistake.
   */
  allowLegacySlash?: boolean;
};

const UUID_LIKE = /^0x[0-9a-fA-F]{32}$/;
const UUID_PREFIX_LIKE = /^0x[0-9a-fA-F]{1,31}$/;
const INDEX_ONLY = /^\^(\d*)$/;
/** CodaLab's NAME_PATTERN: name characters plus `%` and `*` for wildcards, optionally `^N`. */
const NAME_WITH_INDEX = /^([%*a-zA-Z0-9_.-]+)(?:\^(\d*))?$/;

export function parseBundleSpec(text: string, options: ParseBundleSpecOptions = {}): BundleSpec {
  const trimmed = text.trim();
  if (trimmed === "") throw new CodalabError("INVALID_SPEC", `empty bundle spec: expected ${BUNDLE_SPEC_FORMAT}`);
  const { instance, worksheetText, rest } = splitWorksheet(trimmed);
  let worksheet = worksheetText === null ? null : parseWorksheetRef(worksheetText, trimmed);
  let bundleText = rest;
  if (bundleText.includes("/")) {
    const slash = bundleText.indexOf("/");
    if (!options.allowLegacySlash || worksheet !== null) {
      throw new CodalabError(
        "INVALID_SPEC",
        `invalid bundle spec '${trimmed}': a bundle spec has no '/'; write <worksheet>//<bundle> to pick a worksheet, or use a target spec (<bundle>/<path>) for a file inside a bundle`,
      );
    }
    worksheet = parseWorksheetRef(bundleText.slice(0, slash), trimmed);
    bundleText = bundleText.slice(slash + 1);
  }
  if (instance !== null && worksheet === null) {
    throw new CodalabError(
      "INVALID_SPEC",
      `invalid bundle spec '${trimmed}': after '${instance}::' name a worksheet, as in ${instance}::<worksheet>//${bundleText} (${instance}:://${bundleText} for its home worksheet)`,
    );
  }
  return { text: trimmed, instance, worksheet, ref: parseBundleRef(bundleText, trimmed) };
}

/**
 * Splits off `alias::` and `<worksheet>//`. A worksheet part never contains `/`, so only a `//`
 * with no `/` before it separates the worksheet; `bundle/dir//file` stays a path.
 */
export function splitWorksheet(text: string): { instance: string | null; worksheetText: string | null; rest: string } {
  const { instance, rest } = splitInstance(text);
  const index = rest.indexOf(WORKSHEET_SEPARATOR);
  if (index === -1 || rest.slice(0, index).includes("/")) return { instance, worksheetText: null, rest };
  return { instance, worksheetText: rest.slice(0, index), rest: rest.slice(index + WORKSHEET_SEPARATOR.length) };
}

/** The bundle part alone: `<uuid>`, `<uuid prefix>`, `<name>[^[N]]` or `^[N]`. */
export function parseBundleRef(text: string, context = text): BundleRef {
  if (text === "") {
    throw new CodalabError(
      "INVALID_SPEC",
      `invalid bundle spec '${context}': the bundle part is missing (expected ${BUNDLE_SPEC_FORMAT})`,
    );
  }
  if (UUID_LIKE.test(text)) return { kind: "uuid", uuid: text.toLowerCase() };
  if (UUID_PREFIX_LIKE.test(text)) return { kind: "uuid_prefix", prefix: text.toLowerCase() };
  const indexOnly = INDEX_ONLY.exec(text);
  if (indexOnly) return { kind: "index", index: parseIndex(indexOnly[1], context) };
  const named = NAME_WITH_INDEX.exec(text);
  if (named?.[1] !== undefined) {
    const name = named[1];
    const pattern = name.replaceAll(".*", "%");
    return { kind: "name", name, pattern, isPattern: pattern.includes("%"), index: parseIndex(named[2], context) };
  }
  throw new CodalabError(
    "INVALID_SPEC",
    `invalid bundle spec '${context}': expected a uuid (0x...), a name, <name>^<N> or ^<N> (${BUNDLE_SPEC_FORMAT}); names may use % or .* as wildcards`,
  );
}

function parseIndex(digits: string | undefined, context: string): number {
  if (digits === undefined || digits === "") return 1;
  const index = Number(digits);
  if (index < 1 || !Number.isSafeInteger(index)) {
    throw new CodalabError(
      "INVALID_SPEC",
      `invalid bundle spec '${context}': ^N counts from 1 (^1 is the most recent)`,
    );
  }
  return index;
}

/** Writes a parsed spec back as text; `withInstance: false` drops `alias::` (the CLI does, after choosing the client). */
export function formatBundleSpec(spec: BundleSpec, options: { withInstance?: boolean } = {}): string {
  const withInstance = options.withInstance ?? true;
  const instance = withInstance && spec.instance !== null ? `${spec.instance}::` : "";
  const worksheet =
    spec.worksheet === null
      ? ""
      : `${spec.worksheet.kind === "home" ? "" : formatWorksheetRef(spec.worksheet)}${WORKSHEET_SEPARATOR}`;
  return `${instance}${worksheet}${formatBundleRef(spec.ref)}`;
}

export function formatBundleRef(ref: BundleRef): string {
  switch (ref.kind) {
    case "uuid":
      return ref.uuid;
    case "uuid_prefix":
      return ref.prefix;
    case "name":
      return ref.index === 1 ? ref.name : `${ref.name}^${ref.index}`;
    case "index":
      return `^${ref.index}`;
  }
}

/** Ranges never exceed this many specs, so a typo like `^1-99999999` cannot exhaust memory. */
export const MAX_RANGE_LENGTH = 10_000;
const RANGE = /^(.*\^)(\d+)-(\d+)$/;

/** `['a', 'b^1-3', '^5-4']` → `['a', 'b^1', 'b^2', 'b^3', '^5', '^4']` (descending ranges count down). */
export function expandRanges(specs: readonly string[]): string[] {
  const expanded: string[] = [];
  for (const spec of specs) {
    const match = RANGE.exec(spec);
    if (!match) {
      expanded.push(spec);
      continue;
    }
    const [, prefix = "", fromText = "", toText = ""] = match;
    const from = Number(fromText);
    const to = Number(toText);
    if (Math.abs(to - from) + 1 > MAX_RANGE_LENGTH) {
      throw new CodalabError(
        "INVALID_SPEC",
        `range '${spec}' is too long: at most ${MAX_RANGE_LENGTH} bundles at a time`,
      );
    }
    const step = from <= to ? 1 : -1;
    for (let index = from; index !== to + step; index += step) expanded.push(`${prefix}${index}`);
  }
  return expanded;
}

/** How a name is matched: exactly, or as a SQL LIKE pattern (`%` wildcards). */
export type NameMatch = { pattern: string; isPattern: boolean };

/**
 * What resolving bundle specs needs from the database; the server implements it over D1.
 * Every method only sees bundles the caller may read (owner, public or own-group read; root all).
 */
export interface BundleSpecResolver {
  /**
   * Resolves the worksheet part of `ws//bundle` (home, uuid, uuid prefix or name; `.` never gets
   * here). `resolveWorksheetRef` in worksheet-spec.ts does it over a `WorksheetSpecResolver`.
   */
  resolveWorksheet(ref: WorksheetRef): Promise<string>;
  /** Up to `limit` bundle uuids starting with `prefix` (lower-case `0x…`), any order. */
  findBundlesByUuidPrefix(prefix: string, limit: number): Promise<string[]>;
  /**
   * Up to `limit` uuids of bundles whose name matches, newest first. With a worksheet: its bundle
   * items, newest item first (a bundle listed twice counts twice). Without: all bundles, newest
   * bundle (highest id) first.
   */
  findBundlesByName(match: NameMatch, scope: { worksheetUuid: string | null; limit: number }): Promise<string[]>;
  /** Up to `limit` bundle uuids of the worksheet's bundle items, newest item first. */
  listWorksheetBundles(worksheetUuid: string, limit: number): Promise<string[]>;
}

export type ResolveBundleSpecsOptions = ParseBundleSpecOptions & {
  /** The base worksheet: where names and `^N` are looked up when a spec has no `ws//`. */
  worksheetUuid?: string | null;
};

/** Resolves specs to bundle uuids, in order. A full uuid is returned without a lookup, as CodaLab does. */
export async function resolveBundleSpecs(
  specs: readonly string[],
  resolver: BundleSpecResolver,
  options: ResolveBundleSpecsOptions = {},
): Promise<string[]> {
  const uuids: string[] = [];
  for (const text of specs) {
    uuids.push(await resolveBundleSpec(parseBundleSpec(text, options), resolver, options.worksheetUuid ?? null));
  }
  return uuids;
}

export async function resolveBundleSpec(
  spec: BundleSpec,
  resolver: BundleSpecResolver,
  baseWorksheetUuid: string | null,
): Promise<string> {
  if (spec.instance !== null) {
    throw new CodalabError(
      "INVALID_SPEC",
      `'${spec.text}' refers to another instance (${spec.instance}); only the command-line client can follow '::' references`,
    );
  }
  const ref = spec.ref;
  if (ref.kind === "uuid") return ref.uuid;
  if (ref.kind === "uuid_prefix") {
    const [first, second] = await resolver.findBundlesByUuidPrefix(ref.prefix, 2);
    if (first === undefined) {
      throw new CodalabError(
        "NOT_FOUND",
        `no bundle found matching '${spec.text}' (no uuid starts with ${ref.prefix})`,
      );
    }
    if (second !== undefined) {
      throw new CodalabError(
        "AMBIGUOUS_SPEC",
        `more than one bundle has uuid prefix ${ref.prefix}: ${first}, ${second}, ...; type more characters of the uuid`,
      );
    }
    return first;
  }
  if (spec.worksheet?.kind === "current" && baseWorksheetUuid === null) {
    throw new CodalabError(
      "INVALID_SPEC",
      `'${spec.text}' starts with '.', the current worksheet, but there is none here`,
    );
  }
  const worksheetUuid =
    spec.worksheet === null || spec.worksheet.kind === "current"
      ? baseWorksheetUuid
      : await resolver.resolveWorksheet(spec.worksheet);
  const where = spec.worksheet === null ? "on this worksheet" : `on worksheet '${formatWorksheetRef(spec.worksheet)}'`;
  if (ref.kind === "index") {
    if (worksheetUuid === null) {
      throw new CodalabError(
        "INVALID_SPEC",
        `'${spec.text}' means the ${ordinal(ref.index)} most recent bundle on a worksheet, but no worksheet was given; use <worksheet>//${formatBundleRef(ref)} or pick a current worksheet`,
      );
    }
    const found = await resolver.listWorksheetBundles(worksheetUuid, ref.index);
    const uuid = found[ref.index - 1];
    if (uuid === undefined) {
      throw new CodalabError(
        "NOT_FOUND",
        `no bundle found matching '${spec.text}': there are only ${found.length} bundle(s) ${where}`,
      );
    }
    return uuid;
  }
  const found = await resolver.findBundlesByName(
    { pattern: ref.pattern, isPattern: ref.isPattern },
    { worksheetUuid, limit: ref.index },
  );
  const uuid = found[ref.index - 1];
  if (uuid === undefined) {
    const scope = worksheetUuid === null ? "" : ` ${where}`;
    const detail = found.length === 0 ? "" : ` (only ${found.length} bundle(s) match '${ref.name}'${scope})`;
    throw new CodalabError(
      "NOT_FOUND",
      `no bundle found matching '${spec.text}'${found.length === 0 ? scope : ""}${detail}`,
    );
  }
  return uuid;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}
