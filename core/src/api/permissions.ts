/**
 * Setting group permissions and owners (spec §1.3 `cl perm`, `cl wperm`, `cl chown`). The
 * permission is sent as typed (`n`/`none`, `r`/`read`, `a`/`all`) and checked with core's
 * `parsePermission`, so the API and the CLI refuse the same strings with the same message.
 */
import { z } from "zod";
import { PERMISSION_LEVELS } from "../constants.ts";
import { BundleUuidSchema } from "./bundles.ts";
import { GroupSpecSchema } from "./groups.ts";

/** Bundles per request: their rows are loaded and checked together. */
export const MAX_PERMISSION_BUNDLES = 1000;

const BundleUuidsSchema = z
  .array(BundleUuidSchema)
  .min(1, "give at least one bundle")
  .max(MAX_PERMISSION_BUNDLES, `at most ${MAX_PERMISSION_BUNDLES} bundles per request`);

export const SetBundlePermissionsRequestSchema = z.object({
  uuids: BundleUuidsSchema,
  group: GroupSpecSchema,
  /** n/none, r/read or a/all; none removes the group's row. */
  permission: z.string(),
});
export type SetBundlePermissionsRequest = z.infer<typeof SetBundlePermissionsRequestSchema>;

export const SetWorksheetPermissionRequestSchema = z.object({
  group: GroupSpecSchema,
  permission: z.string(),
});
export type SetWorksheetPermissionRequest = z.infer<typeof SetWorksheetPermissionRequestSchema>;

export const GroupRefSchema = z.object({ uuid: z.string(), name: z.string() });

export const PermissionChangeResponseSchema = z.object({
  group: GroupRefSchema,
  permission: z.enum(PERMISSION_LEVELS),
  /** The bundles or the worksheet changed, in the order asked. */
  uuids: z.array(z.string()),
});
export type PermissionChangeResponse = z.infer<typeof PermissionChangeResponseSchema>;

export const ChownBundlesRequestSchema = z.object({
  uuids: BundleUuidsSchema,
  /** The new owner: a user name or id. */
  user: z.string().min(1, "the new owner is required").max(255),
});
export type ChownBundlesRequest = z.infer<typeof ChownBundlesRequestSchema>;

export const ChownBundlesResponseSchema = z.object({
  owner: z.object({ id: z.string(), user_name: z.string() }),
  uuids: z.array(z.string()),
});
export type ChownBundlesResponse = z.infer<typeof ChownBundlesResponseSchema>;
