/**
 * Waiting for a bundle to reach a final state without polling: `GET /rest/bundles/events` (a
 * Server-Sent Events stream) tells of each change as it happens. A stream that ends early or
 * breaks is opened again (its first event is the bundle as it is then, so nothing is missed);
 * an unreachable instance is retried a few times with growing pauses before giving up.
 */
import { BUNDLE_END_EVENT, BUNDLE_ERROR_EVENT, BUNDLE_EVENT } from "@codalab/core/api/bundle-events";
import { ServerSentEventParser } from "@codalab/core/api/server-sent-events";
import { FINAL_STATES } from "@codalab/core/constants";
import type { ApiClient } from "../api/api-client.ts";
import { parseBundleEnvelope, type WireBundle } from "../api/bundle-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { CodalabError, isErrorCode } from "../core-light.ts";
import { isRecord } from "../parse/json-fields.ts";

/** Pauses before each new attempt after a failure, in ms; past the last, the failure is reported. */
export const RETRY_PAUSES_MS: readonly number[] = [250, 1000, 2000, 4000, 8000];

/** Failures that a later attempt may not meet: the instance restarting, a dropped connection. */
export function isPassing(error: unknown): boolean {
  return !(error instanceof CodalabError) || error.code === "UNAVAILABLE" || error.code === "GATEWAY_TIMEOUT";
}

export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

function errorOf(data: unknown): CodalabError {
  const error = isRecord(data) && isRecord(data.error) ? data.error : {};
  const code = isErrorCode(error.code) ? error.code : "INTERNAL";
  return new CodalabError(code, typeof error.message === "string" ? error.message : "the bundle cannot be watched");
}

/** Reads one stream; the final bundle, or null when the stream ended before the bundle was final. */
async function readStream(
  client: ApiClient,
  uuid: string,
  onChange: ((bundle: WireBundle) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<WireBundle | null> {
  const response = await client.open("GET", "/rest/bundles/events", { query: { uuid } });
  const body = response.body;
  if (body === null) return null;
  const reader = body.getReader();
  const stop = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener("abort", stop, { once: true });
  const parser = new ServerSentEventParser();
  const decoder = new TextDecoder();
  let last: WireBundle | null = null;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return null;
      for (const event of parser.push(decoder.decode(value, { stream: true }))) {
        const data: unknown = JSON.parse(event.data);
        if (event.event === BUNDLE_ERROR_EVENT) throw errorOf(data);
        if (event.event === BUNDLE_END_EVENT) return last;
        if (event.event !== BUNDLE_EVENT) continue;
        last = parseResponse("GET /rest/bundles/events", data, parseBundleEnvelope);
        onChange?.(last);
        if (FINAL_STATES.includes(last.state)) return last;
      }
    }
  } finally {
    signal?.removeEventListener("abort", stop);
    stop();
  }
}

/**
 * Resolves with the bundle once it is final (ready, failed or killed); `onChange` sees every
 * state on the way. Rejects when the bundle cannot be read (NOT_FOUND, FORBIDDEN), when the
 * instance stays unreachable, or with an ABORTED-like CodalabError when `signal` fires.
 */
export async function watchBundle(
  client: ApiClient,
  uuid: string,
  options: { onChange?: (bundle: WireBundle) => void; signal?: AbortSignal } = {},
): Promise<WireBundle> {
  let failures = 0;
  for (;;) {
    if (options.signal?.aborted) throw new CodalabError("UNAVAILABLE", "stopped waiting");
    try {
      const final = await readStream(client, uuid, options.onChange, options.signal);
      if (final !== null && FINAL_STATES.includes(final.state)) return final;
      failures = 0;
    } catch (error) {
      const wait = RETRY_PAUSES_MS[failures];
      if (!isPassing(error) || wait === undefined || options.signal?.aborted) throw error;
      failures++;
      await pause(wait, options.signal);
    }
  }
}
