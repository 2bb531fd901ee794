import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { requireBundle } from "../../bundles/bundle-access.ts";
import { normalizeContentsPath, resolveContentsTarget, targetInfo } from "../../bundles/bundle-contents.ts";
import type { AppEnv } from "../../env.ts";
import type { App } from "../../http/app-type.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { contentsSubject } from "../../runs/dependency-target.ts";
import { isLiveBundle, readLive } from "../../runs/live-read.ts";
import {
  bundleStore,
  ContentsPathParams,
  contentsPathParams,
  contentsRoutePaths,
  parseQuery,
} from "./bundle-route-params.ts";

export const MAX_INFO_DEPTH = 20;

const InfoQuery = z.object({
  depth: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_INFO_DEPTH)
    .default(1)
    .openapi({ description: "Levels of directory contents to list (0: none)" }),
});

/**
 * The document's shape of the answer: core's TargetInfoResponseSchema (what clients parse) is
 * recursive, which the OpenAPI generator cannot follow.
 */
const TargetInfoDoc = z.object({
  name: z.string(),
  type: z.enum(["file", "directory", "link"]),
  size: z.number().int(),
  perm: z.number().int(),
  link: z.string().optional(),
  contents: z.array(z.unknown()).optional().openapi({ description: "Children, each shaped like this object" }),
});

const route = createRoute({
  method: "get",
  path: "/rest/bundles/{uuid}/contents/info/{path}",
  tags: ["bundles"],
  summary: "What is at a path inside a bundle: file, directory (with contents) or symbolic link",
  security: bearerSecurity,
  request: { params: ContentsPathParams, query: InfoQuery },
  responses: {
    200: jsonResponse(z.object({ info: TargetInfoDoc }), "The target"),
    ...errors({
      400: "Invalid path (.., absolute) or query",
      403: "No read permission",
      404: "No such bundle or path, or the bundle has no contents yet",
    }),
  },
});

async function handle(c: Context<AppEnv>): Promise<Response> {
  const { uuid, path: rawPath } = contentsPathParams(c);
  const { depth } = parseQuery(InfoQuery, c.req.query());
  const db = c.get("db");
  const caller = await permissionCaller(c);
  const access = await requireBundle(db, caller, uuid, "read");
  // Inside a running bundle's dependency key: the parent bundle answers (worker-api/src/runs/).
  const { row, path } = await contentsSubject(db, caller, access, normalizeContentsPath(rawPath));
  // A running bundle's directory is on its worker: asked over the worker's socket (worker-api/src/runs/).
  if (isLiveBundle(row)) return readLive(c.env, row, { kind: "info", path, depth });
  const target = await resolveContentsTarget(bundleStore(c), row, path);
  return c.json({ info: targetInfo(row, target, depth) }, 200);
}

export function registerContentsInfo(app: App) {
  app.openAPIRegistry.registerPath(route);
  for (const path of contentsRoutePaths("info")) app.get(path, handle);
}
