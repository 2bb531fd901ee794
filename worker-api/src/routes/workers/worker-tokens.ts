import {
  CreatedWorkerTokenSchema,
  CreateWorkerTokenRequestSchema,
  WorkerTokenJsonSchema,
  WorkerTokenListSchema,
} from "@codalab/core";
import { createRoute, z } from "@hono/zod-openapi";
import { createWorkerToken, listWorkerTokens, revokeWorkerToken } from "../../auth/worker-tokens.ts";
import type { App } from "../../http/app-type.ts";
import { requireUser } from "../../http/caller.ts";
import { bearerSecurity, errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { sessionStub } from "../../runs/stubs.ts";

const createTokenRoute = createRoute({
  method: "post",
  path: "/rest/workers/tokens",
  tags: ["workers"],
  summary: "Make a worker token (clw_…) for one of your workers (cl-runner --token-file)",
  description:
    "The token lets a runner connect as the named worker (registered now if it is new), upload its runs' " +
    "results and read its runs' dependencies; nothing else. The secret is in this answer only.",
  security: bearerSecurity,
  request: { body: jsonBody(CreateWorkerTokenRequestSchema) },
  responses: {
    201: jsonResponse(CreatedWorkerTokenSchema, "The token, shown this once"),
    ...errors({
      400: "Invalid worker name",
      401: "Not logged in",
      403: "Too many live worker tokens, or the caller is itself a worker token",
    }),
  },
});

const listTokensRoute = createRoute({
  method: "get",
  path: "/rest/workers/tokens",
  tags: ["workers"],
  summary: "Your worker tokens, newest first (never their secrets)",
  security: bearerSecurity,
  responses: {
    200: jsonResponse(WorkerTokenListSchema, "Tokens, with their worker and when they were revoked"),
    ...errors({ 401: "Not logged in", 403: "The caller is a worker token" }),
  },
});

const TokenParams = z.object({ id: z.string().min(1).max(64) });

const revokeTokenRoute = createRoute({
  method: "delete",
  path: "/rest/workers/tokens/{id}",
  tags: ["workers"],
  summary: "Revoke a worker token; the runner connected with it is disconnected",
  security: bearerSecurity,
  request: { params: TokenParams },
  responses: {
    200: jsonResponse(WorkerTokenJsonSchema, "The revoked token"),
    ...errors({ 401: "Not logged in", 403: "The caller is a worker token", 404: "No such token of yours" }),
  },
});

export function registerWorkerTokens(app: App) {
  app.openapi(createTokenRoute, async (c) => {
    const { user } = requireUser(c);
    const { worker_name } = c.req.valid("json");
    return c.json(await createWorkerToken(c.get("db"), user.id, worker_name), 201);
  });
  app.openapi(listTokensRoute, async (c) => {
    const { user } = requireUser(c);
    return c.json({ tokens: await listWorkerTokens(c.get("db"), user.id) }, 200);
  });
  app.openapi(revokeTokenRoute, async (c) => {
    const { user } = requireUser(c);
    const revoked = await revokeWorkerToken(c.get("db"), user.id, c.req.valid("param").id);
    if (revoked.worker_id !== "") {
      await sessionStub(c.env, revoked.worker_id).disconnectToken(revoked.worker_id, revoked.id);
    }
    return c.json(revoked, 200);
  });
}
