import { CodalabError, SelfUserSchema, SignupRequestSchema } from "@codalab/core";
import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { readDefaultQuotas } from "../../admin/default-quotas.ts";
import { hashPassword } from "../../auth/password.ts";
import { users } from "../../db/schema.ts";
import type { App } from "../../http/app-type.ts";
import { errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { newUuid } from "../../ids.ts";
import { serializeSelfUser } from "../user/serialize-user.ts";

const route = createRoute({
  method: "post",
  path: "/rest/auth/signup",
  tags: ["auth"],
  summary: "Create an account",
  request: { body: jsonBody(SignupRequestSchema) },
  responses: {
    201: jsonResponse(z.object({ user: SelfUserSchema }), "The new account"),
    ...errors({ 400: "Invalid fields", 403: "Sign-up is disabled", 409: "User name or e-mail taken" }),
  },
});

export function registerSignup(app: App) {
  app.openapi(route, async (c) => {
    const config = c.get("config");
    if (!config.signupEnabled)
      throw new CodalabError("FORBIDDEN", "sign-up is disabled on this instance: ask its administrator for an account");
    const body = c.req.valid("json");
    const db = c.get("db");
    const taken = await db.query.users.findFirst({
      columns: { userName: true, email: true },
      where: sql`lower(${users.userName}) = lower(${body.user_name}) or lower(${users.email}) = lower(${body.email})`,
    });
    if (taken) {
      const field = taken.userName.toLowerCase() === body.user_name.toLowerCase() ? "user_name" : "email";
      const value = field === "user_name" ? body.user_name : body.email;
      throw new CodalabError("ALREADY_EXISTS", `${field} ${JSON.stringify(value)} is already taken`, { field });
    }
    const quotas = (await readDefaultQuotas(db, config)).default_quotas;
    const [user] = await db
      .insert(users)
      .values({
        id: newUuid(),
        userName: body.user_name,
        email: body.email,
        passwordHash: await hashPassword(body.password),
        firstName: body.first_name ?? null,
        lastName: body.last_name ?? null,
        affiliation: body.affiliation ?? null,
        timeQuota: quotas.time_quota,
        diskQuota: quotas.disk_quota,
        parallelRunQuota: quotas.parallel_run_quota,
      })
      .returning();
    if (!user) throw new Error("insert returned no row");
    return c.json({ user: serializeSelfUser(user) }, 201);
  });
}
