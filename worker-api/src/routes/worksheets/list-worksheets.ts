import {
  BUNDLE_UUID_REGEX,
  CodalabError,
  parseWorksheetKeywords,
  parseWorksheetSpec,
  resolveWorksheetRef,
  WorksheetListResponseSchema,
  WorksheetSearchResponseSchema,
} from "@codalab/core";
import { createRoute, z } from "@hono/zod-openapi";
import { worksheetSpecResolver } from "../../bundles/bundle-spec-resolver.ts";
import type { App } from "../../http/app-type.ts";
import { bearerSecurity, errors, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { serializeWorksheets } from "../../worksheets/serialize-worksheets.ts";
import { readableWorksheets, requireWorksheets } from "../../worksheets/worksheet-access.ts";
import { searchWorksheets } from "../../worksheets/worksheet-search.ts";
import { RepeatedQuery } from "../bundles/bundle-route-params.ts";
import { callerUserName } from "./worksheet-route-params.ts";

const ListQuery = z.object({
  specs: RepeatedQuery.openapi({
    description:
      "Worksheet specs to resolve, in order: uuid, uuid prefix, name, `/` (your home, created on first use), `.` (base)",
  }),
  base: z
    .string()
    .regex(BUNDLE_UUID_REGEX, "must be a worksheet uuid")
    .optional()
    .openapi({ description: "What `.` means in specs (the client's current worksheet)" }),
  keywords: RepeatedQuery.openapi({ description: "Search keywords (`cl wls` language); without specs, a search" }),
});

const route = createRoute({
  method: "get",
  path: "/rest/worksheets",
  tags: ["worksheets"],
  summary: "Resolve worksheet specs (?specs=) or search worksheets (?keywords=)",
  description:
    "Specs answer {worksheets} in the order given (404 when one matches nothing, 409 AMBIGUOUS_SPEC for an " +
    "ambiguous uuid prefix). A search answers {worksheets, total}: readable worksheets only, the caller's own first, " +
    "then the most recently modified.",
  security: bearerSecurity,
  request: { query: ListQuery },
  responses: {
    200: jsonResponse(z.union([WorksheetListResponseSchema, WorksheetSearchResponseSchema]), "Worksheets"),
    ...errors({
      400: "Invalid spec or keyword",
      401: "`/` (home) without logging in",
      403: "A resolved worksheet is not readable",
      404: "A spec matches nothing",
      409: "An ambiguous uuid prefix",
    }),
  },
});

export function registerListWorksheets(app: App) {
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const caller = await permissionCaller(c);
    const db = c.get("db");
    if (query.specs.length > 0) {
      if (query.keywords.length > 0)
        throw new CodalabError("VALIDATION_FAILED", "give either specs or keywords, not both");
      const resolver = worksheetSpecResolver(db, caller, callerUserName(c));
      const uuids: string[] = [];
      for (const text of query.specs) {
        const spec = parseWorksheetSpec(text);
        if (spec.instance !== null) {
          throw new CodalabError(
            "INVALID_SPEC",
            `'${spec.text}' refers to another instance (${spec.instance}); only the command-line client can follow '::' references`,
          );
        }
        uuids.push(await resolveWorksheetRef(spec.ref, resolver, query.base ?? null));
      }
      const accesses = await requireWorksheets(db, caller, uuids, "read");
      return c.json({ worksheets: await serializeWorksheets(db, accesses) }, 200);
    }
    const result = await searchWorksheets(db, caller, parseWorksheetKeywords(query.keywords));
    const accesses = await readableWorksheets(db, caller, result.uuids);
    return c.json({ worksheets: await serializeWorksheets(db, accesses), total: result.total }, 200);
  });
}
