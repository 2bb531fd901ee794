import { BUNDLE_UUID_REGEX } from "@codalab/core";
import {
  BundleGraphResponseSchema,
  GRAPH_DIRECTIONS,
  MAX_GRAPH_BUNDLES,
  MAX_GRAPH_DEPTH,
} from "@codalab/core/api/bundle-graph";
import { createRoute, z } from "@hono/zod-openapi";
import { bundleGraph } from "../../bundles/bundle-graph.ts";
import { serializeBundles } from "../../bundles/serialize-bundles.ts";
import type { App } from "../../http/app-type.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { RepeatedQuery } from "../bundles/bundle-route-params.ts";

const GraphQuery = z.object({
  uuid: RepeatedQuery.pipe(
    z
      .array(z.string().regex(BUNDLE_UUID_REGEX, "must be a uuid: 0x followed by 32 lower-case hex digits"))
      .min(1, "give at least one bundle uuid")
      .max(100),
  ).openapi({ description: "The bundles to start from (repeat the parameter for several)" }),
  direction: z
    .enum(GRAPH_DIRECTIONS)
    .default("children")
    .openapi({ description: "children: bundles depending on them; parents: their dependencies" }),
  depth: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_GRAPH_DEPTH)
    .default(10)
    .openapi({ description: "Levels to walk (0: the bundles themselves)" }),
});

const route = createRoute({
  method: "get",
  path: "/rest/bundle-graph",
  tags: ["bundles"],
  summary: "The provenance graph around bundles, to a depth (for mimic)",
  description:
    "The given bundles first, then each level of children (or parents) breadth-first. Relatives the caller " +
    `cannot read are left out and not walked through. More than ${MAX_GRAPH_BUNDLES} bundles is a 400.`,
  security: bearerSecurity,
  request: { query: GraphQuery },
  responses: {
    200: jsonResponse(BundleGraphResponseSchema, "The bundles, roots first"),
    ...errors({
      400: "Bad uuid, direction or depth, or too large a graph",
      403: "A given bundle is not readable",
      404: "No such bundle",
    }),
  },
});

export function registerBundleGraph(app: App) {
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const caller = await permissionCaller(c);
    const db = c.get("db");
    const accesses = await bundleGraph(db, caller, query.uuid, query.direction, query.depth);
    return c.json({ bundles: await serializeBundles(db, caller, accesses) }, 200);
  });
}
