import { BundleResponseSchema, type CreateBundleRequest, CreateBundleRequestSchema, validateName } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { requireBundle } from "../../bundles/bundle-access.ts";
import { requireQuotaLeft } from "../../bundles/disk-quota.ts";
import { defaultHostWorksheet, hostStatements, requireHostWorksheet } from "../../bundles/host-worksheet.ts";
import { serializeBundle } from "../../bundles/serialize-bundles.ts";
import { bundles } from "../../db/schema.ts";
import { runBatch } from "../../db/statement-batch.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { newUuid } from "../../ids.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { registerRunBundleDispatch } from "../../runs/bundle-dispatch.ts";

const route = createRoute({
  method: "post",
  path: "/rest/bundles",
  tags: ["bundles"],
  summary: "Create a dataset bundle, in state uploading, ready to receive its contents",
  security: bearerSecurity,
  request: { body: jsonBody(CreateBundleRequestSchema) },
  responses: {
    201: jsonResponse(BundleResponseSchema, "The new bundle"),
    ...errors({
      400: "Invalid fields or name",
      401: "Not logged in",
      403: "No `all` permission on the worksheet, or the time or disk quota used up (QUOTA_EXCEEDED)",
      404: "No such worksheet",
      409: "The worksheet is frozen",
    }),
  },
});

export function registerCreateBundle(app: App) {
  // Runs and makes (bundle_type run/make) and run results uploads: worker-api/src/runs/.
  registerRunBundleDispatch(app);
  app.openapi(route, async (c) => {
    const { user } = requireUser(c);
    const caller = await permissionCaller(c);
    const body: CreateBundleRequest = c.req.valid("json");
    validateName(body.metadata.name, "bundle name");
    requireQuotaLeft(user);
    const db = c.get("db");
    const hostUuid = defaultHostWorksheet(body.worksheet_uuid);
    const host = hostUuid === null ? null : await requireHostWorksheet(db, caller, hostUuid);
    const uuid = newUuid();
    const insert = db.insert(bundles).values({
      uuid,
      bundleType: body.bundle_type,
      state: "uploading",
      ownerId: user.id,
      isAnonymous: host?.isAnonymous ?? false,
      name: body.metadata.name,
      description: body.metadata.description ?? "",
      tags: body.metadata.tags ?? [],
      license: body.metadata.license ?? null,
      sourceUrl: body.metadata.source_url ?? null,
    });
    if (host === null) await insert;
    else await runBatch(db, [insert, ...hostStatements(host.uuid, uuid)]);
    const access = await requireBundle(db, caller, uuid, "all");
    return c.json({ bundle: await serializeBundle(db, caller, access) }, 201);
  });
}
