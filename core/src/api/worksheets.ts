/**
 * The worksheets REST contract (docs/design/worksheets-api.md): worksheet and item JSON, request
 * bodies, source saves with optimistic concurrency, and the interpretation responses the web app
 * renders. The block shapes mirror the TypeScript types in `worksheet/blocks.ts`, which the
 * interpreter produces; the schemas exist to document and to validate at the boundary.
 */
import { z } from "zod";
import { ITEM_TYPES, PERMISSION_LEVELS } from "../constants.ts";
import { FETCH_STATUS_CODES, type InterpretedWorksheet } from "../worksheet/blocks.ts";
import { BundleJsonSchema, BundleUuidSchema, GroupPermissionJsonSchema } from "./bundles.ts";

/** Worksheet uuids have the same form as bundle uuids. */
export const WorksheetUuidSchema = BundleUuidSchema;

export const MAX_WORKSHEET_NAME_LENGTH = 255;
/** CodaLab's title column is 255 characters. */
export const MAX_WORKSHEET_TITLE_LENGTH = 255;
export const MAX_WORKSHEET_TAGS = 100;
export const MAX_WORKSHEET_TAG_LENGTH = 255;
/**
 * The largest markdown source a save accepts (UTF-8 bytes). Sources are one D1 row per line, all
 * written in one batch; 1 MiB is far beyond any hand-written worksheet (413 above it).
 */
export const MAX_WORKSHEET_SOURCE_BYTES = 1024 * 1024;
/** The most items a worksheet may hold (a save or an insertion that would exceed it is 413). */
export const MAX_WORKSHEET_ITEMS = 20_000;
/** Items or lines one insertion may add. */
export const MAX_ITEMS_PER_REQUEST = 5_000;
/** Worksheets one delete request may name. */
export const MAX_DELETE_WORKSHEETS = 100;
/** File cells one `POST /rest/interpret/file-cells` may ask for. */
export const MAX_FILE_CELLS_PER_REQUEST = 10_000;

const TitleSchema = z.string().max(MAX_WORKSHEET_TITLE_LENGTH);
const TagsSchema = z.array(z.string().min(1).max(MAX_WORKSHEET_TAG_LENGTH)).max(MAX_WORKSHEET_TAGS);

// ---------------------------------------------------------------------------------------------
// Worksheet and item JSON

export const WorksheetJsonSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  /** Null for anonymous worksheets unless the caller has `all`. */
  owner_id: z.string().nullable(),
  owner_name: z.string().nullable(),
  /** Unix time it was frozen, or null. A frozen worksheet refuses every change but unfreezing. */
  frozen: z.number().nullable(),
  is_anonymous: z.boolean(),
  tags: z.array(z.string()),
  date_created: z.number(),
  date_last_modified: z.number(),
  /** Bumped by every change of the items; a source save names the version it edited. */
  version: z.number().int(),
  /** The caller's effective permission (`all` = may edit). */
  permission: z.enum(PERMISSION_LEVELS),
  /** Groups it is shared with; [] on anonymous worksheets unless the caller has `all`. */
  group_permissions: z.array(GroupPermissionJsonSchema),
});
export type WorksheetJson = z.infer<typeof WorksheetJsonSchema>;

/** A stored item (spec §5.1). `value` is markup text, or a directive's shell-quoted tokens. */
export const WorksheetItemJsonSchema = z.object({
  id: z.number().int(),
  type: z.enum(ITEM_TYPES),
  bundle_uuid: z.string().nullable(),
  subworksheet_uuid: z.string().nullable(),
  value: z.string(),
  sort_key: z.number(),
});
export type WorksheetItemJson = z.infer<typeof WorksheetItemJsonSchema>;

/** A sub-worksheet or search hit as item listings show it. */
export const WorksheetRefJsonSchema = z.object({
  uuid: z.string(),
  /** Null when the worksheet no longer exists; `<private>` when the caller cannot read it. */
  name: z.string().nullable(),
  title: z.string().nullable(),
});

export const WORKSHEET_INCLUDES = ["bundles", "subworksheets"] as const;
export type WorksheetInclude = (typeof WORKSHEET_INCLUDES)[number];

export const WorksheetResponseSchema = z.object({ worksheet: WorksheetJsonSchema });

export const WorksheetWithItemsResponseSchema = z.object({
  worksheet: WorksheetJsonSchema,
  /** In display order. */
  items: z.array(WorksheetItemJsonSchema),
  /** With `?include=bundles`: the readable bundles the items name, by uuid. */
  bundles: z.record(z.string(), BundleJsonSchema).optional(),
  /** With `?include=subworksheets`: the sub-worksheets the items name, by uuid. */
  subworksheets: z.record(z.string(), WorksheetRefJsonSchema).optional(),
});
export type WorksheetWithItemsResponse = z.infer<typeof WorksheetWithItemsResponseSchema>;

export const WorksheetListResponseSchema = z.object({ worksheets: z.array(WorksheetJsonSchema) });
export const WorksheetSearchResponseSchema = z.object({
  worksheets: z.array(WorksheetJsonSchema),
  /** Every match, beyond `.limit`. */
  total: z.number().int(),
});

// ---------------------------------------------------------------------------------------------
// Requests

export const CreateWorksheetRequestSchema = z.object({
  /** CodaLab's name rule, globally unique; `home-<user>` only for yourself (400 INVALID_NAME, 409 ALREADY_EXISTS). */
  name: z.string().min(1).max(MAX_WORKSHEET_NAME_LENGTH),
  title: TitleSchema.optional(),
});
export type CreateWorksheetRequest = z.infer<typeof CreateWorksheetRequestSchema>;

export const UpdateWorksheetRequestSchema = z.object({
  name: z.string().min(1).max(MAX_WORKSHEET_NAME_LENGTH).optional(),
  /** "" clears it. */
  title: TitleSchema.nullable().optional(),
  /** Replaces every tag. */
  tags: TagsSchema.optional(),
  /** New owner's user name or id. */
  owner: z.string().min(1).max(255).optional(),
  /** true freezes; false unfreezes (the only change a frozen worksheet accepts). */
  frozen: z.boolean().optional(),
  is_anonymous: z.boolean().optional(),
});
export type UpdateWorksheetRequest = z.infer<typeof UpdateWorksheetRequestSchema>;

export const DeleteWorksheetsRequestSchema = z.object({
  uuids: z.array(WorksheetUuidSchema).min(1).max(MAX_DELETE_WORKSHEETS),
  /** Delete even if it has items or is frozen. */
  force: z.boolean().default(false),
});
export type DeleteWorksheetsRequest = z.infer<typeof DeleteWorksheetsRequestSchema>;
export const DeleteWorksheetsResponseSchema = z.object({ deleted: z.array(z.string()) });

export const WorksheetSourceResponseSchema = z.object({
  /** The version this source shows; send it back with the save. */
  version: z.number().int(),
  /** One line per item, each ending in "\n" (spec §5.2). */
  source: z.string(),
});
export type WorksheetSourceResponse = z.infer<typeof WorksheetSourceResponseSchema>;

export const SaveWorksheetSourceRequestSchema = z.object({
  /** The whole markdown source; bundle specs in it are resolved against this worksheet. */
  source: z.string(),
  /** The version the edit started from: a different current version is 409 STALE_VERSION. */
  version: z.number().int().min(0),
});
export type SaveWorksheetSourceRequest = z.infer<typeof SaveWorksheetSourceRequestSchema>;

/** An item to add. Bundle and worksheet items name their target by uuid (resolve specs first). */
export const NewWorksheetItemSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("markup"), value: z.string() }),
  /** The text after `%` (`display table x`); stored re-quoted as a save would. */
  z.object({ type: z.literal("directive"), value: z.string() }),
  z.object({ type: z.literal("bundle"), bundle_uuid: BundleUuidSchema }),
  z.object({ type: z.literal("worksheet"), subworksheet_uuid: WorksheetUuidSchema }),
]);
export type NewWorksheetItemJson = z.infer<typeof NewWorksheetItemSchema>;

export const AddWorksheetItemsRequestSchema = z.object({
  /** Items to add; or `source`, lines parsed as in a source save. Exactly one of the two. */
  items: z.array(NewWorksheetItemSchema).min(1).max(MAX_ITEMS_PER_REQUEST).optional(),
  source: z.string().optional(),
  /** Insert after this item id; 0 = at the top; absent = at the end (or where `replace_ids` were). */
  after_id: z.number().int().min(0).optional(),
  /** Items to remove in the same change; the new ones take the place of the first. */
  replace_ids: z.array(z.number().int()).max(MAX_ITEMS_PER_REQUEST).optional(),
  /** When given, a different current version is 409 STALE_VERSION. */
  version: z.number().int().min(0).optional(),
});
export type AddWorksheetItemsRequest = z.infer<typeof AddWorksheetItemsRequestSchema>;

export const AddWorksheetItemsResponseSchema = z.object({
  worksheet: WorksheetJsonSchema,
  /** The new items with their ids, in order. */
  added: z.array(WorksheetItemJsonSchema),
});

export const DeleteWorksheetItemsRequestSchema = z.object({
  ids: z.array(z.number().int()).min(1).max(MAX_ITEMS_PER_REQUEST),
  version: z.number().int().min(0).optional(),
});
export type DeleteWorksheetItemsRequest = z.infer<typeof DeleteWorksheetItemsRequestSchema>;

export const DeleteWorksheetItemsResponseSchema = z.object({
  worksheet: WorksheetJsonSchema,
  deleted: z.array(z.number().int()),
});

// ---------------------------------------------------------------------------------------------
// Interpretation (spec §5.7; types in worksheet/blocks.ts)

export const FetchStatusSchema = z.object({ code: z.enum(FETCH_STATUS_CODES), error_message: z.string() });

const JsonScalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const FileCellRequestSchema = z.object({
  bundle_uuid: BundleUuidSchema,
  /** A file genpath: `/stats.json:train/acc`. */
  genpath: z.string().min(1).max(4096),
  post: z.string().max(4096).nullable(),
});

export const ResolvedCellSchema = z.union([
  JsonScalarSchema,
  /** From `key`/`add`; with a `path` key the web renders a link into the bundle. */
  z.object({ type: z.literal("dict"), value: z.record(z.string(), JsonScalarSchema) }),
  /** "Forbidden", "binary file", … */
  z.object({ type: z.literal("error"), message: z.string() }),
]);

export const TableCellSchema = z.union([
  ResolvedCellSchema,
  /** Not read yet: ask `POST /rest/interpret/file-cells`. */
  FileCellRequestSchema.extend({ type: z.literal("pending") }),
]);

/** A bundle as blocks embed it (`BundleInfo` in worksheet/data-access.ts), or `<private>`/`<invalid>`. */
export const BlockBundleInfoSchema = z.looseObject({
  uuid: z.string(),
  bundle_type: z.string(),
  metadata: z.record(z.string(), z.unknown()),
});

const BundlesSpecSchema = z.object({
  spec_type: z.literal("uuid_spec"),
  uuid_spec: z.array(z.string()),
  bundle_infos: z.array(BlockBundleInfoSchema),
  fetch_status: FetchStatusSchema,
});

const Origin = {
  ids: z.array(z.number().nullable()),
  sort_keys: z.array(z.number().nullable()),
};

const BundleBlockFields = { ...Origin, bundles_spec: BundlesSpecSchema, status: FetchStatusSchema };

const WorksheetInfoSchema = z.object({
  uuid: z.string(),
  name: z.string().nullable(),
  title: z.string().nullable(),
  owner_name: z.string().nullable().optional(),
  permission: z.enum(PERMISSION_LEVELS).optional(),
});

export const WorksheetBlockSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("markup_block"), ...Origin, text: z.string(), error: z.boolean() }),
  z.object({
    mode: z.literal("table_block"),
    ...BundleBlockFields,
    header: z.array(z.string()),
    rows: z.array(z.record(z.string(), TableCellSchema)),
    first_bundle_source_index: z.number().int(),
    using_schemas: z.array(z.string()),
  }),
  z.object({
    mode: z.literal("record_block"),
    ...BundleBlockFields,
    header: z.tuple([z.literal("key"), z.literal("value")]),
    rows: z.array(z.object({ key: z.string(), value: TableCellSchema })),
    first_bundle_source_index: z.number().int(),
    using_schemas: z.array(z.string()),
  }),
  z.object({
    mode: z.literal("contents_block"),
    ...BundleBlockFields,
    target_genpath: z.string(),
    max_lines: z.number().int(),
    lines: z.array(z.string()).nullable(),
  }),
  z.object({
    mode: z.literal("image_block"),
    ...BundleBlockFields,
    target_genpath: z.string(),
    width: z.number().nullable(),
    height: z.number().nullable(),
  }),
  z.object({ mode: z.literal("html_block"), ...BundleBlockFields, target_genpath: z.string() }),
  z.object({
    mode: z.literal("graph_block"),
    ...BundleBlockFields,
    target_genpath: z.string(),
    trajectories: z.array(
      z.object({
        bundle_uuid: z.string(),
        display_name: z.string(),
        target_genpath: z.string(),
        points: z.array(z.array(z.string())).nullable(),
      }),
    ),
    max_lines: z.number().int(),
    x: z.number().int(),
    y: z.number().int(),
    xlabel: z.string().nullable(),
    ylabel: z.string().nullable(),
  }),
  z.object({
    mode: z.literal("schema_block"),
    ...Origin,
    schema_name: z.string(),
    header: z.tuple([z.literal("field"), z.literal("generalized-path"), z.literal("post-processor")]),
    field_rows: z.array(
      z.object({
        field: z.string(),
        genpath: z.string(),
        post_processor: z.string().nullable(),
        from_schema_name: z.string().nullable(),
      }),
    ),
  }),
  z.object({ mode: z.literal("subworksheets_block"), ...Origin, subworksheet_infos: z.array(WorksheetInfoSchema) }),
  z.object({ mode: z.literal("placeholder_block"), ...Origin, directive: z.string() }),
]);

export const INTERPRETATION_FILE_CELLS = ["fill", "defer"] as const;

/** `GET /rest/worksheets/{uuid}/interpretation` without `directive` or `bundle_uuid`. */
export const WorksheetInterpretationSchema = z.object({
  worksheet: WorksheetJsonSchema,
  blocks: z.array(WorksheetBlockSchema),
  /** Per source line: [block, row] to focus, or null. */
  raw_to_block: z.array(z.tuple([z.number().int(), z.number().int()]).nullable()),
  /** `"block,row"` → source line. */
  block_to_raw: z.record(z.string(), z.number().int()),
  /** The markdown source lines (aligned with raw_to_block). */
  source: z.array(z.string()),
});
/** The blocks typed as the interpreter makes them (worksheet/blocks.ts), which the schema describes. */
export type WorksheetInterpretation = InterpretedWorksheet & { worksheet: WorksheetJson };

/** With `?directive=`: the blocks of that search; with `?bundle_uuid=`: every block, null where unchanged. */
export const DirectiveBlocksResponseSchema = z.object({ blocks: z.array(WorksheetBlockSchema) });
export const LiveBlocksResponseSchema = z.object({ blocks: z.array(WorksheetBlockSchema.nullable()) });

export const FileCellsRequestSchema = z.object({
  cells: z.array(FileCellRequestSchema).min(1).max(MAX_FILE_CELLS_PER_REQUEST),
});
export type FileCellsRequest = z.infer<typeof FileCellsRequestSchema>;

/** The values, in the order asked. */
export const FileCellsResponseSchema = z.object({ values: z.array(ResolvedCellSchema) });
