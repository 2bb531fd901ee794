/**
 * What a worker token may do (spec security-cases: "worker tokens can only do worker things, and
 * only for runs assigned to them"). Decided once, in the authenticate middleware, before any route
 * runs, so no user route has to remember to refuse them:
 *
 * - `GET /rest/workers/connect` as the token's worker (its name);
 * - the upload endpoints of a run that worker holds (its results);
 * - `contents/info` and `contents/blob` of a bundle one of that worker's runs depends on.
 *
 * Anything else answers 403 WORKER_TOKEN_NOT_ALLOWED. Inside the allowed routes the caller is the
 * token's owner, so the routes' own permission checks apply on top.
 */
import { CodalabError } from "@codalab/core";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { workers } from "../db/schema.ts";

type Scope = "connect" | "upload" | "contents";

const ROUTES: { methods: readonly string[]; path: RegExp; scope: Scope }[] = [
  { methods: ["GET"], path: /^\/rest\/workers\/connect\/?$/, scope: "connect" },
  { methods: ["GET", "POST", "DELETE"], path: /^\/rest\/bundles\/([^/]+)\/upload\/?$/, scope: "upload" },
  { methods: ["PUT"], path: /^\/rest\/bundles\/([^/]+)\/upload\/parts\/[^/]+\/?$/, scope: "upload" },
  { methods: ["POST"], path: /^\/rest\/bundles\/([^/]+)\/upload\/complete\/?$/, scope: "upload" },
  { methods: ["GET", "HEAD"], path: /^\/rest\/bundles\/([^/]+)\/contents\/(?:info|blob)(?:\/.*)?$/, scope: "contents" },
];

function refuse(message: string): CodalabError {
  return new CodalabError("WORKER_TOKEN_NOT_ALLOWED", message);
}

/** Throws WORKER_TOKEN_NOT_ALLOWED unless the request is one the token's worker may make. */
export async function requireWorkerScope(db: Db, workerId: string, request: Request): Promise<void> {
  const url = new URL(request.url);
  const route = ROUTES.find((entry) => entry.methods.includes(request.method) && entry.path.test(url.pathname));
  if (route === undefined) {
    throw refuse(
      `a worker token only lets a runner connect and move its runs' data; ${request.method} ${url.pathname} needs a user's login`,
    );
  }
  const worker = await db.query.workers.findFirst({ where: eq(workers.id, workerId) });
  if (worker === undefined) throw new CodalabError("UNAUTHENTICATED", "the worker token's worker no longer exists");
  const uuid = decodeURIComponent(route.path.exec(url.pathname)?.[1] ?? "");
  switch (route.scope) {
    case "connect": {
      const name = url.searchParams.get("name") ?? url.searchParams.get("worker_name");
      if (name !== null && name !== worker.name) {
        throw refuse(
          `this worker token is for worker ${JSON.stringify(worker.name)}, not ${JSON.stringify(name)}: start the runner with --id ${worker.name}`,
        );
      }
      return;
    }
    case "upload": {
      const held = await db.$client
        .prepare(
          `select 1 from bundles b where b.uuid = ?1 and b.bundle_type = 'run' and (
            exists (select 1 from worker_runs wr where wr.bundle_uuid = b.uuid and wr.worker_id = ?2)
            or (b.state = 'worker_offline' and b.remote = ?2))`,
        )
        .bind(uuid, workerId)
        .first();
      if (held === null)
        throw refuse(`worker ${worker.name} does not hold run ${uuid}: it may upload only its runs' results`);
      return;
    }
    case "contents": {
      const needed = await db.$client
        .prepare(
          `select 1 from worker_runs wr join bundle_dependencies d on d.child_uuid = wr.bundle_uuid
            where wr.worker_id = ? and d.parent_uuid = ? limit 1`,
        )
        .bind(workerId, uuid)
        .first();
      if (needed === null) {
        throw refuse(
          `no run of worker ${worker.name} depends on bundle ${uuid}: a worker token reads only its runs' dependencies`,
        );
      }
      return;
    }
  }
}
