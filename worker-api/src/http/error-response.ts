/**
 * The one place errors become responses: `{error: {code, message, requestId}}` with the status
 * mapped from the code. Bugs (anything that is not a CodalabError or an HTTP error) are logged
 * with their stack and shown to the client as INTERNAL without details.
 */
import { CodalabError, ERROR_STATUS, type ErrorBody, type ErrorCode } from "@codalab/core";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../env.ts";

const CODE_FOR_STATUS: Record<number, ErrorCode> = {
  400: "BAD_REQUEST",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "BAD_REQUEST",
  416: "RANGE_NOT_SATISFIABLE",
};

export function errorResponse(c: Context<AppEnv>, code: ErrorCode, message: string, details?: unknown): Response {
  const body: ErrorBody = { error: { code, message, requestId: c.get("requestId") } };
  if (details !== undefined) body.error.details = details;
  return c.json(body, ERROR_STATUS[code] as ContentfulStatusCode);
}

export function handleError(error: Error, c: Context<AppEnv>): Response {
  if (error instanceof CodalabError) return errorResponse(c, error.code, error.message, error.details);
  if (error instanceof HTTPException) {
    const code = CODE_FOR_STATUS[error.status] ?? "BAD_REQUEST";
    const message = error.status === 415 ? "send the body as JSON with Content-Type: application/json" : error.message;
    return errorResponse(c, code, message || "bad request");
  }
  console.error(`request ${c.get("requestId")} failed:`, error);
  return errorResponse(c, "INTERNAL", "internal error: the server failed to handle this request");
}
