/**
 * Worksheet specs (spec §4.2): `[(<alias>|<address>)::](<uuid>|<name>)`.
 * Parsing is pure; resolving needs the database, so it goes through `WorksheetSpecResolver`,
 * which the server implements over D1.
 */
import { NAME_REGEX, NAME_RULE_TEXT } from "../constants.ts";
import { CodalabError } from "../errors.ts";

export const INSTANCE_SEPARATOR = "::";
export const WORKSHEET_SPEC_FORMAT = "[(<alias>|<address>)::](<uuid>|<name>)";

/** Full uuids are `0x` + 32 hex digits; a shorter run of hex digits is a prefix to look up. */
export const UUID_REGEX = /^0x[0-9a-f]{32}$/;
const UUID_LIKE = /^0x[0-9a-fA-F]{32}$/;
const UUID_PREFIX_LIKE = /^0x[0-9a-fA-F]{1,31}$/;

export type WorksheetRef =
  /** `""` or `/`: the caller's `home-<user>` worksheet (created on first access). */
  | { kind: "home" }
  /** `.`: the worksheet the caller is on. */
  | { kind: "current" }
  | { kind: "uuid"; uuid: string }
  | { kind: "uuid_prefix"; prefix: string }
  | { kind: "name"; name: string };

export type WorksheetSpec = {
  /** The spec as given (trimmed). */
  text: string;
  /** Alias or address before `::`; null for this instance. Only the CLI can follow it. */
  instance: string | null;
  ref: WorksheetRef;
};

export function homeWorksheetName(userName: string): string {
  return `home-${userName}`;
}

export function isHomeWorksheetName(name: string): boolean {
  return name.startsWith("home-");
}

/** Splits `alias::rest` at the first `::` (addresses like `https://host:8000` have single colons). */
export function splitInstance(text: string): { instance: string | null; rest: string } {
  const index = text.indexOf(INSTANCE_SEPARATOR);
  if (index === -1) return { instance: null, rest: text };
  const instance = text.slice(0, index);
  if (instance === "") {
    throw new CodalabError("INVALID_SPEC", `invalid spec ${quote(text)}: nothing before '::' (expected <alias>::...)`);
  }
  return { instance, rest: text.slice(index + INSTANCE_SEPARATOR.length) };
}

export function parseWorksheetSpec(text: string): WorksheetSpec {
  const trimmed = text.trim();
  const { instance, rest } = splitInstance(trimmed);
  const ref = parseWorksheetRef(rest, trimmed);
  if (instance !== null && ref.kind === "current") {
    throw new CodalabError(
      "INVALID_SPEC",
      `invalid worksheet spec ${quote(trimmed)}: '.' is the current worksheet and cannot name another instance; use ${instance}:: for its home worksheet`,
    );
  }
  return { text: trimmed, instance, ref };
}

/** The part after any `alias::`; `context` is the full spec, for messages. */
export function parseWorksheetRef(text: string, context = text): WorksheetRef {
  if (text === "" || text === "/") return { kind: "home" };
  if (text === ".") return { kind: "current" };
  if (UUID_LIKE.test(text)) return { kind: "uuid", uuid: text.toLowerCase() };
  if (UUID_PREFIX_LIKE.test(text)) return { kind: "uuid_prefix", prefix: text.toLowerCase() };
  if (NAME_REGEX.test(text)) return { kind: "name", name: text };
  throw new CodalabError(
    "INVALID_SPEC",
    `invalid worksheet spec ${quote(context)}: expected ${WORKSHEET_SPEC_FORMAT}; a worksheet name ${NAME_RULE_TEXT}`,
  );
}

/**
 * What resolving a worksheet spec needs from the database. Implementations only return
 * worksheets the caller may read.
 */
export interface WorksheetSpecResolver {
  /** The caller's `home-<user>` worksheet, created on first access. */
  homeWorksheetUuid(): Promise<string>;
  /** Up to `limit` uuids starting with `prefix` (lower-case, `0x…`), any order. */
  findWorksheetsByUuidPrefix(prefix: string, limit: number): Promise<string[]>;
  /** The worksheet with exactly this name (names are globally unique), or null. */
  findWorksheetByName(name: string): Promise<string | null>;
}

/**
 * Resolves a worksheet ref (no instance part) to a uuid. `currentWorksheetUuid` is what `.`
 * means; without one, `.` is an error. A full uuid is returned without a lookup, as CodaLab does.
 */
export async function resolveWorksheetRef(
  ref: WorksheetRef,
  resolver: WorksheetSpecResolver,
  currentWorksheetUuid: string | null = null,
): Promise<string> {
  switch (ref.kind) {
    case "home":
      return resolver.homeWorksheetUuid();
    case "current":
      if (currentWorksheetUuid === null) {
        throw new CodalabError(
          "INVALID_SPEC",
          "'.' means the current worksheet, but there is no current worksheet here",
        );
      }
      return currentWorksheetUuid;
    case "uuid":
      return ref.uuid;
    case "uuid_prefix": {
      const found = await resolver.findWorksheetsByUuidPrefix(ref.prefix, 2);
      const [first, second] = found;
      if (first === undefined) {
        throw new CodalabError("NOT_FOUND", `no worksheet found with uuid starting with ${ref.prefix}`);
      }
      if (second !== undefined) {
        throw new CodalabError(
          "AMBIGUOUS_SPEC",
          `more than one worksheet has uuid prefix ${ref.prefix}: ${first}, ${second}; type more characters of the uuid`,
        );
      }
      return first;
    }
    case "name": {
      const uuid = await resolver.findWorksheetByName(ref.name);
      if (uuid === null) throw new CodalabError("NOT_FOUND", `no worksheet found with name '${ref.name}'`);
      return uuid;
    }
  }
}

/** Writes a ref back as spec text (`home` as `/`). */
export function formatWorksheetRef(ref: WorksheetRef): string {
  switch (ref.kind) {
    case "home":
      return "/";
    case "current":
      return ".";
    case "uuid":
      return ref.uuid;
    case "uuid_prefix":
      return ref.prefix;
    case "name":
      return ref.name;
  }
}

function quote(text: string): string {
  return `'${text}'`;
}
