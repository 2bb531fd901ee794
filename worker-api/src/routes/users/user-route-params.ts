/** The user spec path parameter: a user name or id. */
import { z } from "@hono/zod-openapi";

export const UserSpecParams = z.object({
  spec: z
    .string()
    .min(1)
    .max(255)
    .openapi({ param: { name: "spec", in: "path" }, description: "User name or id", example: "alice" }),
});
