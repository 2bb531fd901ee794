import { BundleResponseSchema, CodalabError, normalizeSubpath, WriteRequestSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { requireBundle } from "../../bundles/bundle-access.ts";
import { serializeBundle } from "../../bundles/serialize-bundles.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { applyTransition } from "../../runs/apply-transition.ts";
import { carryOutEffects } from "../../runs/carry-out-effects.ts";
import { dependenciesOf } from "../../runs/staging.ts";
import { bundleNews } from "../../watch/bundle-news.ts";
import { BundleUuidParams } from "../bundles/bundle-route-params.ts";

const route = createRoute({
  method: "post",
  path: "/rest/bundles/{uuid}/write",
  tags: ["runs"],
  summary: "Write a file into a running bundle's directory (cl write)",
  description:
    "The name is top-level (no `/`) and may not be one of the run's dependency keys. The write is recorded in " +
    "`actions` and carried out by the worker.",
  security: bearerSecurity,
  request: { params: BundleUuidParams, body: jsonBody(WriteRequestSchema) },
  responses: {
    200: jsonResponse(BundleResponseSchema, "The bundle, with the write recorded"),
    ...errors({
      400: "A nested, absolute or `..` path, or a dependency key",
      403: "No `all` permission",
      404: "No such bundle",
      409: "The run is not starting, preparing or running",
    }),
  },
});

export function registerWriteBundle(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const { uuid } = c.req.valid("param");
    const body = c.req.valid("json");
    const db = c.get("db");
    const caller = await permissionCaller(c);
    const { row } = await requireBundle(db, caller, uuid, "all");
    if (row.bundleType !== "run") {
      throw new CodalabError(
        "INVALID_STATE",
        `bundle ${uuid} is a ${row.bundleType} bundle: only runs can be written to`,
      );
    }
    const subpath = normalizeSubpath(body.subpath, "subpath");
    if (subpath === "" || subpath.includes("/")) {
      throw new CodalabError("INVALID_PATH", `subpath must be one top-level name, not ${JSON.stringify(body.subpath)}`);
    }
    const keys = (await dependenciesOf(db, uuid)).map((dependency) => dependency.childPath);
    if (keys.some((key) => key === subpath || key.startsWith(`${subpath}/`))) {
      throw new CodalabError(
        "INVALID_PATH",
        `cannot write over ${JSON.stringify(subpath)}: it is a dependency of the run`,
      );
    }
    const outcome = await applyTransition(db, bundleNews(c.env), uuid, {
      type: "write_requested",
      subpath,
      string: body.string,
    });
    if (!outcome.applied) throw new CodalabError("INVALID_STATE", outcome.reason, { uuid });
    await carryOutEffects(c.env, uuid, outcome.effects);
    return c.json({ bundle: await serializeBundle(db, caller, await requireBundle(db, caller, uuid, "all")) }, 200);
  });
}
