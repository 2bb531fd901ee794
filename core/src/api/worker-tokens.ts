/**
 * Worker tokens (`clw_…`): credentials for one runner agent, made by the worker's owner. A token
 * names the worker it may connect as; it is accepted only where a runner needs it (the worker
 * socket, its runs' result uploads, the dependencies of its runs) and refused everywhere else
 * with WORKER_TOKEN_NOT_ALLOWED. Shown once at creation, stored only as a hash, never expires,
 * revoked by its owner (which also disconnects the runner using it).
 */
import { z } from "zod";

/** The runner's rule for `--id`: no whitespace, slashes or control characters. */
export const WORKER_NAME_PATTERN = /^[^\s/\p{Cc}]{1,128}$/u;
export const WORKER_TOKEN_PREFIX = "clw_";

export const WorkerNameSchema = z
  .string()
  .min(1, "the worker name must not be empty")
  .max(128, "the worker name may have at most 128 characters")
  .regex(WORKER_NAME_PATTERN, "the worker name may not contain spaces, slashes or control characters");

export const CreateWorkerTokenRequestSchema = z.object({
  /** The worker (`cl-runner --id`) the token may connect as; registered now if it is new. */
  worker_name: WorkerNameSchema,
});
export type CreateWorkerTokenRequest = z.infer<typeof CreateWorkerTokenRequestSchema>;

export const WorkerTokenJsonSchema = z.object({
  id: z.string(),
  worker_id: z.string(),
  worker_name: z.string(),
  /** Unix seconds. */
  created_at: z.number(),
  revoked_at: z.number().nullable(),
});
export type WorkerTokenJson = z.infer<typeof WorkerTokenJsonSchema>;

export const CreatedWorkerTokenSchema = WorkerTokenJsonSchema.extend({
  /** The secret, shown this once. */
  token: z.string(),
});
export type CreatedWorkerToken = z.infer<typeof CreatedWorkerTokenSchema>;

export const WorkerTokenListSchema = z.object({ tokens: z.array(WorkerTokenJsonSchema) });
