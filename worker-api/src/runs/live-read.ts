/**
 * Live reads of a running bundle (design §4 "Live reads"): `contents/info` and `contents/blob` of
 * a run in `preparing`/`running` are answered by the runner through the worker's session, which
 * sends a `read` over the socket and streams the reply back chunk by chunk. The answers have the
 * shape and headers of reads of ready bundles. Dependencies are not served this way: the runner
 * hides them, and they are read from their own bundles.
 */
import {
  type BlobFormat,
  type BundleState,
  basename,
  CodalabError,
  type ErrorCode,
  gzipStream,
  type ReadSpec,
  type TargetInfo,
} from "@codalab/core";
import type { LiveReadReply } from "@codalab/durable-objects";
import { eq } from "drizzle-orm";
import type { BundleRow } from "../bundles/bundle-fields.ts";
import { ByteStreamReader } from "../bundles/byte-stream-reader.ts";
import { createDb } from "../db/client.ts";
import { workerRuns } from "../db/schema.ts";
import {
  BINARY_TYPE,
  contentsHeaders,
  looksLikeText,
  parseRange,
  TEXT_TYPE,
} from "../routes/bundles/download-headers.ts";
import { sessionStub } from "./stubs.ts";

/** States in which a run's directory lives on its worker only. */
export const LIVE_STATES: readonly BundleState[] = ["preparing", "running"];

export function isLiveBundle(row: Pick<BundleRow, "bundleType" | "state">): boolean {
  return row.bundleType === "run" && LIVE_STATES.includes(row.state);
}

export type LiveReadSpec =
  | { kind: "info"; path: string; depth: number }
  | {
      kind: "blob";
      path: string;
      head: number;
      tail: number;
      max_line_length: number;
      truncation_text: string;
      format: BlobFormat;
      /** The request's `Range` header. */
      range?: string;
    };

const READ_ERRORS: Record<string, ErrorCode> = {
  not_found: "NOT_FOUND",
  invalid_path: "INVALID_PATH",
  too_large: "PAYLOAD_TOO_LARGE",
  timeout: "GATEWAY_TIMEOUT",
  internal: "INTERNAL",
};

function readError(row: BundleRow, reply: Extract<LiveReadReply, { ok: false }>): CodalabError {
  const code = READ_ERRORS[reply.code] ?? "UNAVAILABLE";
  const message =
    code === "UNAVAILABLE"
      ? `bundle ${row.uuid} is running, but its worker cannot answer now (${reply.message}); try again`
      : reply.message;
  return new CodalabError(code, message, { uuid: row.uuid, reason: reply.code });
}

async function ask(env: Env, row: BundleRow, path: string, spec: ReadSpec): Promise<LiveReadReply> {
  const db = createDb(env.DB);
  const holder = await db.query.workerRuns.findFirst({ where: eq(workerRuns.bundleUuid, row.uuid) });
  if (holder === undefined) {
    throw new CodalabError("UNAVAILABLE", `bundle ${row.uuid} is ${row.state}, but no worker holds it now; try again`);
  }
  return sessionStub(env, holder.workerId).read(holder.workerId, { uuid: row.uuid, path, spec });
}

async function info(env: Env, row: BundleRow, path: string, depth: number): Promise<TargetInfo> {
  const reply = await ask(env, row, path, { kind: "info", depth });
  if (!reply.ok) throw readError(row, reply);
  if (!("info" in reply)) throw new CodalabError("INTERNAL", "the worker answered an info read without info");
  return reply.info;
}

async function stream(env: Env, row: BundleRow, path: string, spec: ReadSpec): Promise<ReadableStream<Uint8Array>> {
  const reply = await ask(env, row, path, spec);
  if (!reply.ok) throw readError(row, reply);
  if (!("stream" in reply)) throw new CodalabError("INTERNAL", "the worker answered a read with info instead of bytes");
  return reply.stream;
}

/** The answer to a contents request for a live bundle; errors are thrown as CodalabError. */
export async function readLive(env: Env, row: BundleRow, spec: LiveReadSpec): Promise<Response> {
  if (spec.kind === "info") return Response.json({ info: await info(env, row, spec.path, spec.depth) });
  const target = await info(env, row, spec.path, 0);
  const name = spec.path === "" ? row.name : basename(spec.path);
  if (target.type === "link") {
    throw new CodalabError(
      "INVALID_PATH",
      `${JSON.stringify(spec.path)} is a symbolic link to ${JSON.stringify(target.link ?? "")}; links are never followed`,
      { link: target.link ?? "" },
    );
  }
  if (target.type === "directory") {
    if (spec.head > 0 || spec.tail > 0) {
      throw new CodalabError(
        "VALIDATION_FAILED",
        `head and tail apply to files; ${JSON.stringify(spec.path || row.name)} is a directory`,
      );
    }
    const tar = await stream(env, row, spec.path, { kind: "stream_directory" });
    const gzip = spec.format === "tar.gz";
    const headers = contentsHeaders({
      fileName: `${name}.${spec.format}`,
      contentType: gzip ? "application/gzip" : "application/x-tar",
      targetType: "directory",
      targetSize: target.size,
    });
    return new Response(gzip ? gzipStream(tar) : tar, { status: 200, headers });
  }
  const headers = (contentType: string) =>
    contentsHeaders({ fileName: name, contentType, targetType: "file", targetSize: target.size });
  if (spec.head > 0 || spec.tail > 0) {
    const text = await stream(env, row, spec.path, {
      kind: "summary",
      head: spec.head,
      tail: spec.tail,
      max_line_length: spec.max_line_length,
      truncation_text: spec.truncation_text,
    });
    return new Response(text, { status: 200, headers: headers(TEXT_TYPE) });
  }
  const range = parseRange(spec.range, target.size);
  if (range === "unsatisfiable") {
    throw new CodalabError(
      "RANGE_NOT_SATISFIABLE",
      `the requested range (${spec.range}) lies outside the file's ${target.size} bytes`,
    );
  }
  const offset = range?.start ?? 0;
  const length = range === null ? target.size : range.end - range.start + 1;
  const body = new ByteStreamReader(await stream(env, row, spec.path, { kind: "file", offset, length }));
  const contentType = looksLikeText(await body.peek(1024)) ? TEXT_TYPE : BINARY_TYPE;
  const responseHeaders: Record<string, string> = { ...headers(contentType), "Accept-Ranges": "bytes" };
  if (range !== null) responseHeaders["Content-Range"] = `bytes ${range.start}-${range.end}/${target.size}`;
  return new Response(body.rest(), { status: range === null ? 200 : 206, headers: responseHeaders });
}
