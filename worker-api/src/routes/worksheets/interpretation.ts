import {
  BUNDLE_UUID_REGEX,
  CodalabError,
  DirectiveBlocksResponseSchema,
  FileCellsRequestSchema,
  FileCellsResponseSchema,
  INTERPRETATION_FILE_CELLS,
  interpretLiveUpdate,
  interpretSearchDirective,
  interpretWorksheet,
  LiveBlocksResponseSchema,
  resolveFileCells,
  WorksheetInterpretationSchema,
} from "@codalab/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../http/app-type.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { serializeWorksheet } from "../../worksheets/serialize-worksheets.ts";
import { requireWorksheetAccess } from "../../worksheets/worksheet-access.ts";
import { loadItems } from "../../worksheets/worksheet-items.ts";
import { RepeatedQuery } from "../bundles/bundle-route-params.ts";
import { dataAccess, WorksheetUuidParams } from "./worksheet-route-params.ts";

const Flag = z
  .enum(["1", "0", "true", "false"])
  .optional()
  .transform((value) => value === "1" || value === "true");

const Query = z.object({
  brief: Flag.openapi({ description: "Searches as placeholder blocks and file cells pending: the fast first paint" }),
  file_cells: z.enum(INTERPRETATION_FILE_CELLS).optional().openapi({
    description: "fill: read file-genpath cells now; defer: leave them pending (default: defer when brief)",
  }),
  directive: z
    .string()
    .max(4096)
    .optional()
    .openapi({ description: "Only the blocks of this `% search`/`% wsearch` (to fill a placeholder)" }),
  bundle_uuid: RepeatedQuery.openapi({
    description: "Live update: every block, null where it shows none of these bundles",
  }),
});

const route = createRoute({
  method: "get",
  path: "/rest/worksheets/{uuid}/interpretation",
  tags: ["worksheets"],
  summary: "The worksheet interpreted into blocks (spec §5.7)",
  description:
    "Bad worksheet lines are error markup blocks, never a failed request. Without directive or bundle_uuid: " +
    "{worksheet, blocks, raw_to_block, block_to_raw, source}; with directive: {blocks} of that search; with " +
    "bundle_uuid: {blocks} with null for unchanged blocks.",
  security: bearerSecurity,
  request: { params: WorksheetUuidParams, query: Query },
  responses: {
    200: jsonResponse(
      z.union([WorksheetInterpretationSchema, DirectiveBlocksResponseSchema, LiveBlocksResponseSchema]),
      "Blocks",
    ),
    ...errors({ 400: "Invalid query", 403: "No read permission", 404: "No such worksheet" }),
  },
});

const fileCellsRoute = createRoute({
  method: "post",
  path: "/rest/interpret/file-cells",
  tags: ["worksheets"],
  summary: "Values of pending file-genpath cells, in the order asked (each distinct file read once)",
  security: bearerSecurity,
  request: { body: jsonBody(FileCellsRequestSchema) },
  responses: {
    200: jsonResponse(FileCellsResponseSchema, "The values; unreadable bundles give a Forbidden error cell"),
    ...errors({ 400: "Invalid cells" }),
  },
});

export function registerInterpretation(app: App) {
  app.openapi(route, async (c) => {
    const { uuid } = c.req.valid("param");
    const query = c.req.valid("query");
    if (query.directive !== undefined && query.bundle_uuid.length > 0) {
      throw new CodalabError("VALIDATION_FAILED", "give either directive or bundle_uuid, not both");
    }
    const invalid = query.bundle_uuid.find((value) => !BUNDLE_UUID_REGEX.test(value));
    if (invalid !== undefined)
      throw new CodalabError("VALIDATION_FAILED", `bundle_uuid: ${JSON.stringify(invalid)} is not a uuid`);
    const db = c.get("db");
    const caller = await permissionCaller(c);
    const worksheetAccess = await requireWorksheetAccess(db, caller, uuid, "read");
    const [items, access] = await Promise.all([loadItems(db, uuid), dataAccess(c)]);
    if (query.directive !== undefined) {
      const blocks = await interpretSearchDirective(items, access, query.directive, { fileCells: query.file_cells });
      return c.json({ blocks }, 200);
    }
    if (query.bundle_uuid.length > 0) {
      return c.json({ blocks: await interpretLiveUpdate(items, access, query.bundle_uuid) }, 200);
    }
    const [worksheet, interpreted] = await Promise.all([
      serializeWorksheet(db, worksheetAccess),
      interpretWorksheet(items, access, { brief: query.brief, fileCells: query.file_cells }),
    ]);
    return c.json({ worksheet, ...interpreted }, 200);
  });

  app.openapi(fileCellsRoute, async (c) => {
    const { cells } = c.req.valid("json");
    return c.json({ values: await resolveFileCells(cells, await dataAccess(c)) }, 200);
  });
}
