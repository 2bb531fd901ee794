/**
 * Streaming tar writer that builds the bundle index as it goes. Members are written in call order
 * with fixed ownership fields, so the same members with the same mtimes always give the same
 * bytes. Output is batched (small pieces copied into 64 KiB chunks, large body chunks passed through
 * untouched) and `add*` waits whenever more than `highWaterMark` bytes are queued and unread, which
 * is what keeps memory flat on large uploads.
 */
import { CodalabError } from "../errors.ts";
import { BUNDLE_INDEX_VERSION, type BundleIndex, type BundleIndexEntry } from "./bundle-index.ts";
import { type EntryBody, openBody } from "./entry-body.ts";
import { normalizeMemberPath } from "./member-path.ts";
import { BLOCK_SIZE, encodeTarHeader, paddingFor, type TarHeaderInit } from "./tar-header.ts";

export type TarWriterOptions = {
  /** Bytes the output may buffer before `add*` waits for the consumer (default 1 MiB). */
  highWaterMark?: number;
};

export type MemberOptions = {
  /** Seconds since the epoch (fractions are dropped). */
  mtime: number;
  /** Permission bits; defaults 0o644 (files), 0o755 (directories), 0o777 (symlinks). */
  mode?: number;
};

/**
 * Headers, padding and small bodies are copied into batches of this size before being queued:
 * a directory of 20 000 small files becomes a few hundred chunks instead of 60 000.
 */
const BATCH_BYTES = 64 * 1024;
/** Body chunks at least this large are queued as they are, never copied. */
const PASS_THROUGH_BYTES = 16 * 1024;

export class TarWriter {
  readonly readable: ReadableStream<Uint8Array>;
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private resume: (() => void) | undefined;
  private failure: unknown;
  private failed = false;
  private finished = false;
  private busy = false;
  private written = 0;
  private batch = new Uint8Array(0);
  private batchLength = 0;
  private readonly entries: BundleIndexEntry[] = [];
  private readonly byPath = new Map<string, BundleIndexEntry>();

  constructor(options: TarWriterOptions = {}) {
    this.readable = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: () => this.wake(),
        cancel: (reason) => {
          this.failed = true;
          this.failure = new CodalabError("UNAVAILABLE", `the archive's reader went away: ${String(reason)}`);
          this.wake();
        },
      },
      { highWaterMark: options.highWaterMark ?? 1024 * 1024, size: (chunk) => chunk.byteLength },
    );
  }

  /** Bytes written so far (some may still wait in the current batch). */
  get position(): number {
    return this.written;
  }

  async addDirectory(path: string, options: MemberOptions): Promise<void> {
    await this.exclusive(async () => {
      const normalized = this.claim(path);
      const mode = (options.mode ?? 0o755) & 0o7777;
      const mtime = Math.floor(options.mtime);
      const header = encodeTarHeader({ name: `${normalized}/`, type: "directory", mode, mtime });
      const headerOffset = await this.write(header);
      this.record({
        path: normalized,
        type: "directory",
        header_offset: headerOffset,
        offset: this.written,
        size: 0,
        mode,
        mtime,
      });
    });
  }

  /** Adds a regular file whose body must be exactly `size` bytes. */
  async addFile(path: string, body: EntryBody, options: MemberOptions & { size: number }): Promise<void> {
    await this.exclusive(async () => {
      const normalized = this.claim(path);
      const mode = (options.mode ?? 0o644) & 0o7777;
      const mtime = Math.floor(options.mtime);
      const size = options.size;
      const header = encodeTarHeader({ name: normalized, type: "file", size, mode, mtime });
      const data = await openBody(body);
      if (data instanceof Uint8Array && data.byteLength !== size) throw sizeMismatch(normalized, size, data.byteLength);
      const headerOffset = await this.write(header);
      const offset = this.written;
      if (data instanceof Uint8Array) await this.write(data);
      else await this.writeStream(normalized, data, size);
      await this.writeZeros(paddingFor(size));
      this.record({ path: normalized, type: "file", header_offset: headerOffset, offset, size, mode, mtime });
    });
  }

  async addSymlink(path: string, target: string, options: MemberOptions): Promise<void> {
    await this.exclusive(async () => {
      const normalized = this.claim(path);
      if (target === "" || target.includes("\0")) {
        throw new CodalabError("INVALID_ARCHIVE", `symlink ${JSON.stringify(normalized)} has an invalid target`);
      }
      const mode = (options.mode ?? 0o777) & 0o7777;
      const mtime = Math.floor(options.mtime);
      const header = encodeTarHeader({ name: normalized, type: "symlink", mode, mtime, linkTarget: target });
      const headerOffset = await this.write(header);
      this.record({
        path: normalized,
        type: "link",
        header_offset: headerOffset,
        offset: this.written,
        size: 0,
        mode,
        mtime,
        link: target,
      });
    });
  }

  /**
   * Adds a second name for a file added earlier (`target` is bundle-relative, as in tar). The
   * index entry shares the target's header and data, so it reads and verifies like the target.
   */
  async addHardlink(path: string, target: string): Promise<void> {
    await this.exclusive(async () => {
      const normalized = this.claim(path);
      const original = this.byPath.get(normalizeMemberPath(target));
      if (original === undefined || original.type !== "file") {
        throw new CodalabError(
          "INVALID_ARCHIVE",
          `hardlink ${JSON.stringify(normalized)} must point to a file earlier in the archive, not ${JSON.stringify(target)}`,
        );
      }
      const source = original.hardlink_of ?? original.path;
      const init: TarHeaderInit = {
        name: normalized,
        type: "hardlink",
        mode: original.mode,
        mtime: original.mtime,
        linkTarget: source,
      };
      await this.write(encodeTarHeader(init));
      const { hardlink_of: _, ...shared } = original;
      this.record({ ...shared, path: normalized, hardlink_of: source });
    });
  }

  /** Writes the end-of-archive blocks, closes the stream and returns the index. */
  async finish(): Promise<BundleIndex> {
    let index: BundleIndex | undefined;
    await this.exclusive(async () => {
      await this.writeZeros(2 * BLOCK_SIZE);
      await this.flush();
      this.finished = true;
      this.controller?.close();
      index = { version: BUNDLE_INDEX_VERSION, tar_size: this.written, entries: this.entries };
    });
    if (index === undefined) throw new CodalabError("INTERNAL", "the tar writer produced no index");
    return index;
  }

  /** Fails the output stream (e.g. the source went away); later calls throw `reason`. */
  abort(reason: unknown): void {
    if (this.failed || this.finished) return;
    this.failed = true;
    this.failure = reason;
    this.controller?.error(reason);
    this.wake();
  }

  private async exclusive(work: () => Promise<void>): Promise<void> {
    if (this.failed) throw this.failure;
    if (this.finished) throw new CodalabError("INTERNAL", "the tar writer is already finished");
    if (this.busy) throw new CodalabError("INTERNAL", "tar writer calls must not overlap");
    this.busy = true;
    try {
      await work();
    } catch (error) {
      this.abort(error);
      throw this.failed ? this.failure : error;
    } finally {
      this.busy = false;
    }
  }

  private claim(path: string): string {
    const normalized = normalizeMemberPath(path);
    if (normalized === "") throw new CodalabError("INVALID_ARCHIVE", "the bundle root cannot be added as a member");
    if (this.byPath.has(normalized)) {
      throw new CodalabError("INVALID_ARCHIVE", `duplicate archive member ${JSON.stringify(normalized)}`);
    }
    return normalized;
  }

  private record(entry: BundleIndexEntry): void {
    this.entries.push(entry);
    this.byPath.set(entry.path, entry);
  }

  /** Appends bytes (copied into the batch when small, queued as they are when large); returns their offset. */
  private async write(bytes: Uint8Array): Promise<number> {
    const offset = this.written;
    if (bytes.byteLength >= PASS_THROUGH_BYTES) {
      await this.flush();
      this.written += bytes.byteLength;
      await this.enqueue(bytes);
      return offset;
    }
    if (this.batchLength + bytes.byteLength > this.batch.byteLength) await this.flush();
    if (this.batch.byteLength === 0) this.batch = new Uint8Array(BATCH_BYTES);
    this.batch.set(bytes, this.batchLength);
    this.batchLength += bytes.byteLength;
    this.written += bytes.byteLength;
    return offset;
  }

  private async writeZeros(length: number): Promise<void> {
    if (length === 0) return;
    if (this.batchLength + length > this.batch.byteLength) await this.flush();
    if (this.batch.byteLength === 0) this.batch = new Uint8Array(BATCH_BYTES);
    // A fresh batch is all zeros and never reused, so skipping ahead writes the zeros.
    this.batchLength += length;
    this.written += length;
  }

  private async flush(): Promise<void> {
    if (this.batchLength === 0) return;
    const chunk = this.batch.subarray(0, this.batchLength);
    this.batch = new Uint8Array(0);
    this.batchLength = 0;
    await this.enqueue(chunk);
  }

  private async writeStream(path: string, stream: ReadableStream<Uint8Array>, size: number): Promise<void> {
    const reader = stream.getReader();
    let seen = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        seen += value.byteLength;
        if (seen > size) throw sizeMismatch(path, size, seen);
        if (value.byteLength > 0) await this.write(value);
      }
    } catch (error) {
      await reader.cancel(error).catch(() => undefined);
      throw error;
    } finally {
      reader.releaseLock();
    }
    if (seen !== size) throw sizeMismatch(path, size, seen);
  }

  private async enqueue(chunk: Uint8Array): Promise<void> {
    if (this.failed) throw this.failure;
    const controller = this.controller;
    if (controller === undefined) throw new CodalabError("INTERNAL", "the tar writer's stream did not start");
    controller.enqueue(chunk);
    // `pull` (the consumer asking for more) or a cancel resolves the wait.
    if ((controller.desiredSize ?? 0) <= 0) {
      await new Promise<void>((resolve) => {
        this.resume = resolve;
      });
    }
    if (this.failed) throw this.failure;
  }

  private wake(): void {
    const resume = this.resume;
    this.resume = undefined;
    resume?.();
  }
}

function sizeMismatch(path: string, declared: number, actual: number): CodalabError {
  const found = actual > declared ? `more than the ${declared} bytes` : `${actual} bytes instead of the ${declared}`;
  return new CodalabError(
    "INVALID_ARCHIVE",
    `${JSON.stringify(path)} has ${found} declared for it; did it change while being packed?`,
  );
}
