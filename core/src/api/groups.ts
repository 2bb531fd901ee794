/**
 * The groups REST contract (spec §1.3, §6): a group has one owner and members, some of them
 * admins; the owner and admins manage the membership. `public` is the system group everyone is
 * implicitly in: it has no owner and no stored members, and nobody can change it.
 */
import { z } from "zod";

export const GROUP_ROLES = ["owner", "admin", "member"] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

/** A group spec: its name, its uuid, or a uuid prefix (among the groups you are in). */
export const GroupSpecSchema = z.string().min(1, "the group is required").max(255);

export const GroupMemberJsonSchema = z.object({
  user_id: z.string(),
  /** Null when the account was deleted meanwhile. */
  user_name: z.string().nullable(),
  role: z.enum(GROUP_ROLES),
});
export type GroupMemberJson = z.infer<typeof GroupMemberJsonSchema>;

export const GroupJsonSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  /** Null for `public`. */
  owner_id: z.string().nullable(),
  owner_name: z.string().nullable(),
  /** False for `public`. */
  user_defined: z.boolean(),
  /** The caller's role; null when the caller is not a member (an instance admin looking, or `public`). */
  role: z.enum(GROUP_ROLES).nullable(),
  /** Owner first, then admins, then members; only in the answers about one group. */
  members: z.array(GroupMemberJsonSchema).optional(),
});
export type GroupJson = z.infer<typeof GroupJsonSchema>;

export const GroupResponseSchema = z.object({ group: GroupJsonSchema });
export const GroupListResponseSchema = z.object({ groups: z.array(GroupJsonSchema) });

export const CreateGroupRequestSchema = z.object({
  /** CodaLab's name rule (400 INVALID_NAME otherwise), unique on the instance. */
  name: z.string().max(255),
});
export type CreateGroupRequest = z.infer<typeof CreateGroupRequestSchema>;

export const SetGroupMemberRequestSchema = z.object({
  /** Adds the user (or changes their role): admin when true, plain member when false. */
  is_admin: z.boolean().default(false),
});
export type SetGroupMemberRequest = z.infer<typeof SetGroupMemberRequestSchema>;
