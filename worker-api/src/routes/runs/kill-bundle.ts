import { BundleResponseSchema, CodalabError, FINAL_STATES, KillRequestSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { requireBundle } from "../../bundles/bundle-access.ts";
import { serializeBundle } from "../../bundles/serialize-bundles.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { applyTransition } from "../../runs/apply-transition.ts";
import { carryOutEffects } from "../../runs/carry-out-effects.ts";
import { bundleNews } from "../../watch/bundle-news.ts";
import { BundleUuidParams } from "../bundles/bundle-route-params.ts";

const route = createRoute({
  method: "post",
  path: "/rest/bundles/{uuid}/kill",
  tags: ["runs"],
  summary: "Kill a bundle that has not finished (cl kill)",
  description:
    "Runs held by a worker are killed there (the kill is recorded in `actions` and the run ends `killed` once " +
    "the worker reports); anything else ends `killed` at once.",
  security: bearerSecurity,
  request: {
    params: BundleUuidParams,
    body: { content: { "application/json": { schema: KillRequestSchema } }, required: false },
  },
  responses: {
    200: jsonResponse(BundleResponseSchema, "The bundle after the kill"),
    ...errors({
      403: "No `all` permission",
      404: "No such bundle",
      409: "The bundle is already in a final state, or finalizing",
    }),
  },
});

export function registerKillBundle(app: App) {
  app.openapi(route, async (c) => {
    requireUser(c);
    const { uuid } = c.req.valid("param");
    const { message } = c.req.valid("json") ?? {};
    const db = c.get("db");
    const caller = await permissionCaller(c);
    const { row } = await requireBundle(db, caller, uuid, "all");
    // Killing is idempotent in the state machine; asking to kill a finished bundle is still a mistake.
    if (FINAL_STATES.includes(row.state)) {
      throw new CodalabError(
        "INVALID_STATE",
        `Cannot execute this action on a bundle that is in the following states: ${FINAL_STATES.join(", ")}.`,
        { uuid, state: row.state },
      );
    }
    const outcome = await applyTransition(db, bundleNews(c.env), uuid, {
      type: "kill_requested",
      at: Math.floor(Date.now() / 1000),
      ...(message ? { message } : {}),
    });
    if (!outcome.applied) throw new CodalabError("INVALID_STATE", outcome.reason, { uuid });
    await carryOutEffects(c.env, uuid, outcome.effects);
    return c.json({ bundle: await serializeBundle(db, caller, await requireBundle(db, caller, uuid, "all")) }, 200);
  });
}
