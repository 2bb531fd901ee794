import {
  BUNDLE_UUID_REGEX,
  CodalabError,
  DEFAULT_HEARTBEAT_SECONDS,
  MAX_HEARTBEAT_SECONDS,
  MAX_WATCHED_BUNDLES,
} from "@codalab/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import type { App } from "../../http/app-type.ts";
import { bearerSecurity, errors } from "../../http/openapi-helpers.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import { bundleEventStream } from "../../watch/bundle-event-stream.ts";
import { parseInclude, parseQuery, RepeatedQuery } from "./bundle-route-params.ts";

const EventsQuery = z.object({
  uuid: RepeatedQuery.openapi({
    description: `The bundles to watch, repeated or comma-separated (at most ${MAX_WATCHED_BUNDLES})`,
  }),
  include: RepeatedQuery.openapi({ description: "Extra fields of each bundle, as for GET /rest/bundles/{uuid}" }),
  heartbeat: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_HEARTBEAT_SECONDS)
    .default(DEFAULT_HEARTBEAT_SECONDS)
    .openapi({ description: "Seconds between keep-alive comments on an idle stream" }),
});

const route = createRoute({
  method: "get",
  path: "/rest/bundles/events",
  tags: ["bundles"],
  summary: "Follow bundles' changes as Server-Sent Events (cl wait, cl run -W, the web app)",
  description:
    "First one `bundle` event per bundle (`data: {bundle}`, as GET /rest/bundles/{uuid} answers), or an " +
    "`error` event (`data: {uuid, error: {code, message}}`) for a bundle that does not exist or cannot be read; " +
    "then a `bundle` event whenever one changes. Bundles in a final state, unreadable or deleted are no longer " +
    "watched; when none is left, an `end` event closes the stream. Idle streams carry a comment every " +
    "`heartbeat` seconds; a stream may also close without `end` (after 30 minutes): connect again.",
  security: bearerSecurity,
  request: { query: EventsQuery },
  responses: {
    200: {
      description: "The event stream",
      content: { "text/event-stream": { schema: z.string() } },
    },
    ...errors({ 400: "No uuid, too many, one that is not a uuid, an unknown include, or a bad heartbeat" }),
  },
});

function watchedUuids(values: readonly string[]): string[] {
  const uuids = [...new Set(values.flatMap((value) => value.split(",")).map((value) => value.trim()))].filter(
    (value) => value !== "",
  );
  if (uuids.length === 0) {
    throw new CodalabError("VALIDATION_FAILED", "uuid: name at least one bundle to watch (?uuid=0x…)");
  }
  if (uuids.length > MAX_WATCHED_BUNDLES) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `uuid: at most ${MAX_WATCHED_BUNDLES} bundles per stream (got ${uuids.length}); open several streams`,
    );
  }
  const wrong = uuids.find((uuid) => !BUNDLE_UUID_REGEX.test(uuid));
  if (wrong !== undefined) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `uuid: ${JSON.stringify(wrong)} is not a uuid (0x followed by 32 lower-case hex digits)`,
    );
  }
  return uuids;
}

async function handle(c: Context<AppEnv>): Promise<Response> {
  const query = parseQuery(EventsQuery, {
    ...c.req.query(),
    uuid: c.req.queries("uuid") ?? [],
    include: c.req.queries("include") ?? [],
  });
  const uuids = watchedUuids(query.uuid);
  const include = parseInclude(query.include);
  return bundleEventStream(c.env, c.get("db"), await permissionCaller(c), {
    uuids,
    include,
    heartbeatMs: query.heartbeat * 1000,
  });
}

/** Registered before `GET /rest/bundles/{uuid}`, which would take `events` for a malformed uuid. */
export function registerBundleEvents(app: App) {
  app.openAPIRegistry.registerPath(route);
  app.get("/rest/bundles/events", handle);
}
