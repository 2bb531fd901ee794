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
