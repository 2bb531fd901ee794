/**
 * Reads a byte stream in exact pieces, then hands back the unread rest as a stream: a file
 * inside a directory bundle arrives as one range read of its tar header followed by its data,
 * and only the data is passed on once the header has been checked.
 */
export class ByteStreamReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private pending: Uint8Array = new Uint8Array(0);
  private ended = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader();
  }

  /** Exactly `length` bytes, or fewer if the stream ended first. */
  async readExact(length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const piece = await this.next(length - filled);
      if (piece === null) return out.subarray(0, filled);
      out.set(piece, filled);
      filled += piece.byteLength;
    }
    return out;
  }

  /** Up to `max` bytes without consuming them (fewer at the end of the stream or of a chunk). */
  async peek(max: number): Promise<Uint8Array> {
    if (this.pending.byteLength === 0 && !this.ended) {
      const { done, value } = await this.reader.read();
      if (done) this.ended = true;
      else this.pending = value;
    }
    return this.pending.subarray(0, max);
  }

  /** Everything not read yet, as a stream; the reader must not be used afterwards. */
  rest(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const piece = await this.next(Number.POSITIVE_INFINITY);
        if (piece === null) controller.close();
        else controller.enqueue(piece);
      },
      cancel: async (reason) => {
        await this.reader.cancel(reason);
      },
    });
  }

  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }

  private async next(max: number): Promise<Uint8Array | null> {
    while (this.pending.byteLength === 0) {
      if (this.ended) return null;
      const { done, value } = await this.reader.read();
      if (done) {
        this.ended = true;
        return null;
      }
      this.pending = value;
    }
    const take = Math.min(max, this.pending.byteLength);
    const piece = this.pending.subarray(0, take);
    this.pending = this.pending.subarray(take);
    return piece;
  }
}
