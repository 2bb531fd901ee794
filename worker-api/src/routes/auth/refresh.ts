import { RefreshRequestSchema, TokenResponseSchema } from "@codalab/core";
import { createRoute } from "@hono/zod-openapi";
import { rotateRefreshToken } from "../../auth/sessions.ts";
import type { App } from "../../http/app-type.ts";
import { errors, jsonBody, jsonResponse } from "../../http/openapi-helpers.ts";
import { serializeSelfUser } from "../user/serialize-user.ts";

const route = createRoute({
  method: "post",
  path: "/rest/auth/refresh",
  tags: ["auth"],
  summary: "Exchange a refresh token for a new token pair (the old pair is revoked)",
  request: { body: jsonBody(RefreshRequestSchema) },
  responses: {
    200: jsonResponse(TokenResponseSchema, "New tokens"),
    ...errors({ 400: "Invalid fields", 401: "Refresh token expired, revoked or unknown: log in again" }),
  },
});

export function registerRefresh(app: App) {
  app.openapi(route, async (c) => {
    const { refresh_token } = c.req.valid("json");
    const pair = await rotateRefreshToken(c.get("db"), c.get("config"), refresh_token);
    return c.json(
      {
        access_token: pair.accessToken,
        refresh_token: pair.refreshToken,
        token_type: "Bearer" as const,
        expires_in: pair.expiresIn,
        user: serializeSelfUser(pair.user),
      },
      200,
    );
  });
}
