/**
 * Generalized paths (spec §5.4): how a table column names a value of a bundle. Bundle fields and
 * metadata keys are read from the bundle info; a few specials are computed; file genpaths
 * (`/stats.json:train/acc`) are resolved separately by file-cells.ts because they need I/O.
 */
import { normalizeSubpath } from "../paths/safe-path.ts";
import type { BlockBundleInfo, BundleDependency, BundleInfo, GroupPermission } from "./data-access.ts";
import { isMaskedBundle } from "./data-access.ts";
import { type JsonValue, toJsonValue } from "./json-value.ts";

/** CodaLab's placeholder for a missing value in verbose contexts. */
export const NONE_PLACEHOLDER = "<none>";
const MAX_SUMMARY_LENGTH = 1024;

export function isFileGenpath(genpath: string): boolean {
  return genpath.startsWith("/");
}

/**
 * `/out/stats.json:train/acc` → subpath `out/stats.json`, key path `train/acc` (null without `:`).
 * Throws CodalabError(INVALID_PATH) for paths that would leave the bundle.
 */
export function parseFileGenpath(genpath: string): { subpath: string; key: string | null } {
  const body = genpath.slice(1);
  const colon = body.indexOf(":");
  const subpath = colon === -1 ? body : body.slice(0, colon);
  return { subpath: normalizeSubpath(subpath, "genpath"), key: colon === -1 ? null : body.slice(colon + 1) };
}

/** Value of a non-file genpath for a bundle; null when the bundle has no such field. */
export function interpretGenpath(info: BlockBundleInfo, genpath: string): JsonValue {
  const dependencies = isMaskedBundle(info) ? [] : info.dependencies;
  if (genpath === "dependencies") return renderDependencies(dependencies);
  if (genpath.startsWith("dependencies/")) {
    const key = genpath.slice("dependencies/".length);
    const dependency = dependencies.find((d) => d.child_path === key);
    return dependency ? renderDependency(dependency, { showKey: false, anonymous: false }) : NONE_PLACEHOLDER;
  }
  if (!isMaskedBundle(info)) {
    const special = specialGenpath(info, genpath);
    if (special !== undefined) return special;
  }
  if (Object.hasOwn(info, genpath)) {
    const value = toJsonValue((info as unknown as Record<string, unknown>)[genpath]);
    if (value !== null) return value;
  }
  const metadata: Record<string, unknown> = info.metadata;
  return Object.hasOwn(metadata, genpath) ? toJsonValue(metadata[genpath]) : null;
}

function specialGenpath(info: BundleInfo, genpath: string): JsonValue | undefined {
  switch (genpath) {
    case "args":
      return renderArgs(info.bundle_type, info.dependencies, info.command, info.metadata);
    case "summary":
      return renderSummary(info.bundle_type, info.state, info.dependencies, info.command);
    case "host_worksheets":
      return info.host_worksheets ? info.host_worksheets.map((w) => `${w.name}(${w.uuid})`).join(" ") : null;
    case "permission":
      return info.permission;
    case "group_permissions":
      return info.group_permissions ? renderGroupPermissions(info.group_permissions) : null;
    case "owner":
      return info.owner_name;
    default:
      return undefined;
  }
}

interface RenderOptions {
  showKey?: boolean;
  showUuid?: boolean;
  anonymous: boolean;
}

/** `key:parent_name/path`; `:parent_name` when the key equals the name; no key for an anonymous dependency. */
function renderDependency(dependency: BundleDependency, options: RenderOptions): string {
  const { showKey = true, showUuid = false, anonymous } = options;
  let key = "";
  if (showKey && !anonymous) {
    key = showUuid || dependency.child_path !== dependency.parent_name ? `${dependency.child_path}:` : ":";
  }
  const parent = showUuid ? dependency.parent_uuid : (dependency.parent_name ?? "");
  const path = dependency.parent_path ? `/${dependency.parent_path}` : "";
  return key + parent + path;
}

function isAnonymous(dependencies: readonly BundleDependency[]): boolean {
  return dependencies.length === 1 && dependencies[0]?.child_path === "";
}

/** The `dependencies` genpath, also used in source lines: `key:name,key2:name2/sub`. */
export function renderDependencies(dependencies: readonly BundleDependency[]): string {
  const anonymous = isAnonymous(dependencies);
  return dependencies.map((d) => renderDependency(d, { anonymous })).join(",");
}

/** CodaLab's `formatting.quote`: double-quotes a token with spaces or quotes. */
function quoteArg(token: string): string {
  return token.includes(" ") || token.includes('"') ? `"${token.replaceAll('"', '\\"')}"` : token;
}

/** The `cl run|make` arguments that would recreate the bundle (null for uploads). */
function renderArgs(
  bundleType: string,
  dependencies: readonly BundleDependency[],
  command: string | null,
  metadata: Record<string, JsonValue>,
): string | null {
  if (bundleType !== "make" && bundleType !== "run") return null;
  const anonymous = isAnonymous(dependencies);
  const args = [bundleType, ...dependencies.map((d) => renderDependency(d, { showUuid: true, anonymous }))];
  if (command) args.push(quoteArg(command));
  for (const [key, value] of Object.entries(metadata)) {
    if (!key.startsWith("request_") || !value) continue;
    const flag = `--${key.replaceAll("_", "-")}`;
    if (value === true) args.push(flag);
    else args.push(flag, quoteArg(typeof value === "object" ? JSON.stringify(value) : String(value)));
  }
  return args.join(" ");
}

function truncateSummary(summary: string): string {
  return summary.length > MAX_SUMMARY_LENGTH ? `${summary.slice(0, MAX_SUMMARY_LENGTH)}...` : summary;
}

/** `[uploaded]`, `= key{name:uuid4} …` (make) or `! command` (run). */
function renderSummary(
  bundleType: string,
  state: string,
  dependencies: readonly BundleDependency[],
  command: string | null,
): string | null {
  if (bundleType === "dataset" || bundleType === "program") return state === "ready" ? "[uploaded]" : "";
  if (bundleType === "make") {
    const parts = dependencies.map((d) => {
      const key = d.child_path || (d.parent_name ?? "");
      const name = key !== d.parent_name ? `${d.parent_name ?? NONE_PLACEHOLDER}:` : "";
      return `${key}{${name}${d.parent_uuid.slice(0, 4)}}`;
    });
    return truncateSummary(`= ${parts.join(" ")}`);
  }
  if (bundleType === "run") return truncateSummary(`! ${command ?? ""}`);
  return null;
}

/** `public(0x1234abcd):read,team(0x5678ef01):all`, or `-` for none. */
export function renderGroupPermissions(permissions: readonly GroupPermission[]): string {
  if (permissions.length === 0) return "-";
  return permissions.map((p) => `${p.group_name}(${p.group_uuid.slice(0, 8)}):${p.permission}`).join(",");
}
