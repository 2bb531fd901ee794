/**
 * What `cl run` and `cl make` share: the dependency targets resolved to bundles in one request,
 * the new bundle created with `POST /rest/bundles`, and every refusal on the way given a hint
 * that says how to fix it for these commands.
 */
import { quotaRefusal, type ResolvedDependency, type RunMetadata } from "@codalab/core/runs/derived-request";
import type { DependencyArg } from "@codalab/core/spec/dependency-args";
import type { ApiClient } from "../api/api-client.ts";
import { parseBundleEnvelope, type WireBundle } from "../api/bundle-wire.ts";
import { parseResponse, parseUserEnvelope } from "../api/wire.ts";
import { resolveBundles } from "../bundles/resolve-bundles.ts";
import type { ClContext } from "../context.ts";
import { CodalabError } from "../core-light.ts";
import { CliError, EXIT_USAGE } from "../errors/cli-error.ts";
import { withHint } from "../errors/with-hint.ts";
import { type WorksheetTarget, worksheetTarget } from "../worksheets/current-worksheet.ts";

/**
 * Runs the pure part of a command (parsing dependency arguments, checking flags); its refusals
 * are usage errors (exit status 2) with `hint`.
 */
export function checkArguments<T>(parse: () => T, hint: (error: CodalabError) => string): T {
  try {
    return parse();
  } catch (error) {
    throw withHint(error, hint, EXIT_USAGE);
  }
}

export const TAGS_HINT = "--tags takes words separated by spaces, e.g. --tags nlp baseline";

/** The request field a core refusal names in its details, if any. */
export function errorField(error: CodalabError): string | undefined {
  const details = error.details;
  if (typeof details !== "object" || details === null || !("field" in details)) return undefined;
  return typeof details.field === "string" ? details.field : undefined;
}

/**
 * Where the new bundle goes: the worksheet `-w` names, else the current one (the home worksheet
 * when none was chosen), and the client of its instance.
 */
export async function hostWorksheet(ctx: ClContext, worksheetSpec: string | undefined): Promise<WorksheetTarget> {
  try {
    return await worksheetTarget(ctx, worksheetSpec);
  } catch (error) {
    throw withHint(error, ({ code }) =>
      code === "NOT_FOUND" ? "check the worksheet spec: `cl wls` lists worksheets" : undefined,
    );
  }
}

/**
 * Each dependency's target bundle, in one request; names and `^N` are looked up on the worksheet
 * `-w` names, else the current one.
 */
export async function resolveDependencies(
  ctx: ClContext,
  dependencies: readonly DependencyArg[],
  worksheetSpec: string | undefined,
): Promise<ResolvedDependency[]> {
  if (dependencies.length === 0) return [];
  let bundles: Awaited<ReturnType<typeof resolveBundles>>;
  try {
    bundles = await resolveBundles(
      ctx,
      dependencies.map((dependency) => dependency.spec.bundleText),
      { worksheetSpec },
    );
  } catch (error) {
    throw withHint(error, dependencyHint);
  }
  return dependencies.map((dependency, index) => {
    const found = bundles[index];
    if (found === undefined) throw new CodalabError("INTERNAL", `lost dependency ${dependency.target} while resolving`);
    return { key: dependency.key, parent_uuid: found.bundle.uuid, parent_path: dependency.spec.subpath };
  });
}

function dependencyHint(error: CodalabError): string | undefined {
  if (error.code === "NOT_FOUND") {
    return "dependencies must exist when the bundle is created: check the spec with `cl search <name>` or `cl info <spec>`";
  }
  if (error.code === "AMBIGUOUS_SPEC") return "give more of the uuid, or the whole uuid, to pick one bundle";
  return undefined;
}

/**
 * Refuses a run the caller's quotas cannot cover before creating it (it would only fail when
 * staged, with the same words). Reads the caller's quotas with `GET /rest/user`.
 */
export async function checkQuota(client: ApiClient, metadata: RunMetadata): Promise<void> {
  const user = parseResponse("GET /rest/user", await client.get("/rest/user"), parseUserEnvelope);
  const refusal = quotaRefusal(metadata, user);
  if (refusal === null) return;
  throw new CliError("QUOTA_EXCEEDED", refusal, {
    hint: "request less (--request-time, --request-disk) or ask an administrator of the instance to raise your quota",
  });
}

/** Creates the run or make bundle; `what` names the command in hints. */
export async function createDerivedBundle(client: ApiClient, body: unknown, what: "run" | "make"): Promise<WireBundle> {
  try {
    return parseResponse("POST /rest/bundles", await client.post("/rest/bundles", body), parseBundleEnvelope);
  } catch (error) {
    throw withHint(error, (refusal) => creationHint(refusal, what));
  }
}

function creationHint(error: CodalabError, what: "run" | "make"): string | undefined {
  switch (error.code) {
    case "QUOTA_EXCEEDED":
      return /time quota/.test(error.message)
        ? "runs need time quota left: ask an administrator of the instance to raise yours"
        : "delete bundles you no longer need (`cl rm`) or ask an administrator of the instance to raise your disk quota";
    case "VALIDATION_FAILED":
    case "INVALID_PATH":
      return `see \`cl help ${what}\` for the arguments and their formats`;
    default:
      return undefined;
  }
}
