/**
 * Reads a .zip held in memory (browsers zip folders before upload; the server gets zips whole)
 * through its central directory, yielding the same member shape as `readTar` so the same extract
 * policy applies. Stored and deflate members are supported, zip64 included; encrypted members and
 * other methods are refused with a clear error before anything is read. Unix modes and symlinks
 * come from the external attributes, as Info-ZIP writes them.
 */
import { CodalabError } from "../errors.ts";
import { inflateRawStream } from "./compression.ts";
import { readAllBytes } from "./entry-body.ts";
import { MAX_MEMBER_PATH_BYTES, normalizeMemberPath } from "./member-path.ts";
import type { TarEntryType, TarHeader } from "./tar-header.ts";
import type { TarEntry } from "./tar-reader.ts";

export type ZipEntry = TarEntry;

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const MAX_COMMENT = 0xffff;
const SATURATED_16 = 0xffff;
const SATURATED_32 = 0xffffffff;

const FLAG_ENCRYPTED = 0x0001;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const FLAG_UTF8 = 0x0800;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;

const HOST_MSDOS = 0;
const HOST_UNIX = 3;
const HOST_NTFS = 11;
const HOST_VFAT = 14;
const HOST_MACOS = 19;

/** Code page 437, bytes 0x80–0xff: what names mean when a zip does not say UTF-8. */
const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

const utf8 = new TextDecoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function decodeStrictUtf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

type CentralRecord = {
  name: string;
  host: number;
  method: number;
  compressedSize: number;
  size: number;
  externalAttributes: number;
  localOffset: number;
  mtime: number;
};

function invalid(message: string): CodalabError {
  return new CodalabError("INVALID_ARCHIVE", message);
}

/**
 * Yields the members of a zip archive. Member paths are normalized (unsafe ones throw
 * INVALID_ARCHIVE naming the member); bodies are decompressed lazily, only when read, and a body
 * that inflates past its declared size is an error rather than a zip bomb.
 */
export async function* readZip(bytes: Uint8Array): AsyncGenerator<ZipEntry, void, undefined> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records = readCentralDirectory(bytes, view);
  for (const record of records) {
    const member = `zip member ${JSON.stringify(record.name)}`;
    if (record.localOffset + 30 > bytes.byteLength || view.getUint32(record.localOffset, true) !== LOCAL_FILE_HEADER) {
      throw invalid(`${member} has no local header where the central directory says`);
    }
    const offset =
      record.localOffset +
      30 +
      view.getUint16(record.localOffset + 26, true) +
      view.getUint16(record.localOffset + 28, true);
    if (offset + record.compressedSize > bytes.byteLength)
      throw invalid(`${member} extends past the end of the archive`);
    const data = bytes.subarray(offset, offset + record.compressedSize);
    const { type, mode } = classify(record);
    const header: TarHeader = { name: record.name, type, size: 0, mode, mtime: record.mtime, linkTarget: "" };
    let body: ReadableStream<Uint8Array> = emptyStream();
    if (type === "symlink") {
      const target = await readAllBytes(memberData(record, data, member), MAX_MEMBER_PATH_BYTES);
      header.linkTarget = utf8.decode(target);
    } else if (type === "file" || type === "other") {
      header.size = record.size;
      body = memberData(record, data, member);
    }
    if (type === "other") header.typeflag = `zip mode ${(record.externalAttributes >>> 16).toString(8)}`;
    const path = normalizeMemberPath(record.name);
    yield { header, path, headerOffset: record.localOffset, offset, body };
  }
}

function readCentralDirectory(bytes: Uint8Array, view: DataView): CentralRecord[] {
  const end = findEndOfCentralDirectory(view);
  if (view.getUint16(end + 4, true) !== 0 || view.getUint16(end + 6, true) !== 0) {
    throw invalid("multi-volume zip archives are not supported");
  }
  let count = view.getUint16(end + 10, true);
  let directorySize = view.getUint32(end + 12, true);
  let position = view.getUint32(end + 16, true);
  const locator = end - 20;
  if (locator >= 0 && view.getUint32(locator, true) === ZIP64_END_LOCATOR) {
    const zip64End = readUint64(view, locator + 8);
    if (zip64End + 56 > end || view.getUint32(zip64End, true) !== ZIP64_END_OF_CENTRAL_DIRECTORY) {
      throw invalid("corrupted zip64 end of central directory");
    }
    count = readUint64(view, zip64End + 32);
    directorySize = readUint64(view, zip64End + 40);
    position = readUint64(view, zip64End + 48);
  } else if (count === SATURATED_16 || position === SATURATED_32) {
    throw invalid("zip64 archive without its zip64 end of central directory");
  }
  const directoryEnd = position + directorySize;
  if (directoryEnd > bytes.byteLength) throw invalid("the zip's central directory extends past the end of the archive");

  const records: CentralRecord[] = [];
  for (let i = 0; i < count; i++) {
    if (position + 46 > directoryEnd || view.getUint32(position, true) !== CENTRAL_FILE_HEADER) {
      throw invalid(`corrupted zip central directory at byte ${position}`);
    }
    const flags = view.getUint16(position + 8, true);
    const nameLength = view.getUint16(position + 28, true);
    const extraLength = view.getUint16(position + 30, true);
    const commentLength = view.getUint16(position + 32, true);
    const nameStart = position + 46;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > directoryEnd) throw invalid(`corrupted zip central directory at byte ${position}`);
    const extras = parseExtraFields(view, extraStart, extraLength);
    const host = view.getUint16(position + 4, true) >> 8;
    const record: CentralRecord = {
      name: decodeName(bytes.subarray(nameStart, extraStart), flags, host, extras, view),
      host,
      method: view.getUint16(position + 10, true),
      compressedSize: view.getUint32(position + 20, true),
      size: view.getUint32(position + 24, true),
      externalAttributes: view.getUint32(position + 38, true),
      localOffset: view.getUint32(position + 42, true),
      mtime: dosTime(view.getUint16(position + 14, true), view.getUint16(position + 12, true)),
    };
    applyZip64(record, view, extras.get(0x0001));
    const timestamp = extras.get(0x5455);
    if (timestamp && timestamp.length >= 5 && (view.getUint8(timestamp.start) & 1) === 1) {
      record.mtime = view.getInt32(timestamp.start + 1, true);
    }
    const member = `zip member ${JSON.stringify(record.name)}`;
    if (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) {
      throw invalid(`${member} is encrypted; encrypted zip archives are not supported`);
    }
    if (record.method !== METHOD_STORED && record.method !== METHOD_DEFLATE && !record.name.endsWith("/")) {
      throw invalid(`${member} uses compression method ${record.method}; only stored and deflate are supported`);
    }
    records.push(record);
    position = next;
  }
  return records;
}

function findEndOfCentralDirectory(view: DataView): number {
  const last = view.byteLength - 22;
  const first = Math.max(0, last - MAX_COMMENT);
  for (let i = last; i >= first; i--) {
    if (view.getUint32(i, true) === END_OF_CENTRAL_DIRECTORY) return i;
  }
  throw invalid("not a zip archive (no end of central directory record)");
}

function readUint64(view: DataView, offset: number): number {
  const value = view.getBigUint64(offset, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid(`zip64 value too large at byte ${offset}`);
  return Number(value);
}

type ExtraField = { start: number; length: number };

function parseExtraFields(view: DataView, start: number, length: number): Map<number, ExtraField> {
  const fields = new Map<number, ExtraField>();
  let position = start;
  while (position + 4 <= start + length) {
    const id = view.getUint16(position, true);
    const size = view.getUint16(position + 2, true);
    if (position + 4 + size > start + length) break;
    fields.set(id, { start: position + 4, length: size });
    position += 4 + size;
  }
  return fields;
}

/** Zip64 extra: 8-byte values for exactly the fields saturated in the record, in this order. */
function applyZip64(record: CentralRecord, view: DataView, field: ExtraField | undefined): void {
  const saturated =
    record.size === SATURATED_32 || record.compressedSize === SATURATED_32 || record.localOffset === SATURATED_32;
  if (!saturated) return;
  if (field === undefined) throw invalid(`zip member ${JSON.stringify(record.name)} lacks its zip64 sizes`);
  let position = field.start;
  const next = () => {
    if (position + 8 > field.start + field.length)
      throw invalid(`zip member ${JSON.stringify(record.name)} has a short zip64 field`);
    const value = readUint64(view, position);
    position += 8;
    return value;
  };
  if (record.size === SATURATED_32) record.size = next();
  if (record.compressedSize === SATURATED_32) record.compressedSize = next();
  if (record.localOffset === SATURATED_32) record.localOffset = next();
}

function decodeName(
  raw: Uint8Array,
  flags: number,
  host: number,
  extras: Map<number, ExtraField>,
  view: DataView,
): string {
  let name: string;
  const unicodePath = extras.get(0x7075);
  if (flags & FLAG_UTF8) {
    name = utf8.decode(raw);
  } else if (
    unicodePath &&
    unicodePath.length > 5 &&
    view.getUint8(unicodePath.start) === 1 &&
    view.getUint32(unicodePath.start + 1, true) === crc32(raw)
  ) {
    const start = view.byteOffset + unicodePath.start + 5;
    name = utf8.decode(new Uint8Array(view.buffer, start, unicodePath.length - 5));
  } else {
    // Unix zippers (Info-ZIP included) often store UTF-8 without saying so; text meant as CP437
    // is practically never valid UTF-8, so valid UTF-8 wins.
    name =
      decodeStrictUtf8(raw) ??
      Array.from(raw, (byte) => (byte < 0x80 ? String.fromCharCode(byte) : (CP437_HIGH[byte - 0x80] ?? "?"))).join("");
  }
  // DOS and Windows zippers write `\` as the separator; Unix ones mean a literal backslash.
  if (host === HOST_MSDOS || host === HOST_NTFS || host === HOST_VFAT) name = name.replaceAll("\\", "/");
  return name;
}

/** DOS timestamps have no zone; read them as UTC so results do not depend on where we run. */
function dosTime(date: number, time: number): number {
  const millis = Date.UTC(
    1980 + (date >> 9),
    ((date >> 5) & 0x0f) - 1,
    date & 0x1f,
    time >> 11,
    (time >> 5) & 0x3f,
    (time & 0x1f) * 2,
  );
  return Math.floor(millis / 1000);
}

const S_IFMT = 0o170000;
// A Map, not an object literal: the formatter rewrites octal object keys (wrongly) as decimals.
const UNIX_TYPES = new Map<number, TarEntryType>([
  [0o010000, "fifo"],
  [0o020000, "character-device"],
  [0o040000, "directory"],
  [0o060000, "block-device"],
  [0o100000, "file"],
  [0o120000, "symlink"],
]);

function classify(record: CentralRecord): { type: TarEntryType; mode: number } {
  const unixMode = record.host === HOST_UNIX || record.host === HOST_MACOS ? record.externalAttributes >>> 16 : 0;
  const looksLikeDirectory = record.name.endsWith("/") || (record.externalAttributes & 0x10) !== 0;
  const format = unixMode & S_IFMT;
  if (format !== 0) return { type: UNIX_TYPES.get(format) ?? "other", mode: unixMode & 0o7777 };
  if (looksLikeDirectory) return { type: "directory", mode: unixMode & 0o7777 || 0o755 };
  return { type: "file", mode: unixMode & 0o7777 || 0o644 };
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.close();
    },
  });
}

/** The member's uncompressed data, produced only when first read. */
function memberData(record: CentralRecord, data: Uint8Array, member: string): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const open = (): ReadableStreamDefaultReader<Uint8Array> => {
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        if (data.byteLength > 0) controller.enqueue(data);
        controller.close();
      },
    });
    if (record.method === METHOD_STORED) {
      if (record.compressedSize !== record.size) throw invalid(`${member}: stored sizes disagree`);
      return source.getReader();
    }
    return inflateRawStream(source).pipeThrough(exactSize(record.size, member)).getReader();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        reader ??= open();
        let result: Awaited<ReturnType<typeof reader.read>>;
        try {
          result = await reader.read();
        } catch (error) {
          throw error instanceof CodalabError ? error : invalid(`${member} is corrupted: ${String(error)}`);
        }
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      },
      async cancel(reason) {
        await reader?.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/** Passes data through while checking it comes to exactly the size the zip declared. */
function exactSize(size: number, member: string): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > size) throw invalid(`${member} inflates to more than its declared ${size} bytes`);
      controller.enqueue(chunk);
    },
    flush() {
      if (seen !== size) throw invalid(`${member} inflates to ${seen} bytes, not its declared ${size}`);
    },
  });
}

let crcTable: Uint32Array | undefined;

/** CRC-32 of a short byte string (zip names), to validate Info-ZIP unicode path fields. */
function crc32(bytes: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
