/**
 * The administration REST contract (`/rest/admin/*`, admins only): the daily report the scheduled
 * handler writes (statistics, backup, warnings), the run queue, and the default quotas of new
 * users. JSON is snake_case; sizes are bytes, durations seconds, times unix seconds.
 */
import { z } from "zod";

const Count = z.number().int().min(0);

export const InstanceStatisticsSchema = z.object({
  bundles: z.object({
    total: Count,
    by_state: z.record(z.string(), Count),
    by_type: z.record(z.string(), Count),
    created_last_day: Count,
    /** Sum of `data_size` over every bundle. */
    data_size_bytes: Count,
  }),
  users: z.object({
    total: Count,
    active: Count,
    joined_last_day: Count,
    logged_in_last_day: Count,
    logged_in_last_30_days: Count,
  }),
  workers: z.object({
    registered: Count,
    connected: Count,
    /** Offered by the connected workers. */
    cpus: Count,
    gpus: Count,
    memory_bytes: Count,
  }),
  queue: z.object({
    /** Runs and makes waiting for dependencies or a worker (`created`, `staged`). */
    waiting: Count,
    /** Runs on a worker (`starting` to `finalizing`) and makes being assembled. */
    active: Count,
    worker_offline: Count,
    oldest_waiting_seconds: z.number().min(0).nullable(),
  }),
  database: z.object({ size_bytes: Count, limit_bytes: Count }),
});
export type InstanceStatistics = z.infer<typeof InstanceStatisticsSchema>;

export const BackupSummarySchema = z.union([
  z.object({
    /** R2 key in the BUNDLES bucket. */
    key: z.string(),
    /** Compressed size. */
    bytes: Count,
    tables: Count,
    rows: Count,
    seconds: z.number().min(0),
    /** Older backups deleted by the retention rule. */
    deleted: z.array(z.string()),
  }),
  z.object({ error: z.string() }),
]);
export type BackupSummary = z.infer<typeof BackupSummarySchema>;

export const DailyReportSchema = z.object({
  /** `YYYY-MM-DD`, UTC. */
  day: z.string(),
  generated_at: z.number(),
  statistics: InstanceStatisticsSchema,
  /** Null when the report was made without a backup. */
  backup: BackupSummarySchema.nullable(),
  warnings: z.array(z.string()),
});
export type DailyReport = z.infer<typeof DailyReportSchema>;

export const DailyReportResponseSchema = z.object({ report: DailyReportSchema });

export const ReportListResponseSchema = z.object({
  reports: z.array(DailyReportSchema.pick({ day: true, generated_at: true, warnings: true })),
});

export const GenerateReportRequestSchema = z.strictObject({
  /** Also export a backup of D1 into R2 now (what the nightly run does). */
  backup: z.boolean().default(false),
});

export const QueueEntrySchema = z.object({
  uuid: z.string(),
  name: z.string(),
  bundle_type: z.string(),
  state: z.string(),
  owner_name: z.string().nullable(),
  created: z.number(),
  staged_status: z.string().nullable(),
  request_queue: z.string().nullable(),
  request_cpus: z.number().nullable(),
  request_gpus: z.number().nullable(),
  request_memory: z.number().nullable(),
  request_priority: z.number().nullable(),
  /** The worker holding it, for active runs. */
  worker_id: z.string().nullable(),
  worker_name: z.string().nullable(),
});
export type QueueEntry = z.infer<typeof QueueEntrySchema>;

export const QueueResponseSchema = z.object({
  waiting: z.array(QueueEntrySchema),
  active: z.array(QueueEntrySchema),
});

export const DefaultQuotasSchema = z.object({
  time_quota: z.number().int().min(0),
  disk_quota: z.number().int().min(0),
  parallel_run_quota: z.number().int().min(0),
});
export type DefaultQuotas = z.infer<typeof DefaultQuotasSchema>;

export const DefaultQuotasResponseSchema = z.object({
  default_quotas: DefaultQuotasSchema,
  /** Which values an admin set (`cl default-quotas`); the others come from the deployment's vars. */
  overridden: z.array(z.enum(["time_quota", "disk_quota", "parallel_run_quota"])),
});

export const UpdateDefaultQuotasRequestSchema = DefaultQuotasSchema.partial().strict();
