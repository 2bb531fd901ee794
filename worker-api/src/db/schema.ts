/**
 * The whole data model (design.md §3, spec §2, §5.1, §6). Metadata only: bundle contents live
 * in R2. Common bundle metadata are typed columns so search can sort and sum without casts;
 * anything else a user sets goes in the `metadata` JSON column. Times are unix seconds.
 */
import { BUNDLE_STATES, BUNDLE_TYPES, ITEM_TYPES } from "@codalab/core";
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(unixepoch())`;
const bool = (name: string) => integer(name, { mode: "boolean" });
const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    userName: text("user_name").notNull(),
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    firstName: text("first_name"),
    lastName: text("last_name"),
    affiliation: text("affiliation"),
    url: text("url"),
    isAdmin: bool("is_admin").notNull().default(false),
    isActive: bool("is_active").notNull().default(true),
    isVerified: bool("is_verified").notNull().default(true),
    hasAccess: bool("has_access").notNull().default(true),
    notifications: integer("notifications").notNull().default(2),
    avatarId: text("avatar_id"),
    timeQuota: integer("time_quota").notNull(),
    timeUsed: integer("time_used").notNull().default(0),
    diskQuota: integer("disk_quota").notNull(),
    diskUsed: integer("disk_used").notNull().default(0),
    parallelRunQuota: integer("parallel_run_quota").notNull(),
    dateJoined: integer("date_joined").notNull().default(now),
    lastLogin: integer("last_login"),
  },
  (t) => [
    uniqueIndex("users_user_name_unique").on(sql`lower(${t.userName})`),
    uniqueIndex("users_email_unique").on(sql`lower(${t.email})`),
  ],
);

/** Opaque bearer tokens, stored as SHA-256 hashes. An access token belongs to the refresh token that minted it. */
export const authTokens = sqliteTable(
  "auth_tokens",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    kind: text("kind", { enum: ["access", "refresh", "session", "worker"] }).notNull(),
    userId: text("user_id").notNull(),
    parentId: text("parent_id"),
    workerId: text("worker_id"),
    createdAt: integer("created_at").notNull().default(now),
    expiresAt: integer("expires_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [
    uniqueIndex("auth_tokens_hash_unique").on(t.tokenHash),
    index("auth_tokens_user_idx").on(t.userId),
    index("auth_tokens_parent_idx").on(t.parentId),
  ],
);

export const groups = sqliteTable(
  "groups",
  {
    uuid: text("uuid").primaryKey(),
    name: text("name").notNull(),
    ownerId: text("owner_id"),
    userDefined: bool("user_defined").notNull().default(true),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [uniqueIndex("groups_name_unique").on(t.name)],
);

export const userGroups = sqliteTable(
  "user_groups",
  {
    groupUuid: text("group_uuid").notNull(),
    userId: text("user_id").notNull(),
    isAdmin: bool("is_admin").notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.groupUuid, t.userId] }), index("user_groups_user_idx").on(t.userId)],
);

export const bundles = sqliteTable(
  "bundles",
  {
    /** Insertion order: `.last` and tie-breaks sort by it. */
    id: integer("id").primaryKey({ autoIncrement: true }),
    uuid: text("uuid").notNull(),
    bundleType: text("bundle_type", { enum: BUNDLE_TYPES }).notNull(),
    command: text("command"),
    state: text("state", { enum: BUNDLE_STATES }).notNull(),
    ownerId: text("owner_id").notNull(),
    /** Unix time the bundle was frozen, or null. */
    frozen: integer("frozen"),
    isAnonymous: bool("is_anonymous").notNull().default(false),
    /** Null until contents exist. */
    isDir: bool("is_dir"),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    tags: json<string[]>("tags").notNull().default([]),
    created: integer("created").notNull().default(now),
    dataSize: integer("data_size"),
    failureMessage: text("failure_message"),
    errorTraceback: text("error_traceback"),
    stagedStatus: text("staged_status"),
    // Uploaded bundles.
    license: text("license"),
    sourceUrl: text("source_url"),
    // Derived bundles.
    allowFailedDependencies: bool("allow_failed_dependencies").notNull().default(false),
    // Run requests (spec §2.2). Durations in seconds, sizes in bytes.
    requestDockerImage: text("request_docker_image"),
    requestTime: integer("request_time"),
    requestMemory: integer("request_memory"),
    requestDisk: integer("request_disk"),
    requestCpus: integer("request_cpus"),
    requestGpus: integer("request_gpus"),
    requestQueue: text("request_queue"),
    requestPriority: integer("request_priority"),
    requestNetwork: bool("request_network"),
    excludePatterns: json<string[]>("exclude_patterns"),
    // Run results (spec §2.3).
    exitcode: integer("exitcode"),
    started: integer("started"),
    lastUpdated: integer("last_updated"),
    time: real("time"),
    timeUser: real("time_user"),
    timeSystem: real("time_system"),
    memory: integer("memory"),
    memoryMax: integer("memory_max"),
    remote: text("remote"),
    dockerImage: text("docker_image"),
    runStatus: text("run_status"),
    /**
     * Bumped by every state-machine transition (worker-api/src/runs/apply-transition.ts): each
     * statement of a transition's batch is guarded by it, so a transition applies exactly once.
     */
    stateVersion: integer("state_version").notNull().default(0),
    /** Everything else: user-defined keys and the less common generated fields. */
    metadata: json<Record<string, unknown>>("metadata").notNull().default({}),
  },
  (t) => [
    uniqueIndex("bundles_uuid_unique").on(t.uuid),
    index("bundles_name_idx").on(t.name),
    index("bundles_owner_idx").on(t.ownerId, t.id),
    index("bundles_state_idx").on(t.state),
    index("bundles_created_idx").on(t.created),
    index("bundles_type_idx").on(t.bundleType),
  ],
);

export const bundleDependencies = sqliteTable(
  "bundle_dependencies",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    childUuid: text("child_uuid").notNull(),
    /** The dependency key: where the parent appears inside the child. */
    childPath: text("child_path").notNull(),
    parentUuid: text("parent_uuid").notNull(),
    parentPath: text("parent_path").notNull().default(""),
  },
  (t) => [
    index("bundle_dependencies_child_idx").on(t.childUuid),
    index("bundle_dependencies_parent_idx").on(t.parentUuid),
  ],
);

/** An in-progress resumable upload of a bundle's contents (one R2 multipart upload). */
export const bundleUploads = sqliteTable("bundle_uploads", {
  bundleUuid: text("bundle_uuid").primaryKey(),
  r2Key: text("r2_key").notNull(),
  r2UploadId: text("r2_upload_id").notNull(),
  /** Client-declared description of what is being uploaded (file or tar, size, part size). */
  manifest: json<Record<string, unknown>>("manifest").notNull(),
  /** Parts that arrived: [{partNumber, etag, size}]. */
  parts: json<{ partNumber: number; etag: string; size: number }[]>("parts").notNull().default([]),
  createdAt: integer("created_at").notNull().default(now),
});

export const groupBundlePermissions = sqliteTable(
  "group_bundle_permissions",
  {
    groupUuid: text("group_uuid").notNull(),
    bundleUuid: text("bundle_uuid").notNull(),
    /** 1 = read, 2 = all; "none" is the absence of a row. */
    permission: integer("permission").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.bundleUuid, t.groupUuid] }),
    index("group_bundle_permissions_group_idx").on(t.groupUuid),
  ],
);

export const worksheets = sqliteTable(
  "worksheets",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    uuid: text("uuid").notNull(),
    name: text("name").notNull(),
    ownerId: text("owner_id").notNull(),
    title: text("title"),
    frozen: integer("frozen"),
    isAnonymous: bool("is_anonymous").notNull().default(false),
    dateCreated: integer("date_created").notNull().default(now),
    dateLastModified: integer("date_last_modified").notNull().default(now),
    /** Bumped on every change of the items; a whole-source save names the version it edited. */
    version: integer("version").notNull().default(0),
  },
  (t) => [
    uniqueIndex("worksheets_uuid_unique").on(t.uuid),
    uniqueIndex("worksheets_name_unique").on(t.name),
    index("worksheets_owner_idx").on(t.ownerId),
    index("worksheets_modified_idx").on(t.dateLastModified),
  ],
);

export const worksheetItems = sqliteTable(
  "worksheet_items",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    worksheetUuid: text("worksheet_uuid").notNull(),
    type: text("type", { enum: ITEM_TYPES }).notNull(),
    bundleUuid: text("bundle_uuid"),
    subworksheetUuid: text("subworksheet_uuid"),
    value: text("value").notNull().default(""),
    /** Order within the worksheet; ties fall back to id. */
    sortKey: real("sort_key").notNull(),
  },
  (t) => [
    index("worksheet_items_order_idx").on(t.worksheetUuid, t.sortKey, t.id),
    index("worksheet_items_bundle_idx").on(t.bundleUuid),
    index("worksheet_items_subworksheet_idx").on(t.subworksheetUuid),
  ],
);

export const worksheetTags = sqliteTable(
  "worksheet_tags",
  {
    worksheetUuid: text("worksheet_uuid").notNull(),
    tag: text("tag").notNull(),
  },
  (t) => [primaryKey({ columns: [t.worksheetUuid, t.tag] }), index("worksheet_tags_tag_idx").on(t.tag)],
);

export const groupWorksheetPermissions = sqliteTable(
  "group_worksheet_permissions",
  {
    groupUuid: text("group_uuid").notNull(),
    worksheetUuid: text("worksheet_uuid").notNull(),
    permission: integer("permission").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.worksheetUuid, t.groupUuid] }),
    index("group_worksheet_permissions_group_idx").on(t.groupUuid),
  ],
);

/** A compute worker (runner agent) registered by a user; live state is in its WorkerSession DO. */
export const workers = sqliteTable(
  "workers",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    /** The runner's own name for itself (`--id`), unique per owner. */
    name: text("name").notNull(),
    tag: text("tag"),
    tagExclusive: bool("tag_exclusive").notNull().default(false),
    groupUuid: text("group_uuid"),
    hostname: text("hostname"),
    runtime: text("runtime"),
    cpus: integer("cpus").notNull().default(0),
    gpus: integer("gpus").notNull().default(0),
    memoryBytes: integer("memory_bytes").notNull().default(0),
    freeDiskBytes: integer("free_disk_bytes").notNull().default(0),
    maxRuns: integer("max_runs"),
    exitAfterNumRuns: integer("exit_after_num_runs"),
    isTerminating: bool("is_terminating").notNull().default(false),
    /** Owned by an admin who offered it to everyone: runs on it count against parallel-run and time quotas. */
    sharedPool: bool("shared_pool").notNull().default(false),
    preemptible: bool("preemptible").notNull().default(false),
    connected: bool("connected").notNull().default(false),
    lastCheckin: integer("last_checkin"),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [uniqueIndex("workers_owner_name_unique").on(t.ownerId, t.name)],
);

/** Which worker holds which run (at most one). */
export const workerRuns = sqliteTable(
  "worker_runs",
  {
    bundleUuid: text("bundle_uuid").primaryKey(),
    workerId: text("worker_id").notNull(),
    assignedAt: integer("assigned_at").notNull().default(now),
  },
  (t) => [index("worker_runs_worker_idx").on(t.workerId)],
);

/** Instance settings admins change at run time (`cl default-quotas`); wrangler vars are the fallback. */
export const instanceSettings = sqliteTable("instance_settings", {
  key: text("key").primaryKey(),
  value: json<unknown>("value").notNull(),
  updatedAt: integer("updated_at").notNull().default(now),
  /** The admin who set it. */
  updatedBy: text("updated_by"),
});

/** One report a day from the scheduled handler (worker-api/src/monitoring/): statistics, backup, warnings. */
export const dailyReports = sqliteTable("daily_reports", {
  /** `YYYY-MM-DD`, UTC. */
  day: text("day").primaryKey(),
  generatedAt: integer("generated_at").notNull(),
  report: json<Record<string, unknown>>("report").notNull(),
});
