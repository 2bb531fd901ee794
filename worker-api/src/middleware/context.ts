/** Composition root: per-request id, database handle and configuration (style.md habit 7). */
import { createMiddleware } from "hono/factory";
import { readConfig } from "../config.ts";
import { createDb } from "../db/client.ts";
import type { AppEnv } from "../env.ts";

export const context = createMiddleware<AppEnv>(async (c, next) => {
  c.set("requestId", c.req.header("cf-ray") ?? crypto.randomUUID());
  c.set("db", createDb(c.env.DB));
  c.set("config", readConfig(c.env));
  c.set("caller", { kind: "anonymous" });
  await next();
  c.header("X-Request-Id", c.get("requestId"));
});
