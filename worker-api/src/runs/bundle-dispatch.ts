/**
 * The bundle endpoints that behave differently for runs and makes, registered ahead of the
 * bundles routes (from `registerCreateBundle`) so they see the request first and pass everything
 * else on unchanged:
 *
 * - `POST /rest/bundles` with `bundle_type` run or make creates a derived bundle (create-derived.ts);
 * - the upload endpoints of a run bundle that is not `uploading` are its worker uploading results
 *   (result-upload.ts): same paths, same bodies, checked against the worker holding the run;
 * - after an upload completes or is abandoned, a bundle is edited, or bundles are deleted, the
 *   Scheduler is told (scheduler-news.ts): dependents waiting on them may now be staged or failed,
 *   and a staged run's requests may have changed.
 */
import {
  BUNDLE_UUID_REGEX,
  CodalabError,
  CompleteUploadRequestSchema,
  MAX_UPLOAD_PART_BYTES,
  StartUploadRequestSchema,
} from "@codalab/core";
import { eq } from "drizzle-orm";
import type { Context, Next } from "hono";
import type { z } from "zod";
import { bundles } from "../db/schema.ts";
import type { AppEnv } from "../env.ts";
import type { App } from "../http/app-type.ts";
import { requireUser } from "../http/caller.ts";
import { describeIssue } from "../http/validation-hook.ts";
import { r2BundleStore } from "../storage/bundle-store.ts";
import { findUpload } from "../storage/resumable-upload.ts";
import { createDerivedBundle } from "./create-derived.ts";
import {
  completeResultUpload,
  dropResultUpload,
  isResultUpload,
  receiveResultPart,
  requireResultUploader,
  resultUploadStatus,
  startResultUpload,
} from "./result-upload.ts";
import { bundlesChanged } from "./scheduler-news.ts";

async function createIfDerived(c: Context<AppEnv>, next: Next): Promise<Response | undefined> {
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    await next();
    return undefined;
  }
  const type = typeof body === "object" && body !== null ? Reflect.get(body, "bundle_type") : undefined;
  if (type !== "run" && type !== "make") {
    await next();
    return undefined;
  }
  return createDerivedBundle(c, body);
}

async function jsonBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  let value: unknown;
  try {
    value = JSON.parse((await c.req.text()) || "{}");
  } catch {
    throw new CodalabError("BAD_REQUEST", "the body is not valid JSON");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CodalabError("VALIDATION_FAILED", parsed.error.issues.map(describeIssue).join("; "));
  return parsed.data;
}

function partLength(header: string | undefined): number {
  if (header === undefined || !/^\d+$/.test(header)) {
    throw new CodalabError("BAD_REQUEST", "Content-Length is required: send each part with its exact length");
  }
  const length = Number(header);
  if (length > MAX_UPLOAD_PART_BYTES) {
    throw new CodalabError("PAYLOAD_TOO_LARGE", `a part may have at most ${MAX_UPLOAD_PART_BYTES} bytes`);
  }
  return length;
}

/** Handles the request when it is a worker uploading a run's results; otherwise passes it on. */
async function resultUpload(c: Context<AppEnv>, next: Next): Promise<Response | undefined> {
  const uuid = c.req.param("uuid") ?? "";
  const db = c.get("db");
  const row = BUNDLE_UUID_REGEX.test(uuid)
    ? await db.query.bundles.findFirst({ where: eq(bundles.uuid, uuid) })
    : undefined;
  if (row === undefined || !isResultUpload(row)) {
    await next();
    return undefined;
  }
  const caller = requireUser(c);
  await requireResultUploader(db, row, caller);
  const store = r2BundleStore(c.env.BUNDLES);
  const path = new URL(c.req.url).pathname;
  const method = c.req.method;
  if (path.endsWith("/upload/complete") && method === "POST") {
    const { index } = await jsonBody(c, CompleteUploadRequestSchema);
    const completed = await completeResultUpload(db, store, row, index);
    return c.json({ uuid, ...completed }, 200);
  }
  const part = c.req.param("n");
  if (part !== undefined && method === "PUT") {
    const n = Number(part);
    if (!Number.isInteger(n) || n < 1) throw new CodalabError("VALIDATION_FAILED", "n: part numbers start at 1");
    const length = partLength(c.req.header("content-length"));
    const body = c.req.raw.body as ReadableStream<Uint8Array> | null;
    return c.json(await receiveResultPart(db, store, row, n, length, body), 200);
  }
  if (method === "POST")
    return c.json(await startResultUpload(db, store, row, await jsonBody(c, StartUploadRequestSchema)), 200);
  if (method === "GET") return c.json(await resultUploadStatus(db, uuid), 200);
  if (method === "DELETE") {
    const upload = await findUpload(db, uuid);
    if (upload !== undefined) await dropResultUpload(db, store, upload);
    return c.json({ uuid }, 200);
  }
  await next();
  return undefined;
}

/** Passes the request on, then tells the Scheduler about the bundles it changed. */
function thenTellScheduler(uuidsOf: (c: Context<AppEnv>) => Promise<string[]>) {
  return async (c: Context<AppEnv>, next: Next): Promise<void> => {
    await next();
    if (c.res.status >= 200 && c.res.status < 300) await bundlesChanged(c.env, c.get("db"), await uuidsOf(c));
  };
}

const thisBundle = async (c: Context<AppEnv>) => [c.req.param("uuid") ?? ""];
const deletedBundles = async (c: Context<AppEnv>) => {
  const body: unknown = await c.res.clone().json();
  const deleted = typeof body === "object" && body !== null ? Reflect.get(body, "deleted") : undefined;
  return Array.isArray(deleted) ? deleted.filter((uuid): uuid is string => typeof uuid === "string") : [];
};

export function registerRunBundleDispatch(app: App): void {
  app.post("/rest/bundles", createIfDerived);
  app.on(["GET", "POST", "DELETE"], "/rest/bundles/:uuid/upload", resultUpload);
  app.put("/rest/bundles/:uuid/upload/parts/:n", resultUpload);
  app.post("/rest/bundles/:uuid/upload/complete", resultUpload);
  app.post("/rest/bundles/:uuid/upload/complete", thenTellScheduler(thisBundle));
  app.delete("/rest/bundles/:uuid/upload", thenTellScheduler(thisBundle));
  app.patch("/rest/bundles/:uuid", thenTellScheduler(thisBundle));
  app.post("/rest/bundles/delete", thenTellScheduler(deletedBundles));
}
