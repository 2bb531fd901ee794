import { BLOB_FORMATS, basename, CodalabError, DEFAULT_MAX_LINE_LENGTH, gzipStream } from "@codalab/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { requireBundle } from "../../bundles/bundle-access.ts";
import {
  type ContentsTarget,
  directorySize,
  fileBytesReader,
  normalizeContentsPath,
  openEntry,
  refuseLink,
  resolveContentsTarget,
  subdirectoryTar,
  verifyEntry,
} from "../../bundles/bundle-contents.ts";
import type { BundleRow } from "../../bundles/bundle-fields.ts";
import { ByteStreamReader } from "../../bundles/byte-stream-reader.ts";
import { summarizeFile } from "../../bundles/summarize-file.ts";
import type { AppEnv } from "../../env.ts";
import type { App } from "../../http/app-type.ts";
import { errorResponse } from "../../http/error-response.ts";
import { bearerSecurity, errors } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { contentsSubject } from "../../runs/dependency-target.ts";
import { isLiveBundle, readLive } from "../../runs/live-read.ts";
import { type BundleStore, exactLength } from "../../storage/bundle-store.ts";
import { followContents, followOffset } from "../../watch/follow-contents.ts";
import {
  bundleStore,
  ContentsPathParams,
  contentsPathParams,
  contentsRoutePaths,
  parseQuery,
} from "./bundle-route-params.ts";
import { BINARY_TYPE, contentsHeaders, looksLikeText, parseRange, TEXT_TYPE } from "./download-headers.ts";

const lineCount = z.coerce.number().int().min(0).max(1_000_000).default(0);

const BlobQuery = z.object({
  head: lineCount.openapi({ description: "Only the first N lines of a file" }),
  tail: lineCount.openapi({ description: "Only the last N lines of a file" }),
  max_line_length: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_MAX_LINE_LENGTH),
  truncation_text: z.string().max(1024).default(""),
  format: z.enum(BLOB_FORMATS).default("tar").openapi({ description: "Directories: tar, or gzipped tar" }),
  follow: z
    .enum(["0", "1", "false", "true"])
    .default("0")
    .transform((value) => value === "1" || value === "true")
    .openapi({
      description: "Files: keep the answer open and send bytes as they are written, until the bundle is final",
    }),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .openapi({ description: "With follow: the byte to start at (to resume a cut answer)" }),
});
type BlobQuery = z.output<typeof BlobQuery>;

const route = createRoute({
  method: "get",
  path: "/rest/bundles/{uuid}/contents/blob/{path}",
  tags: ["bundles"],
  summary: "The bytes at a path inside a bundle: a file (Range, head/tail), or a directory as a tar stream",
  description:
    "Always an attachment with a safe content type and nosniff. Symbolic links are never followed: " +
    "reading one answers 400 INVALID_PATH naming its target. With `follow=1` a file's bytes from `offset` are " +
    "sent as they are written (from the run's worker while it runs), and the answer ends once the bundle is final " +
    "and the file complete; an answer cut earlier is resumed with the offset reached.",
  security: bearerSecurity,
  request: { params: ContentsPathParams, query: BlobQuery },
  responses: {
    200: {
      description: "The file, its head/tail summary, or the directory's tar",
      content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
    },
    206: { description: "The requested byte range of a file" },
    ...errors({
      400: "Invalid path, a symbolic link, head/tail of a directory, or an index that does not match the contents",
      403: "No read permission",
      404: "No such bundle or path, or no contents yet",
      416: "The byte range lies outside the file",
    }),
  },
});

async function handle(c: Context<AppEnv>): Promise<Response> {
  const { uuid, path: rawPath } = contentsPathParams(c);
  const query = parseQuery(BlobQuery, c.req.query());
  const db = c.get("db");
  const caller = await permissionCaller(c);
  const access = await requireBundle(db, caller, uuid, "read");
  // Inside a running bundle's dependency key: the parent bundle answers (worker-api/src/runs/).
  const { row, path } = await contentsSubject(db, caller, access, normalizeContentsPath(rawPath));
  const followFrom = followOffset(query, c.req.header("range"));
  if (followFrom !== null) {
    const fileName = path === "" ? row.name : basename(path);
    const io = { env: c.env, db, store: bundleStore(c), caller };
    return followContents(io, { row, path, offset: followFrom, fileName });
  }
  // A running bundle's directory is on its worker: asked over the worker's socket (worker-api/src/runs/).
  if (isLiveBundle(row)) return readLive(c.env, row, { kind: "blob", path, ...query, range: c.req.header("range") });
  const store = bundleStore(c);
  const target = await resolveContentsTarget(store, row, path);
  const name = path === "" ? row.name : basename(path);
  if (target.kind === "link") throw refuseLink(target);
  if (target.kind === "directory") return directory(store, row, target, name, query);
  const size = target.kind === "file_bundle" ? target.size : target.entry.size;
  const headers = (contentType: string) =>
    contentsHeaders({ fileName: name, contentType, targetType: "file", targetSize: size });

  if (query.head > 0 || query.tail > 0) {
    const text = await summarizeFile(await fileBytesReader(store, target), size, {
      head: query.head,
      tail: query.tail,
      maxLineLength: query.max_line_length,
      truncationText: query.truncation_text,
    });
    return new Response(text, { status: 200, headers: headers(TEXT_TYPE) });
  }

  const range = parseRange(c.req.header("range"), size);
  if (range === "unsatisfiable") {
    const response = errorResponse(
      c,
      "RANGE_NOT_SATISFIABLE",
      `the requested range (${c.req.header("range")}) lies outside the file's ${size} bytes`,
    );
    response.headers.set("Content-Range", `bytes */${size}`);
    return response;
  }
  const start = range?.start ?? 0;
  const length = range === null ? size : range.end - range.start + 1;
  const reader = await openFileBytes(store, target, start, length, range === null);
  const contentType = looksLikeText(await reader.peek(1024)) ? TEXT_TYPE : BINARY_TYPE;
  const responseHeaders: Record<string, string> = { ...headers(contentType), "Accept-Ranges": "bytes" };
  if (range !== null) responseHeaders["Content-Range"] = `bytes ${range.start}-${range.end}/${size}`;
  return new Response(exactLength(reader.rest(), length), {
    status: range === null ? 200 : 206,
    headers: responseHeaders,
  });
}

/** Bytes [start, start + length) of a file; whole entries come from one verified range read. */
async function openFileBytes(
  store: BundleStore,
  target: Extract<ContentsTarget, { kind: "file_bundle" | "entry" }>,
  start: number,
  length: number,
  whole: boolean,
): Promise<ByteStreamReader> {
  if (target.kind === "entry" && whole) return openEntry(store, target.key, target.entry);
  if (target.kind === "entry") await verifyEntry(store, target.key, target.entry);
  const offset = target.kind === "entry" ? target.entry.offset + start : start;
  if (length === 0) return new ByteStreamReader(new Blob([]).stream());
  const stream = await store.read(target.key, { offset, length });
  if (stream === null) throw new CodalabError("NOT_FOUND", "the bundle's contents are missing from storage");
  return new ByteStreamReader(stream);
}

async function directory(
  store: BundleStore,
  row: BundleRow,
  target: Extract<ContentsTarget, { kind: "directory" }>,
  name: string,
  query: BlobQuery,
): Promise<Response> {
  if (query.head > 0 || query.tail > 0) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `head and tail apply to files; ${JSON.stringify(target.path || row.name)} is a directory`,
    );
  }
  let tar: ReadableStream<Uint8Array>;
  if (target.path === "") {
    const whole = await store.read(target.key);
    if (whole === null)
      throw new CodalabError("NOT_FOUND", `the contents of bundle ${row.uuid} are missing from storage`);
    tar = whole;
  } else {
    tar = subdirectoryTar(store, target.key, target.tree, target.path);
  }
  const gzip = query.format === "tar.gz";
  const headers = contentsHeaders({
    fileName: `${name}.${query.format}`,
    contentType: gzip ? "application/gzip" : "application/x-tar",
    targetType: "directory",
    targetSize: directorySize(target.tree, target.path),
  });
  return new Response(gzip ? gzipStream(tar) : tar, { status: 200, headers });
}

export function registerContentsBlob(app: App) {
  app.openAPIRegistry.registerPath(route);
  for (const path of contentsRoutePaths("blob")) app.get(path, handle);
}
