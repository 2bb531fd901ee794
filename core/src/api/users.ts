import { z } from "zod";
import { NAME_REGEX, NAME_RULE_TEXT } from "../constants.ts";

export const UserNameSchema = z
  .string()
  .min(1, "user_name is required")
  .max(64, "user_name may have at most 64 characters")
  .regex(NAME_REGEX, `user_name ${NAME_RULE_TEXT}`);

export const PasswordSchema = z
  .string()
  .min(8, "password must have at least 8 characters")
  .max(1024, "password may have at most 1024 characters");

/** What a user sees of their own account. */
export const SelfUserSchema = z.object({
  id: z.string(),
  user_name: z.string(),
  email: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  affiliation: z.string().nullable(),
  url: z.string().nullable(),
  is_admin: z.boolean(),
  date_joined: z.number(),
  last_login: z.number().nullable(),
  time_quota: z.number(),
  time_used: z.number(),
  disk_quota: z.number(),
  disk_used: z.number(),
  parallel_run_quota: z.number(),
});
export type SelfUser = z.infer<typeof SelfUserSchema>;

/** What anyone may see of a user (spec §1.4: the public fields of other users only). */
export const PublicUserSchema = z.object({
  id: z.string(),
  user_name: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  affiliation: z.string().nullable(),
  url: z.string().nullable(),
  date_joined: z.number(),
});
export type PublicUser = z.infer<typeof PublicUserSchema>;

/** A user as the caller may see them: the private fields only for themselves and admins. */
export const UserJsonSchema = PublicUserSchema.extend({
  email: z.string().optional(),
  is_admin: z.boolean().optional(),
  is_verified: z.boolean().optional(),
  has_access: z.boolean().optional(),
  last_login: z.number().nullable().optional(),
  /** Seconds. */
  time_quota: z.number().optional(),
  time_used: z.number().optional(),
  /** Bytes. */
  disk_quota: z.number().optional(),
  disk_used: z.number().optional(),
  parallel_run_quota: z.number().optional(),
});
export type UserJson = z.infer<typeof UserJsonSchema>;

export const UserResponseSchema = z.object({ user: UserJsonSchema });

/** `cl uls`: the users found and how many match, or `{result}` for `.count`. */
export const UserSearchResponseSchema = z.union([
  z.object({ users: z.array(UserJsonSchema), total: z.number() }),
  z.object({ result: z.union([z.number(), z.string(), z.null()]) }),
]);
export type UserSearchResponse = z.infer<typeof UserSearchResponseSchema>;

export const MAX_PROFILE_FIELD_LENGTH = 255;
const ProfileTextSchema = z.string().max(MAX_PROFILE_FIELD_LENGTH).nullable().optional();
const QuotaSchema = z.number().int("must be a whole number").min(0).max(Number.MAX_SAFE_INTEGER).optional();

/**
 * `cl uedit`: profile fields for yourself ("" or null clears one); quotas only for admins. The URL
 * becomes a link in the web app, so only http(s) addresses are accepted.
 */
export const UpdateUserRequestSchema = z.strictObject({
  first_name: ProfileTextSchema,
  last_name: ProfileTextSchema,
  affiliation: ProfileTextSchema,
  url: z
    .string()
    .max(2048)
    .regex(/^(|https?:\/\/\S+)$/i, "must be an http:// or https:// address")
    .nullable()
    .optional(),
  /** Seconds. */
  time_quota: QuotaSchema,
  /** Bytes. */
  disk_quota: QuotaSchema,
  parallel_run_quota: QuotaSchema,
  /** Admins only: false shuts the account out of everything but `GET /rest/user` and logout. */
  has_access: z.boolean().optional(),
});
export type UpdateUserRequest = z.infer<typeof UpdateUserRequestSchema>;

export const DeleteUserResponseSchema = z.object({ deleted: z.object({ id: z.string(), user_name: z.string() }) });
