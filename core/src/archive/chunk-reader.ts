/**
 * Pulls exact-sized pieces out of a byte stream whose chunks have arbitrary boundaries. Body data
 * is handed out as views of the incoming chunks (no copies); only a header that straddles two
 * chunks is copied into a fresh 512-byte buffer.
 */
export class ChunkReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private chunk: Uint8Array = new Uint8Array(0);
  private done = false;
  /** Bytes consumed so far: the archive offset of the next byte. */
  position = 0;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader();
  }

  private async fill(): Promise<boolean> {
    while (this.chunk.byteLength === 0) {
      if (this.done) return false;
      const { done, value } = await this.reader.read();
      if (done) {
        this.done = true;
        return false;
      }
      this.chunk = value;
    }
    return true;
  }

  /** Up to `max` bytes (fewer at a chunk boundary), or null at the end of the stream. */
  async readSome(max: number): Promise<Uint8Array | null> {
    if (!(await this.fill())) return null;
    const take = Math.min(max, this.chunk.byteLength);
    const piece = this.chunk.subarray(0, take);
    this.chunk = this.chunk.subarray(take);
    this.position += take;
    return piece;
  }

  /**
   * Exactly `length` bytes, or the bytes that were left if the stream ended first (possibly
   * empty); callers treat a short result as truncation or end of archive.
   */
  async readExact(length: number): Promise<Uint8Array> {
    if ((await this.fill()) && this.chunk.byteLength >= length) {
      const piece = this.chunk.subarray(0, length);
      this.chunk = this.chunk.subarray(length);
      this.position += length;
      return piece;
    }
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const piece = await this.readSome(length - filled);
      if (piece === null) return out.subarray(0, filled);
      out.set(piece, filled);
      filled += piece.byteLength;
    }
    return out;
  }

  /** Skips up to `length` bytes and returns how many were skipped (fewer only at the end). */
  async skip(length: number): Promise<number> {
    let skipped = 0;
    while (skipped < length) {
      const piece = await this.readSome(length - skipped);
      if (piece === null) break;
      skipped += piece.byteLength;
    }
    return skipped;
  }

  async cancel(reason?: unknown): Promise<void> {
    this.done = true;
    this.chunk = new Uint8Array(0);
    await this.reader.cancel(reason);
  }

  release(): void {
    this.reader.releaseLock();
  }
}
