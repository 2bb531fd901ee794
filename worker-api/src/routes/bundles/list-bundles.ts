import {
  BUNDLE_UUID_REGEX,
  BundleListResponseSchema,
  BundleSearchResponseSchema,
  CodalabError,
  parseBundleKeywords,
  resolveBundleSpecs,
} from "@codalab/core";
import { createRoute, z } from "@hono/zod-openapi";
import { readableBundles, requireBundles } from "../../bundles/bundle-access.ts";
import { searchBundles } from "../../bundles/bundle-search.ts";
import { bundleSpecResolver } from "../../bundles/bundle-spec-resolver.ts";
import { requireWorksheet } from "../../bundles/host-worksheet.ts";
import { serializeBundles } from "../../bundles/serialize-bundles.ts";
import type { App } from "../../http/app-type.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { parseInclude, RepeatedQuery } from "./bundle-route-params.ts";

const ListQuery = z.object({
  specs: RepeatedQuery.openapi({
    description: "Bundle specs to resolve, in order (uuid, uuid prefix, name, name^N, ^N, ws//bundle)",
  }),
  worksheet: z
    .string()
    .regex(BUNDLE_UUID_REGEX, "must be a worksheet uuid")
    .optional()
    .openapi({ description: "Base worksheet for names and ^N in specs" }),
  keywords: RepeatedQuery.openapi({ description: "Search keywords (`cl search` language); without specs, a search" }),
  include: RepeatedQuery.openapi({ description: "children, host_worksheets, group_permissions" }),
});

const route = createRoute({
  method: "get",
  path: "/rest/bundles",
  tags: ["bundles"],
  summary: "Resolve bundle specs (?specs=) or search bundles (?keywords=)",
  description:
    "Specs answer {bundles} in the order given (404 when one matches nothing, 409 AMBIGUOUS_SPEC for an " +
    "ambiguous uuid prefix). A search answers {bundles, total}, or {result} for .count and .sum; it only " +
    "ever returns bundles the caller may read.",
  security: bearerSecurity,
  request: { query: ListQuery },
  responses: {
    200: jsonResponse(z.union([BundleListResponseSchema, BundleSearchResponseSchema]), "Bundles or an aggregate"),
    ...errors({
      400: "Invalid spec or keyword",
      403: "A resolved bundle or the worksheet is not readable",
      404: "A spec matches nothing",
      409: "An ambiguous uuid prefix",
    }),
  },
});

export function registerListBundles(app: App) {
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const include = parseInclude(query.include);
    const caller = await permissionCaller(c);
    const db = c.get("db");
    const who = c.get("caller");
    if (query.specs.length > 0) {
      if (query.keywords.length > 0) {
        throw new CodalabError("VALIDATION_FAILED", "give either specs or keywords, not both");
      }
      const worksheetUuid = query.worksheet ?? null;
      if (worksheetUuid !== null) await requireWorksheet(db, caller, worksheetUuid, "read");
      const resolver = bundleSpecResolver(db, caller, who.kind === "user" ? who.user.userName : null);
      const uuids = await resolveBundleSpecs(query.specs, resolver, { worksheetUuid });
      const accesses = await requireBundles(db, caller, uuids, "read");
      return c.json({ bundles: await serializeBundles(db, caller, accesses, include) }, 200);
    }
    const result = await searchBundles(db, caller, parseBundleKeywords(query.keywords));
    if (result.kind === "aggregate") return c.json({ result: result.result }, 200);
    const accesses = await readableBundles(db, caller, result.uuids);
    return c.json({ bundles: await serializeBundles(db, caller, accesses, include), total: result.total }, 200);
  });
}
