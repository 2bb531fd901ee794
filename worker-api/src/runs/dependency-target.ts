/**
 * Paths inside a running bundle's dependency keys. The runner hides dependencies from live reads
 * (they are read-only mounts of other bundles), so `contents/info` and `contents/blob` of
 * `<run>/<key>/…` are answered from the parent bundle at the same place instead of a 404: the
 * caller needs read permission on the parent itself, as for any other read of it.
 */
import type { PermissionCaller } from "@codalab/core";
import { type BundleAccess, requireBundle } from "../bundles/bundle-access.ts";
import type { BundleRow } from "../bundles/bundle-fields.ts";
import type { Db } from "../db/client.ts";
import { isLiveBundle } from "./live-read.ts";
import { dependenciesOf } from "./staging.ts";

export type ContentsSubject = { row: BundleRow; path: string };

/** The dependency `path` (normalised) lies in, as the parent bundle and the path inside it; or null. */
async function dependencyTarget(
  db: Db,
  row: BundleRow,
  path: string,
): Promise<{ parentUuid: string; path: string } | null> {
  if (path === "") return null;
  for (const dependency of await dependenciesOf(db, row.uuid)) {
    const key = dependency.childPath;
    if (key === "" || (path !== key && !path.startsWith(`${key}/`))) continue;
    const rest = path.slice(key.length + 1);
    const inParent = [dependency.parentPath, rest].filter((part) => part !== "").join("/");
    return { parentUuid: dependency.parentUuid, path: inParent };
  }
  return null;
}

/**
 * What a contents request of `row` at `path` reads: the bundle itself, or, for a path inside a
 * dependency key of a live run, the parent bundle (read permission checked) at the matching path.
 */
export async function contentsSubject(
  db: Db,
  caller: PermissionCaller,
  access: BundleAccess,
  path: string,
): Promise<ContentsSubject> {
  if (!isLiveBundle(access.row)) return { row: access.row, path };
  const target = await dependencyTarget(db, access.row, path);
  if (target === null) return { row: access.row, path };
  const parent = await requireBundle(db, caller, target.parentUuid, "read");
  return { row: parent.row, path: target.path };
}
