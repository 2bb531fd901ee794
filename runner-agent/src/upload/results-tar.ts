/**
 * Packs a run directory into our tar format with core's TarWriter. The upload API needs the
 * archive's size before the first byte is sent, so `predictTarSize` adds up exactly what
 * TarWriter will write for the same members (headers from the same encoder, data, padding, the
 * end-of-archive blocks); `packRunDir` checks the prediction at the end.
 */
import { constants } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import type { BundleIndex } from "@codalab/core/archive/bundle-index";
import { BLOCK_SIZE, encodeTarHeader, paddingFor, type TarHeaderInit } from "@codalab/core/archive/tar-header";
import { TarWriter } from "@codalab/core/archive/tar-writer";
import { CodalabError } from "@codalab/core/errors";
import { openInside } from "../files/run-dir-paths.ts";
import type { RunDirMember } from "../files/walk-run-dir.ts";

function headerInit(member: RunDirMember, byPath: Map<string, RunDirMember>): TarHeaderInit {
  switch (member.type) {
    case "directory":
      return { name: `${member.path}/`, type: "directory", mode: member.mode, mtime: member.mtime };
    case "file":
      return { name: member.path, type: "file", size: member.size, mode: member.mode, mtime: member.mtime };
    case "symlink":
      return { name: member.path, type: "symlink", mode: member.mode, mtime: member.mtime, linkTarget: member.target };
    case "hardlink": {
      const original = byPath.get(member.target);
      const mode = original && original.type === "file" ? original.mode : 0o644;
      const mtime = original && original.type === "file" ? original.mtime : 0;
      return { name: member.path, type: "hardlink", mode, mtime, linkTarget: member.target };
    }
  }
}

function indexByPath(members: readonly RunDirMember[]): Map<string, RunDirMember> {
  return new Map(members.map((member) => [member.path, member]));
}

export function predictTarSize(members: readonly RunDirMember[]): number {
  const byPath = indexByPath(members);
  let total = 0;
  for (const member of members) {
    total += encodeTarHeader(headerInit(member, byPath)).byteLength;
    if (member.type === "file") total += member.size + paddingFor(member.size);
  }
  return total + 2 * BLOCK_SIZE;
}

/** Bytes of results as CodaLab counts them (file data once, plus link targets). */
export function membersDataSize(members: readonly RunDirMember[]): number {
  let total = 0;
  for (const member of members) {
    if (member.type === "file") total += member.size;
    else if (member.type === "symlink") total += new TextEncoder().encode(member.target).byteLength;
  }
  return total;
}

export type PackOptions = {
  /** The archive size announced beforehand; checked at the end when given. */
  expectedSize?: number;
  /**
   * The directory is live (a running run): a file that grows or shrinks while packed is cut or
   * padded with zeros to the size it had when listed, instead of failing the archive.
   */
  live?: boolean;
  /** Where the members' paths start, relative to `root` (files are opened as `prefix/path`). */
  prefix?: string;
};

/** A file's bytes, exactly `size` of them: cut when it grew, zero-padded when it shrank. */
function clampedStream(open: () => Promise<FileHandle>, size: number) {
  let handle: FileHandle | undefined;
  let position = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (position >= size) {
        await handle?.close();
        controller.close();
        return;
      }
      handle ??= await open();
      const buffer = new Uint8Array(Math.min(256 * 1024, size - position));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      // Past the end of a file that shrank: zeros (a fresh buffer already is).
      const chunk = bytesRead === 0 ? buffer : buffer.subarray(0, bytesRead);
      position += chunk.length;
      controller.enqueue(chunk);
    },
    async cancel() {
      await handle?.close();
    },
  });
}

/**
 * Streams the members into `writer` (the caller reads `writer.readable`) and returns the index.
 * Files are opened inside the run directory without following links.
 */
export async function packRunDir(
  writer: TarWriter,
  root: string,
  members: readonly RunDirMember[],
  options: PackOptions = {},
): Promise<BundleIndex> {
  const prefix = options.prefix ?? "";
  try {
    for (const member of members) {
      switch (member.type) {
        case "directory":
          await writer.addDirectory(member.path, { mode: member.mode, mtime: member.mtime });
          break;
        case "symlink":
          await writer.addSymlink(member.path, member.target, { mode: member.mode, mtime: member.mtime });
          break;
        case "hardlink":
          await writer.addHardlink(member.path, member.target);
          break;
        case "file": {
          const path = prefix === "" ? member.path : `${prefix}/${member.path}`;
          const openFile = () => openInside(root, path, constants.O_RDONLY);
          const body = options.live
            ? () => clampedStream(openFile, member.size)
            : async () => Readable.toWeb((await openFile()).createReadStream()) as ReadableStream<Uint8Array>;
          await writer.addFile(member.path, body, { size: member.size, mode: member.mode, mtime: member.mtime });
          break;
        }
      }
    }
    const index = await writer.finish();
    if (options.expectedSize !== undefined && index.tar_size !== options.expectedSize) {
      throw new CodalabError(
        "INTERNAL",
        `the results archive is ${index.tar_size} bytes, not the ${options.expectedSize} announced (files changed while packing?)`,
      );
    }
    return index;
  } catch (error) {
    writer.abort(error);
    throw error;
  }
}

export function newResultsWriter(): TarWriter {
  return new TarWriter();
}
