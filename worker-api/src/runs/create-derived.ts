/**
 * Creating run and make bundles (`POST /rest/bundles` with `bundle_type` run or make; spec §2.2,
 * §3.2–3.3, §4.4). Everything that can be refused is refused here, with a 400 naming the field:
 * dependency keys (`..`, absolute, NUL or newline, duplicates, one key inside another; runs need
 * keys, make takes one unkeyed target or keyed ones), parent paths, resource requests
 * (`parseRunRequests`); and, as for every bundle, an owner whose time or disk quota is used up
 * gets 403 QUOTA_EXCEEDED. Parents are not looked up: they are checked against the owner when the
 * bundle is staged, and a missing or unusable parent fails the bundle with the reason. The bundle
 * is inserted `created` with its dependencies (and on its host worksheet) in one batch, then the
 * Scheduler is told.
 */
import {
  CodalabError,
  type CreateDerivedRequest,
  CreateDerivedRequestSchema,
  checkDependencyKeys,
  type DependencyRequest,
  normalizeDependencyKey,
  normalizeSubpath,
  parseRunRequests,
  validateName,
} from "@codalab/core";
import type { Context } from "hono";
import { requireBundle } from "../bundles/bundle-access.ts";
import { requireQuotaLeft } from "../bundles/disk-quota.ts";
import { defaultHostWorksheet, hostStatements, requireHostWorksheet } from "../bundles/host-worksheet.ts";
import { serializeBundle } from "../bundles/serialize-bundles.ts";
import { chunked } from "../db/chunked.ts";
import { bundleDependencies, bundles } from "../db/schema.ts";
import { type BatchStatement, runBatch } from "../db/statement-batch.ts";
import type { AppEnv } from "../env.ts";
import { requireUser } from "../http/caller.ts";
import { errorResponse } from "../http/error-response.ts";
import { describeIssue } from "../http/validation-hook.ts";
import { newUuid } from "../ids.ts";
import { permissionCaller } from "../permissions/permission-caller.ts";
import { schedulerStub } from "./stubs.ts";

type Dependency = { child_path: string; parent_uuid: string; parent_path: string };

/** Keys and parent paths in canonical form, or VALIDATION_FAILED / INVALID_PATH naming the problem. */
export function normalizeDependencies(kind: "run" | "make", dependencies: readonly DependencyRequest[]): Dependency[] {
  const normalized = dependencies.map((dependency) => {
    const key = normalizeDependencyKey(dependency.child_path);
    if (kind === "run" && key === "") {
      throw new CodalabError("VALIDATION_FAILED", "every dependency of a run needs a key (key:target)");
    }
    if (kind === "make" && key === ".") {
      throw new CodalabError(
        "VALIDATION_FAILED",
        "a make target cannot have key '.': give no key to make the bundle that target, or name its key",
      );
    }
    return {
      child_path: key,
      parent_uuid: dependency.parent_uuid,
      parent_path: normalizeSubpath(dependency.parent_path, "parent_path"),
    };
  });
  if (kind === "make" && normalized.length > 1 && normalized.some((dependency) => dependency.child_path === "")) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      "an unkeyed target makes the new bundle that target, so it must be the only one; give every target a key (key:target)",
    );
  }
  checkDependencyKeys(normalized.map((dependency) => dependency.child_path));
  return normalized;
}

type RunColumns = Partial<typeof bundles.$inferInsert>;

/** The request fields as typed columns (sizes in bytes, durations in seconds). */
function runColumns(request: Extract<CreateDerivedRequest, { bundle_type: "run" }>): RunColumns {
  const metadata = request.metadata;
  const requests = parseRunRequests(metadata);
  const round = (value: number | null) => (value === null ? null : Math.round(value));
  for (const pattern of metadata.exclude_patterns ?? []) {
    if (/[\0\n\r]/.test(pattern)) {
      throw new CodalabError("VALIDATION_FAILED", "exclude_patterns may not contain NUL or newline characters");
    }
  }
  return {
    command: request.command,
    requestDockerImage: requests.docker_image,
    requestTime: round(requests.time),
    requestMemory: round(requests.memory),
    requestDisk: round(requests.disk),
    requestCpus: requests.cpus,
    requestGpus: requests.gpus,
    requestQueue: requests.queue,
    requestPriority: requests.priority,
    requestNetwork: requests.network,
    excludePatterns: metadata.exclude_patterns ?? [],
  };
}

function validationFailed(c: Context<AppEnv>, issues: Parameters<typeof describeIssue>[0][]): Response {
  const fields = issues.map((issue) => ({ field: issue.path.map(String).join("."), message: describeIssue(issue) }));
  return errorResponse(c, "VALIDATION_FAILED", fields.map((field) => field.message).join("; "), { fields });
}

export async function createDerivedBundle(c: Context<AppEnv>, body: unknown): Promise<Response> {
  const { user } = requireUser(c);
  const parsed = CreateDerivedRequestSchema.safeParse(body);
  if (!parsed.success) return validationFailed(c, parsed.error.issues);
  const request = parsed.data;
  const kind = request.bundle_type;
  validateName(request.metadata.name, "bundle name");
  const dependencies = normalizeDependencies(kind, request.dependencies);
  const columns = kind === "run" ? runColumns(request) : {};
  requireQuotaLeft(user);
  const db = c.get("db");
  // Loaded beside the insert and the Scheduler's work: only a host worksheet needs it first.
  const callerLoaded = permissionCaller(c);
  callerLoaded.catch(() => undefined);
  const hostUuid = defaultHostWorksheet(request.worksheet_uuid);
  const host = hostUuid === null ? null : await requireHostWorksheet(db, await callerLoaded, hostUuid);
  const uuid = newUuid();
  const statements: BatchStatement[] = [
    db.insert(bundles).values({
      uuid,
      bundleType: kind,
      state: "created",
      ownerId: user.id,
      isAnonymous: host?.isAnonymous ?? false,
      name: request.metadata.name,
      description: request.metadata.description ?? "",
      tags: request.metadata.tags ?? [],
      allowFailedDependencies: request.metadata.allow_failed_dependencies ?? false,
      ...columns,
    }),
    // D1 binds at most 100 parameters per statement: 4 per dependency.
    ...chunked(dependencies, 24).map((chunk) =>
      db.insert(bundleDependencies).values(
        chunk.map((dependency) => ({
          childUuid: uuid,
          childPath: dependency.child_path,
          parentUuid: dependency.parent_uuid,
          parentPath: dependency.parent_path,
        })),
      ),
    ),
    ...(host === null ? [] : hostStatements(host.uuid, uuid)),
  ];
  await runBatch(db, statements);
  await notifyCreated(c.env, uuid, kind, dependencies);
  const caller = await callerLoaded;
  const access = await requireBundle(db, caller, uuid, "all");
  return c.json({ bundle: await serializeBundle(db, caller, access) }, 201);
}

/**
 * A lost notification is not lost for good: the Scheduler looks for created bundles it does not
 * know whenever it starts. The request still succeeds.
 */
async function notifyCreated(env: Env, uuid: string, kind: "run" | "make", dependencies: readonly Dependency[]) {
  try {
    await schedulerStub(env).notify([
      {
        type: "bundle_created",
        now: Date.now(),
        uuid,
        kind,
        parent_uuids: [...new Set(dependencies.map((dependency) => dependency.parent_uuid))],
      },
    ]);
  } catch (error) {
    console.error(`the scheduler did not hear of bundle ${uuid}:`, error);
  }
}
