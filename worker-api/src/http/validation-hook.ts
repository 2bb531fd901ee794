/**
 * Zod validation failures become 400 VALIDATION_FAILED naming each offending field, so a client
 * can show the message next to the right input.
 */
import type { Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../env.ts";
import { errorResponse } from "./error-response.ts";

type Issue = z.core.$ZodIssue;

export function describeIssue(issue: Issue): string {
  const field = issue.path.map(String).join(".");
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) {
    return `${field || "body"} is required`;
  }
  if (!field || issue.message.startsWith(field)) return issue.message;
  return `${field}: ${issue.message}`;
}

export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError; target?: string },
  c: Context<AppEnv>,
): Response | undefined {
  if (result.success) return undefined;
  const issues = result.error.issues;
  const fields = issues.map((issue) => ({ field: issue.path.map(String).join("."), message: describeIssue(issue) }));
  return errorResponse(c, "VALIDATION_FAILED", fields.map((f) => f.message).join("; "), { fields });
}
