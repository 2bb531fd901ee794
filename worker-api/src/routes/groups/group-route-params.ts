/** Path parameters of the group routes. */
import { z } from "@hono/zod-openapi";

const groupSpec = z
  .string()
  .min(1)
  .max(255)
  .openapi({ param: { name: "spec", in: "path" }, description: "Group name, uuid or uuid prefix", example: "team" });

export const GroupSpecParams = z.object({ spec: groupSpec });

export const GroupMemberParams = z.object({
  spec: groupSpec,
  user: z
    .string()
    .min(1)
    .max(255)
    .openapi({ param: { name: "user", in: "path" }, description: "User name or id", example: "alice" }),
});
