/**
 * POSIX ustar headers, plus the extensions real archives use: pax extended headers (`x`) for
 * names, link targets, sizes and mtimes that do not fit ustar, and GNU long names (`L`/`K`) on
 * read. Everything is a pure function over 512-byte blocks so the writer, the streaming reader
 * and the server's index verification share one codec.
 */
import { CodalabError } from "../errors.ts";

export const BLOCK_SIZE = 512;
/** Cap on pax / GNU long-name payloads: real ones are a few hundred bytes, not a memory bomb. */
export const MAX_EXTENSION_BYTES = 1024 * 1024;

export const TAR_ENTRY_TYPES = [
  "file",
  "directory",
  "symlink",
  "hardlink",
  "character-device",
  "block-device",
  "fifo",
  "other",
] as const;
export type TarEntryType = (typeof TAR_ENTRY_TYPES)[number];

/** The members our writer produces; the rest are only recognised on read, to be refused. */
export const WRITABLE_ENTRY_TYPES = ["file", "directory", "symlink", "hardlink"] as const;
export type WritableEntryType = (typeof WRITABLE_ENTRY_TYPES)[number];

/** One member's metadata after all extension headers are applied. */
export type TarHeader = {
  /** Member name as stored (not normalized; directories usually end in `/`). */
  name: string;
  type: TarEntryType;
  /** Bytes of data that follow the header; 0 for every type that carries no data. */
  size: number;
  /** Permission bits (mode & 0o7777). */
  mode: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** Symlink or hardlink target, "" for other types. */
  linkTarget: string;
  /** The raw type flag, kept so a refusal can name an unsupported type. */
  typeflag?: string;
};

export type TarHeaderInit = {
  name: string;
  type: WritableEntryType;
  size?: number;
  mode: number;
  mtime: number;
  linkTarget?: string;
};

/** One decoded 512-byte block, before extension headers are applied. */
export type TarBlock = {
  name: string;
  mode: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
};

/** Overrides collected from `x`/`L`/`K` headers for the member that follows them. */
export type HeaderExtensions = {
  path?: string;
  linkpath?: string;
  size?: number;
  mtime?: number;
};

export const EXTENSION_TYPEFLAGS = ["x", "g", "L", "K"] as const;
export type ExtensionTypeflag = (typeof EXTENSION_TYPEFLAGS)[number];

const MAX_OCTAL_11_DIGITS = 0o77777777777;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const TYPES_BY_FLAG: Record<string, TarEntryType> = {
  "0": "file",
  "\0": "file",
  "7": "file",
  "1": "hardlink",
  "2": "symlink",
  "3": "character-device",
  "4": "block-device",
  "5": "directory",
  "6": "fifo",
};
const FLAGS_BY_TYPE: Record<WritableEntryType, string> = { file: "0", hardlink: "1", symlink: "2", directory: "5" };

function invalid(message: string): CodalabError {
  return new CodalabError("INVALID_ARCHIVE", message);
}

export function isExtensionTypeflag(typeflag: string): typeflag is ExtensionTypeflag {
  return (EXTENSION_TYPEFLAGS as readonly string[]).includes(typeflag);
}

/** Only regular files (and types we do not know, as POSIX says) have data blocks after the header. */
export function typeCarriesData(type: TarEntryType): boolean {
  return type === "file" || type === "other";
}

/** Bytes of padding that bring `size` up to a whole number of blocks. */
export function paddingFor(size: number): number {
  const rest = size % BLOCK_SIZE;
  return rest === 0 ? 0 : BLOCK_SIZE - rest;
}

// ---------------------------------------------------------------------------------------------
// Encoding

/**
 * Encodes the header blocks for one member: a pax `x` header (with its data) when the name,
 * link target, size or mtime does not fit ustar, then the ustar block. Fields that identify the
 * creator (uid, gid, user and group names) are zero so that output depends only on the input.
 */
export function encodeTarHeader(init: TarHeaderInit): Uint8Array {
  const size = init.type === "file" ? (init.size ?? 0) : 0;
  if (!Number.isSafeInteger(size) || size < 0) throw invalid(`invalid size for ${JSON.stringify(init.name)}: ${size}`);
  if (init.name === "" || init.name.includes("\0")) throw invalid(`invalid member name ${JSON.stringify(init.name)}`);
  const linkTarget = init.linkTarget ?? "";
  if (linkTarget.includes("\0")) throw invalid(`invalid link target for ${JSON.stringify(init.name)}`);
  if (!Number.isFinite(init.mtime)) throw invalid(`invalid mtime for ${JSON.stringify(init.name)}`);
  const mtime = Math.floor(init.mtime);

  const pax: [string, string][] = [];
  const split = splitUstarName(init.name);
  if (split === null) pax.push(["path", init.name]);
  const linkFits = linkTarget.length <= 100 && PRINTABLE_ASCII.test(linkTarget);
  if (!linkFits) pax.push(["linkpath", linkTarget]);
  if (size > MAX_OCTAL_11_DIGITS) pax.push(["size", String(size)]);
  const mtimeFits = Number.isSafeInteger(mtime) && mtime >= 0 && mtime <= MAX_OCTAL_11_DIGITS;
  if (!mtimeFits) pax.push(["mtime", String(mtime)]);

  const ustar = encodeBlock({
    name: split?.name ?? fallbackName(init.name, 100),
    prefix: split?.prefix ?? "",
    mode: init.mode & 0o7777,
    size,
    mtime: mtimeFits ? mtime : 0,
    typeflag: FLAGS_BY_TYPE[init.type],
    linkname: linkFits ? linkTarget : fallbackName(linkTarget, 100),
  });
  if (pax.length === 0) return ustar;

  const paxData = encodePaxRecords(pax);
  const paxHeader = encodeBlock({
    name: fallbackName(`PaxHeader/${lastSegment(init.name)}`, 100),
    prefix: "",
    mode: 0o644,
    size: paxData.byteLength,
    mtime: mtimeFits ? mtime : 0,
    typeflag: "x",
    linkname: "",
  });
  const out = new Uint8Array(BLOCK_SIZE + paxData.byteLength + paddingFor(paxData.byteLength) + BLOCK_SIZE);
  out.set(paxHeader, 0);
  out.set(paxData, BLOCK_SIZE);
  out.set(ustar, out.byteLength - BLOCK_SIZE);
  return out;
}

type BlockFields = {
  name: string;
  prefix: string;
  mode: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
};

function encodeBlock(fields: BlockFields): Uint8Array {
  const block = new Uint8Array(BLOCK_SIZE);
  writeAscii(block, 0, fields.name);
  writeOctal(block, 100, 8, fields.mode);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  if (fields.size > MAX_OCTAL_11_DIGITS) writeBase256(block, 124, 12, fields.size);
  else writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, fields.mtime);
  writeAscii(block, 156, fields.typeflag);
  writeAscii(block, 157, fields.linkname);
  writeAscii(block, 257, "ustar\u000000");
  writeOctal(block, 329, 8, 0);
  writeOctal(block, 337, 8, 0);
  writeAscii(block, 345, fields.prefix);
  const checksum = blockChecksum(block).unsigned;
  writeOctal(block, 148, 7, checksum);
  block[155] = 0x20;
  return block;
}

/** Fits a printable-ASCII name into ustar's name (100) and prefix (155) fields, or returns null. */
function splitUstarName(name: string): { name: string; prefix: string } | null {
  if (!PRINTABLE_ASCII.test(name)) return null;
  if (name.length <= 100) return { name, prefix: "" };
  if (name.length > 256) return null;
  // The split slash belongs to neither field; choose the first one that leaves ≤ 100 for the name.
  for (let slash = name.indexOf("/"); slash !== -1 && slash <= 155; slash = name.indexOf("/", slash + 1)) {
    const rest = name.slice(slash + 1);
    if (rest.length <= 100 && rest.length > 0) return { name: rest, prefix: name.slice(0, slash) };
  }
  return null;
}

/** A harmless ASCII stand-in shown by readers that ignore pax; ours never use it. */
function fallbackName(name: string, length: number): string {
  return name.replace(/[^\x20-\x7e]/g, "_").slice(0, length);
}

function lastSegment(name: string): string {
  const trimmed = name.endsWith("/") ? name.slice(0, -1) : name;
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

function encodePaxRecords(records: [string, string][]): Uint8Array {
  let text = "";
  for (const [key, value] of records) {
    // "<length> key=value\n", where <length> counts its own digits.
    const body = utf8Length(` ${key}=${value}\n`);
    let length = body + 1;
    while (String(length).length + body !== length) length = String(length).length + body;
    text += `${length} ${key}=${value}\n`;
  }
  return encoder.encode(text);
}

function utf8Length(text: string): number {
  return encoder.encode(text).byteLength;
}

function writeAscii(block: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) block[offset + i] = text.charCodeAt(i);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeAscii(block, offset, value.toString(8).padStart(length - 1, "0"));
  block[offset + length - 1] = 0;
}

function writeBase256(block: Uint8Array, offset: number, length: number, value: number): void {
  let rest = value;
  for (let i = offset + length - 1; i > offset; i--) {
    block[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  block[offset] = 0x80;
}

// ---------------------------------------------------------------------------------------------
// Decoding

function blockChecksum(block: Uint8Array): { unsigned: number; signed: number; total: number } {
  let unsigned = 0;
  let signed = 0;
  let total = 0;
  for (let i = 0; i < BLOCK_SIZE; i++) {
    const byte = block[i] ?? 0;
    total += byte;
    const counted = i >= 148 && i < 156 ? 0x20 : byte;
    unsigned += counted;
    signed += counted > 127 ? counted - 256 : counted;
  }
  return { unsigned, signed, total };
}

/**
 * Decodes one header block. Returns null for an all-zero block (the end-of-archive marker) and
 * throws INVALID_ARCHIVE when the block is not a tar header. `position` only feeds messages.
 */
export function decodeTarBlock(block: Uint8Array, position = 0): TarBlock | null {
  if (block.byteLength !== BLOCK_SIZE) throw invalid(`truncated tar header at byte ${position}`);
  const sums = blockChecksum(block);
  if (sums.total === 0) return null;
  const stored = parseNumeric(block, 148, 8, position);
  if (stored !== sums.unsigned && stored !== sums.signed) {
    throw invalid(`not a tar archive, or a corrupted one: bad header checksum at byte ${position}`);
  }
  const posix = readString(block, 257, 6) === "ustar";
  const gnu = !posix && readString(block, 257, 8) === "ustar  ";
  const name = readString(block, 0, 100);
  // GNU headers keep atime/ctime where POSIX keeps the prefix.
  const prefix = posix && !gnu ? readString(block, 345, 155) : "";
  return {
    name: prefix === "" ? name : `${prefix}/${name}`,
    mode: parseNumeric(block, 100, 8, position) & 0o7777,
    size: parseNumeric(block, 124, 12, position),
    mtime: parseNumeric(block, 136, 12, position),
    typeflag: String.fromCharCode(block[156] ?? 0),
    linkname: readString(block, 157, 100),
  };
}

function readString(block: Uint8Array, offset: number, length: number): string {
  let end = offset;
  while (end < offset + length && block[end] !== 0) end++;
  return decoder.decode(block.subarray(offset, end));
}

/** Octal with optional leading spaces, or GNU base-256 when the high bit of the first byte is set. */
function parseNumeric(block: Uint8Array, offset: number, length: number, position: number): number {
  const first = block[offset] ?? 0;
  if (first & 0x80) {
    if (first === 0xff) return decodeNegativeBase256(block, offset, length, position);
    let value = first & 0x7f;
    for (let i = offset + 1; i < offset + length; i++) {
      value = value * 256 + (block[i] ?? 0);
      if (!Number.isSafeInteger(value)) throw invalid(`number too large in tar header at byte ${position}`);
    }
    return value;
  }
  let i = offset;
  const end = offset + length;
  while (i < end && block[i] === 0x20) i++;
  let value = 0;
  for (; i < end; i++) {
    const byte = block[i] ?? 0;
    if (byte === 0 || byte === 0x20) break;
    if (byte < 0x30 || byte > 0x37) throw invalid(`invalid number in tar header at byte ${position}`);
    value = value * 8 + (byte - 0x30);
  }
  return value;
}

/** Two's-complement base-256 (pre-1970 mtimes); only small magnitudes are meaningful. */
function decodeNegativeBase256(block: Uint8Array, offset: number, length: number, position: number): number {
  let magnitude = 0;
  for (let i = offset + 1; i < offset + length; i++) {
    magnitude = magnitude * 256 + (255 - (block[i] ?? 0));
    if (!Number.isSafeInteger(magnitude)) throw invalid(`number too large in tar header at byte ${position}`);
  }
  return -(magnitude + 1);
}

/** Parses pax records ("<length> key=value\n"...); malformed data is INVALID_ARCHIVE. */
export function decodePaxRecords(data: Uint8Array, position = 0): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < data.byteLength) {
    if (data[offset] === 0) break; // some writers pad the record area with NULs
    let space = offset;
    let length = 0;
    while (space < data.byteLength && data[space] !== 0x20) {
      const digit = (data[space] ?? 0) - 0x30;
      if (digit < 0 || digit > 9 || space - offset > 10) throw invalid(`malformed pax header at byte ${position}`);
      length = length * 10 + digit;
      space++;
    }
    const end = offset + length;
    if (space === offset || end > data.byteLength || end <= space + 1 || data[end - 1] !== 0x0a) {
      throw invalid(`malformed pax header at byte ${position}`);
    }
    const record = decoder.decode(data.subarray(space + 1, end - 1));
    const equals = record.indexOf("=");
    if (equals <= 0) throw invalid(`malformed pax header at byte ${position}`);
    records.set(record.slice(0, equals), record.slice(equals + 1));
    offset = end;
  }
  return records;
}

/**
 * Folds one extension header (`x`, `g`, `L`, `K`) and its data into the overrides for the next
 * member. Global headers (`g`, e.g. `git archive`'s commit comment) carry nothing we keep.
 */
export function applyExtension(
  pending: HeaderExtensions,
  typeflag: ExtensionTypeflag,
  data: Uint8Array,
  position = 0,
): void {
  if (typeflag === "L") pending.path = cString(data);
  else if (typeflag === "K") pending.linkpath = cString(data);
  else if (typeflag === "x") {
    for (const [key, value] of decodePaxRecords(data, position)) {
      // An empty value removes an override (pax semantics).
      if (key === "path") pending.path = value === "" ? undefined : value;
      else if (key === "linkpath") pending.linkpath = value === "" ? undefined : value;
      else if (key === "size") pending.size = value === "" ? undefined : parsePaxInteger(value, "size", position);
      else if (key === "mtime") pending.mtime = value === "" ? undefined : parsePaxTime(value, position);
    }
  }
}

function cString(data: Uint8Array): string {
  const nul = data.indexOf(0);
  return decoder.decode(nul === -1 ? data : data.subarray(0, nul));
}

function parsePaxInteger(value: string, key: string, position: number): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) {
    throw invalid(`invalid pax ${key} ${JSON.stringify(value)} at byte ${position}`);
  }
  return parsed;
}

function parsePaxTime(value: string, position: number): number {
  if (!/^-?\d+(\.\d+)?$/.test(value)) throw invalid(`invalid pax mtime ${JSON.stringify(value)} at byte ${position}`);
  const seconds = Math.floor(Number(value));
  if (!Number.isSafeInteger(seconds)) throw invalid(`invalid pax mtime ${JSON.stringify(value)} at byte ${position}`);
  return seconds;
}

/** Applies collected overrides to a member's block and classifies it. */
export function finishHeader(block: TarBlock, extensions: HeaderExtensions): TarHeader {
  const name = extensions.path ?? block.name;
  let type: TarEntryType = TYPES_BY_FLAG[block.typeflag] ?? "other";
  // Pre-POSIX archives mark directories only by a trailing slash.
  if (type === "file" && block.typeflag !== "7" && name.endsWith("/")) type = "directory";
  const linked = type === "symlink" || type === "hardlink";
  const header: TarHeader = {
    name,
    type,
    size: typeCarriesData(type) ? (extensions.size ?? block.size) : 0,
    mode: block.mode,
    mtime: extensions.mtime ?? block.mtime,
    linkTarget: linked ? (extensions.linkpath ?? block.linkname) : "",
  };
  if (type === "other") header.typeflag = block.typeflag;
  if (header.size < 0) throw invalid(`negative size for member ${JSON.stringify(name)}`);
  return header;
}

/**
 * Decodes the complete header sequence of one member from contiguous bytes (extension headers,
 * their data, then the member's block) and returns the header with the number of bytes it took.
 * The server uses this on the range `[header_offset, offset)` named by an index entry.
 */
export function decodeHeaderSequence(bytes: Uint8Array, position = 0): { header: TarHeader; length: number } {
  const pending: HeaderExtensions = {};
  let offset = 0;
  for (;;) {
    if (offset + BLOCK_SIZE > bytes.byteLength) throw invalid(`truncated tar header at byte ${position + offset}`);
    const block = decodeTarBlock(bytes.subarray(offset, offset + BLOCK_SIZE), position + offset);
    if (block === null) throw invalid(`expected a tar header at byte ${position + offset}, found an empty block`);
    offset += BLOCK_SIZE;
    if (!isExtensionTypeflag(block.typeflag)) {
      return { header: finishHeader(block, pending), length: offset };
    }
    if (block.size > MAX_EXTENSION_BYTES) throw invalid(`oversized extension header at byte ${position + offset}`);
    const end = offset + block.size;
    if (end > bytes.byteLength) throw invalid(`truncated tar header at byte ${position + offset}`);
    applyExtension(pending, block.typeflag, bytes.subarray(offset, end), position + offset);
    offset = end + paddingFor(block.size);
  }
}
