/** Pieces the bundle routes share: path parameters, `?include=`, and the R2 store. */
import { BUNDLE_INCLUDES, BUNDLE_UUID_REGEX, type BundleInclude, CodalabError } from "@codalab/core";
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { describeIssue } from "../../http/validation-hook.ts";
import { type BundleStore, r2BundleStore } from "../../storage/bundle-store.ts";

export const BundleUuidParams = z.object({
  uuid: z
    .string()
    .regex(BUNDLE_UUID_REGEX, "must be a uuid: 0x followed by 32 lower-case hex digits")
    .openapi({ param: { name: "uuid", in: "path" }, example: `0x${"0".repeat(31)}1` }),
});

/** A query parameter given once or repeated (`?a=1&a=2`) arrives as a string or an array. */
export const RepeatedQuery = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));

export const IncludeQuery = z.object({
  include: RepeatedQuery.openapi({
    description: `Extra fields, comma-separated or repeated: ${BUNDLE_INCLUDES.join(", ")}`,
  }),
});

function isBundleInclude(name: string): name is BundleInclude {
  return (BUNDLE_INCLUDES as readonly string[]).includes(name);
}

export function parseInclude(values: readonly string[]): Set<BundleInclude> {
  const include = new Set<BundleInclude>();
  for (const value of values.flatMap((text) => text.split(","))) {
    const name = value.trim();
    if (name === "") continue;
    if (!isBundleInclude(name)) {
      throw new CodalabError(
        "VALIDATION_FAILED",
        `unknown include ${JSON.stringify(name)}: use ${BUNDLE_INCLUDES.join(", ")}`,
      );
    }
    include.add(name);
  }
  return include;
}

export function bundleStore(c: Context<AppEnv>): BundleStore {
  return r2BundleStore(c.env.BUNDLES);
}

/** Parses query parameters of routes registered outside `app.openapi` (wildcard paths). */
export function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, unknown>): z.output<T> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  throw new CodalabError("VALIDATION_FAILED", result.error.issues.map(describeIssue).join("; "));
}

/** A uuid from a path registered outside `app.openapi`. */
export function parseBundleUuid(value: string | undefined): string {
  if (value !== undefined && BUNDLE_UUID_REGEX.test(value)) return value;
  throw new CodalabError("VALIDATION_FAILED", "uuid: must be a uuid: 0x followed by 32 lower-case hex digits");
}

/** The contents path parameter: absent for the bundle root. */
export function contentsPathParams(c: Context<AppEnv>): { uuid: string; path: string } {
  return { uuid: parseBundleUuid(c.req.param("uuid")), path: c.req.param("path") ?? "" };
}

export const ContentsPathParams = z.object({
  uuid: z
    .string()
    .regex(BUNDLE_UUID_REGEX)
    .openapi({ param: { name: "uuid", in: "path" } }),
  path: z.string().openapi({
    param: { name: "path", in: "path" },
    description: "Path inside the bundle; empty for the bundle itself. `..` and absolute paths are refused.",
  }),
});

/** `/contents/<kind>`, `/contents/<kind>/` and `/contents/<kind>/<path with slashes>`. */
export function contentsRoutePaths(kind: "info" | "blob"): string[] {
  const base = `/rest/bundles/:uuid/contents/${kind}`;
  // [\s\S], not `.`: file names may contain newlines, which the router sees decoded.
  return [base, `${base}/`, `${base}/:path{[\\s\\S]+}`];
}
