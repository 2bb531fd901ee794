/**
 * The bundles REST contract (docs/design/bundles-api.md): request bodies, the bundle JSON, upload
 * status and target info, shared by the Worker, the CLI and the web app. JSON is snake_case.
 */
import { z } from "zod";
import { BundleIndexSchema } from "../archive/bundle-index.ts";
import { BUNDLE_STATES, BUNDLE_TYPES, PERMISSION_LEVELS } from "../constants.ts";
import { TargetInfoSchema } from "../runs/protocol.ts";

export const BUNDLE_UUID_REGEX = /^0x[0-9a-f]{32}$/;
export const BundleUuidSchema = z
  .string()
  .regex(BUNDLE_UUID_REGEX, "must be a uuid: 0x followed by 32 lower-case hex digits");

/** Limits on what a user may store in metadata (D1 rows are at most 2 MB). */
export const MAX_BUNDLE_NAME_LENGTH = 255;
export const MAX_DESCRIPTION_LENGTH = 64 * 1024;
export const MAX_TAGS = 100;
export const MAX_TAG_LENGTH = 255;
/** Custom (non-standard) metadata keys and values together, as JSON. */
export const MAX_CUSTOM_METADATA_BYTES = 64 * 1024;
export const CUSTOM_METADATA_KEY_REGEX = /^[a-zA-Z_][a-zA-Z0-9_.-]{0,63}$/;

/** Metadata values as CodaLab types them: str, int, float, bool, list of str (null clears a key). */
export const MetadataValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);
export type MetadataValue = z.infer<typeof MetadataValueSchema>;

const TagsSchema = z.array(z.string().min(1).max(MAX_TAG_LENGTH)).max(MAX_TAGS);

/** Only uploaded bundles are created here; make and run bundles have their own endpoints. */
export const CREATABLE_BUNDLE_TYPES = ["dataset", "program"] as const;

export const CreateBundleRequestSchema = z.object({
  bundle_type: z.enum(CREATABLE_BUNDLE_TYPES).default("dataset"),
  metadata: z.strictObject({
    /** CodaLab's name rule (the server answers 400 INVALID_NAME otherwise). */
    name: z.string().max(MAX_BUNDLE_NAME_LENGTH),
    description: z.string().max(MAX_DESCRIPTION_LENGTH).optional(),
    tags: TagsSchema.optional(),
    license: z.string().max(4096).nullable().optional(),
    source_url: z.string().max(4096).nullable().optional(),
  }),
  /**
   * Host worksheet: the bundle is added to it and copies its group permissions and anonymity
   * (the caller needs `all` on it). Without one the bundle is detached and owner-only.
   */
  worksheet_uuid: BundleUuidSchema.optional(),
});
export type CreateBundleRequest = z.infer<typeof CreateBundleRequestSchema>;

export const UpdateBundleRequestSchema = z.object({
  /**
   * Standard fields (name, description, tags, license, source_url; request_* of runs not yet
   * started) and any custom key; null removes a custom key. Generated fields are refused.
   */
  metadata: z.record(z.string(), MetadataValueSchema).optional(),
  /** true freezes (final states only), false unfreezes. */
  frozen: z.boolean().optional(),
  is_anonymous: z.boolean().optional(),
});
export type UpdateBundleRequest = z.infer<typeof UpdateBundleRequestSchema>;

export const MAX_DELETE_UUIDS = 1000;

export const DeleteBundlesRequestSchema = z.object({
  uuids: z.array(BundleUuidSchema).min(1).max(MAX_DELETE_UUIDS),
  /** Delete even if other bundles depend on these or they are on several worksheets. */
  force: z.boolean().default(false),
  /** Delete every descendant too. */
  recursive: z.boolean().default(false),
  /** Keep the metadata, drop the contents. */
  data_only: z.boolean().default(false),
  /** Only list what would be deleted. */
  dry_run: z.boolean().default(false),
});
export type DeleteBundlesRequest = z.infer<typeof DeleteBundlesRequestSchema>;

export const DeleteBundlesResponseSchema = z.object({ deleted: z.array(BundleUuidSchema) });

// ---------------------------------------------------------------------------------------------
// Bundle JSON

export const BundleDependencyJsonSchema = z.object({
  child_path: z.string(),
  parent_uuid: z.string(),
  parent_path: z.string(),
  /** Null when the parent is gone or the caller cannot read it. */
  parent_name: z.string().nullable(),
  parent_state: z.enum(BUNDLE_STATES).nullable(),
});
export type BundleDependencyJson = z.infer<typeof BundleDependencyJsonSchema>;

export const GroupPermissionJsonSchema = z.object({
  group_uuid: z.string(),
  group_name: z.string(),
  permission: z.enum(PERMISSION_LEVELS),
});

const NamedRefSchema = z.object({ uuid: z.string(), name: z.string() });

export const BUNDLE_INCLUDES = ["children", "host_worksheets", "group_permissions"] as const;
export type BundleInclude = (typeof BUNDLE_INCLUDES)[number];

export const BundleJsonSchema = z.object({
  uuid: z.string(),
  bundle_type: z.enum(BUNDLE_TYPES),
  state: z.enum(BUNDLE_STATES),
  command: z.string().nullable(),
  /** Null for anonymous bundles unless the caller has `all`. */
  owner_id: z.string().nullable(),
  owner_name: z.string().nullable(),
  /** Unix time the bundle was frozen, or null. */
  frozen: z.number().nullable(),
  is_anonymous: z.boolean(),
  /** Null until contents exist (and again after `rm --data-only`). */
  is_dir: z.boolean().nullable(),
  created: z.number(),
  data_size: z.number().nullable(),
  /** Every metadata field of the bundle's type, standard and custom alike. */
  metadata: z.record(z.string(), MetadataValueSchema),
  dependencies: z.array(BundleDependencyJsonSchema),
  /** The caller's effective permission. */
  permission: z.enum(PERMISSION_LEVELS),
  /** failure_message, run_status or staged_status, whichever explains the state. */
  state_details: z.string().nullable(),
  /** Only with ?include=group_permissions (hidden on anonymous bundles without `all`). */
  group_permissions: z.array(GroupPermissionJsonSchema).optional(),
  /** Only with ?include=children: readable bundles that depend on this one. */
  children: z.array(NamedRefSchema).optional(),
  /** Only with ?include=host_worksheets: readable worksheets listing this bundle. */
  host_worksheets: z.array(NamedRefSchema).optional(),
});
export type BundleJson = z.infer<typeof BundleJsonSchema>;

export const BundleResponseSchema = z.object({ bundle: BundleJsonSchema });
export const BundleListResponseSchema = z.object({ bundles: z.array(BundleJsonSchema) });
export const BundleSearchResponseSchema = z.union([
  z.object({ bundles: z.array(BundleJsonSchema), total: z.number().int() }),
  /** `.count` and `.sum`: one number, or a string after `.format`. */
  z.object({ result: z.union([z.number(), z.string(), z.null()]) }),
]);
export type BundleSearchResponse = z.infer<typeof BundleSearchResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Uploads

export const UPLOAD_KINDS = ["file", "directory"] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

const MiB = 1024 * 1024;
/** R2 needs every part but the last to have the same size, at least 5 MiB. */
export const MIN_UPLOAD_PART_BYTES = 5 * MiB;
/** Below the Workers request-body limit. */
export const MAX_UPLOAD_PART_BYTES = 64 * MiB;
export const DEFAULT_UPLOAD_PART_BYTES = 32 * MiB;
/** R2's limit on parts per multipart upload. */
export const MAX_UPLOAD_PARTS = 10_000;
/** The most a Worker can proxy: R2's part count times the largest part (625 GiB). */
export const MAX_UPLOAD_BYTES = MAX_UPLOAD_PARTS * MAX_UPLOAD_PART_BYTES;

export const StartUploadRequestSchema = z.object({
  /** A file bundle is the raw bytes; a directory bundle is a tar built by `TarWriter` plus its index. */
  kind: z.enum(UPLOAD_KINDS),
  /** Exact bytes that will be sent (the tar's size for directories). */
  size: z.number().int().min(0).max(MAX_UPLOAD_BYTES),
  /** Bytes per part except the last; default 32 MiB. Ignored when everything fits in one part. */
  part_size: z.number().int().min(MIN_UPLOAD_PART_BYTES).max(MAX_UPLOAD_PART_BYTES).optional(),
});
export type StartUploadRequest = z.infer<typeof StartUploadRequestSchema>;

export const UploadStatusSchema = z.object({
  kind: z.enum(UPLOAD_KINDS),
  size: z.number().int(),
  part_size: z.number().int(),
  /** Parts are numbered 1..part_count; part n covers bytes [(n-1)·part_size, min(n·part_size, size)). */
  part_count: z.number().int(),
  /** Part numbers that arrived, ascending. */
  received: z.array(z.number().int()),
  /** Set while the server downloads the contents from this URL (size and parts are then unknown: 0 and []). */
  source_url: z.string().optional(),
});
export type UploadStatus = z.infer<typeof UploadStatusSchema>;

export const UploadPartResponseSchema = z.object({ part_number: z.number().int(), size: z.number().int() });

export const CompleteUploadRequestSchema = z.object({
  /** Required for directories: the index `TarWriter.finish()` returned. */
  index: BundleIndexSchema.optional(),
});
export type CompleteUploadRequest = z.infer<typeof CompleteUploadRequestSchema>;

export const UrlUploadRequestSchema = z.object({
  /** http or https, at most 4096 characters, no user name or password (see core/src/archive/url-upload.ts). */
  url: z.string().min(1).max(4096),
  /**
   * Unpack an archive judged by the URL's file name (default): `.tar`, `.tar.gz`/`.tgz` into a
   * directory, `.gz` into the file it compresses; `.zip` and bzip2 are refused. false stores the
   * bytes as one file.
   */
  unpack: z.boolean().default(true),
});
export type UrlUploadRequest = z.infer<typeof UrlUploadRequestSchema>;

/** Bytes part `partNumber` (1-based) must have. */
export function expectedPartSize(status: Pick<UploadStatus, "size" | "part_size" | "part_count">, partNumber: number) {
  if (partNumber < status.part_count) return status.part_size;
  return status.size - (status.part_count - 1) * status.part_size;
}

/** Part size and count for an upload: everything in one part when it fits. */
export function planUploadParts(size: number, requestedPartSize?: number): { part_size: number; part_count: number } {
  const partSize = requestedPartSize ?? DEFAULT_UPLOAD_PART_BYTES;
  if (size <= partSize) return { part_size: Math.max(size, 0), part_count: 1 };
  // Grow the part size (in whole MiB) when the default would need more parts than R2 allows.
  const minimum = Math.ceil(size / MAX_UPLOAD_PARTS / MiB) * MiB;
  const chosen = Math.max(partSize, minimum);
  return { part_size: chosen, part_count: Math.ceil(size / chosen) };
}

// ---------------------------------------------------------------------------------------------
// Contents

export const BLOB_FORMATS = ["tar", "tar.gz"] as const;
export type BlobFormat = (typeof BLOB_FORMATS)[number];

export const TargetInfoResponseSchema = z.object({ info: TargetInfoSchema });

/** Defaults of `?head=`/`?tail=` summaries, as CodaLab's. */
export const DEFAULT_MAX_LINE_LENGTH = 128;
