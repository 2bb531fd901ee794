/** Small builders so route files state only what is particular to them. */
import { ErrorBodySchema } from "@codalab/core";
import type { z } from "zod";

export function jsonBody<T extends z.ZodType>(schema: T, description = "JSON body") {
  return { content: { "application/json": { schema } }, required: true, description };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

const errorContent = { "application/json": { schema: ErrorBodySchema } };

/** Error responses documented for a route: status → description. */
export function errors(statuses: Record<number, string>) {
  return Object.fromEntries(
    Object.entries(statuses).map(([status, description]) => [status, { content: errorContent, description }]),
  );
}

export const bearerSecurity: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }];
