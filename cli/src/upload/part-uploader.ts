/**
 * Sends a source's missing parts, `parallel` at a time. Each part needs a known length (R2
 * multipart), so a part is read into its own buffer just before a lane is free to send it: memory
 * stays at `parallel` parts, whatever the upload's size. Sources read as a stream (packed
 * directories, unpacked archives) are read from the start, skipping the parts the server already
 * has; a plain file is read part by part where the part lies.
 */
import { CodalabError, type ErrorCode } from "../core-light.ts";
import { CliError } from "../errors/cli-error.ts";

export type PartPlan = {
  size: number;
  partSize: number;
  partCount: number;
  /** Part numbers (1-based) the server still needs, ascending. */
  missing: readonly number[];
};

export type PartSource = {
  open(): ReadableStream<Uint8Array>;
  readRange?: (offset: number, length: number) => Promise<Uint8Array>;
};

export type PartUploadOptions = {
  send(partNumber: number, bytes: Uint8Array): Promise<void>;
  parallel: number;
  /** Bytes of a part as they are sent (counted when the part succeeds). */
  onPartDone?(partNumber: number, bytes: number): void;
  /** Stops (as if interrupted) after sending this many parts: CODALAB_TEST_STOP_AFTER_PARTS. */
  stopAfterParts?: number;
  /** Attempts per part before giving up (transient failures only). */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
};

/** Length of part `n` (1-based); 0 for the single empty part of an empty source. */
export function partLength(plan: Pick<PartPlan, "size" | "partSize">, partNumber: number): number {
  const start = (partNumber - 1) * plan.partSize;
  return Math.max(0, Math.min(plan.partSize, plan.size - start));
}

export async function uploadParts(source: PartSource, plan: PartPlan, options: PartUploadOptions): Promise<void> {
  const parts = source.readRange ? readRanges(source.readRange, plan) : readSequentially(source.open(), plan);
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let launched = 0;
  const stopAfter = options.stopAfterParts;
  try {
    for (;;) {
      while (inFlight.size >= options.parallel && failure === undefined) await Promise.race(inFlight);
      if (failure !== undefined || (stopAfter !== undefined && launched >= stopAfter)) break;
      const next = await parts.next();
      if (next.done) break;
      const { partNumber, bytes } = next.value;
      launched += 1;
      const sending = sendWithRetries(partNumber, bytes, options).then(
        () => options.onPartDone?.(partNumber, bytes.byteLength),
        (error: unknown) => {
          failure ??= { error };
        },
      );
      const tracked = sending.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    // Parts already on their way are let through: each one that lands need not be sent again.
    await Promise.all(inFlight);
  } finally {
    await parts.return(undefined);
  }
  if (failure !== undefined) throw failure.error;
  if (stopAfter !== undefined && launched >= stopAfter && launched < plan.missing.length) {
    throw new CliError("UNAVAILABLE", `stopped after ${launched} parts (CODALAB_TEST_STOP_AFTER_PARTS)`, {
      hint: "run the same command again to resume the upload",
    });
  }
}

type Part = { partNumber: number; bytes: Uint8Array };

async function* readRanges(
  read: (offset: number, length: number) => Promise<Uint8Array>,
  plan: PartPlan,
): AsyncGenerator<Part> {
  for (const partNumber of plan.missing) {
    yield { partNumber, bytes: await read((partNumber - 1) * plan.partSize, partLength(plan, partNumber)) };
  }
}

async function* readSequentially(stream: ReadableStream<Uint8Array>, plan: PartPlan): AsyncGenerator<Part> {
  const reader = stream.getReader();
  const wanted = new Set(plan.missing);
  let pending: Uint8Array = new Uint8Array(0);
  let finished = false;
  try {
    for (let partNumber = 1; partNumber <= plan.partCount; partNumber += 1) {
      if (wanted.size === 0) return;
      const length = partLength(plan, partNumber);
      const keep = wanted.has(partNumber);
      const buffer = keep ? new Uint8Array(length) : undefined;
      let filled = 0;
      while (filled < length) {
        if (pending.byteLength === 0) {
          if (finished) throw sizeChanged(plan.size);
          const { done, value } = await reader.read();
          if (done) {
            finished = true;
            continue;
          }
          pending = value;
        }
        const take = Math.min(length - filled, pending.byteLength);
        buffer?.set(pending.subarray(0, take), filled);
        pending = pending.subarray(take);
        filled += take;
      }
      if (buffer !== undefined) {
        wanted.delete(partNumber);
        yield { partNumber, bytes: buffer };
      }
    }
    // Everything was read: anything more means the source no longer matches its measured size.
    if (pending.byteLength > 0 || (!finished && !(await reader.read()).done)) throw sizeChanged(plan.size);
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

function sizeChanged(size: number): CliError {
  return new CliError(
    "CONFLICT",
    `the data to upload is no longer the ${size} bytes measured before the upload started`,
    {
      hint: "something changed the files meanwhile: upload them again once nothing is writing to them",
    },
  );
}

/** Failures worth another try: the network or an overloaded instance, never a refusal. */
const TRANSIENT: readonly ErrorCode[] = ["UNAVAILABLE", "GATEWAY_TIMEOUT", "INTERNAL"];

async function sendWithRetries(partNumber: number, bytes: Uint8Array, options: PartUploadOptions): Promise<void> {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt += 1) {
    try {
      await options.send(partNumber, bytes);
      return;
    } catch (error) {
      const transient = error instanceof CodalabError && TRANSIENT.includes(error.code);
      if (!transient || attempt >= attempts) throw error;
      await sleep(1000 * 2 ** (attempt - 1));
    }
  }
}
