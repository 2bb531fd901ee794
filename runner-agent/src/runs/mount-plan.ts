/**
 * Where each dependency appears in the run's directory (spec §4.4): at its key, read-only; a
 * nested key (`a/b`) gets its parent directories; the key `.` places each top-level entry of the
 * parent directory at the root. Mount points are created before the run starts (so Docker and
 * bubblewrap do not create them with root's defaults) and removed after it, before the upload, so
 * results never contain the inputs.
 */
import { lstat, mkdir, readdir, rmdir, symlink, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CodalabError } from "@codalab/core/errors";
import { isWithin, normalizeSubpath } from "@codalab/core/paths/safe-path";
import type { DependencyLease } from "../dependencies/dependency-cache.ts";
import type { Mount } from "./run-machine.ts";

export type PlannedDependency = { child_path: string; lease: Pick<DependencyLease, "path" | "type"> };

export async function planMounts(dependencies: readonly PlannedDependency[]): Promise<Mount[]> {
  const mounts: Mount[] = [];
  for (const { child_path, lease } of dependencies) {
    const key = normalizeSubpath(child_path, "dependency key");
    if (key === "") {
      if (lease.type !== "directory") {
        throw new CodalabError("INVALID_PATH", "a dependency with the key '.' must be a directory");
      }
      const entries = (await readdir(lease.path, { withFileTypes: true })).sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
      for (const entry of entries) {
        mounts.push({
          source: join(lease.path, entry.name),
          target: entry.name,
          type: entry.isDirectory() ? "directory" : "file",
        });
      }
    } else {
      mounts.push({ source: lease.path, target: key, type: lease.type });
    }
  }
  for (const [i, a] of mounts.entries()) {
    for (const b of mounts.slice(i + 1)) {
      if (isWithin(a.target, b.target) || isWithin(b.target, a.target)) {
        throw new CodalabError(
          "CONFLICT",
          `dependencies overlap at ${JSON.stringify(a.target)} and ${JSON.stringify(b.target)}`,
        );
      }
    }
  }
  return mounts;
}

/** Parent directories a nested key needed, deepest first (removed after the run if still empty). */
function parentsOf(target: string): string[] {
  const parts = target.split("/");
  const parents: string[] = [];
  for (let end = parts.length - 1; end > 0; end--) parents.push(parts.slice(0, end).join("/"));
  return parents;
}

/** Creates mount points (bind) or links (symlink) in a fresh run directory. */
export async function createMountPoints(runDir: string, mounts: readonly Mount[], style: "bind" | "symlink") {
  for (const mount of mounts) {
    const target = join(runDir, mount.target);
    const parents = parentsOf(mount.target);
    if (parents.length > 0) await mkdir(join(runDir, parents[0] ?? ""), { recursive: true });
    if (style === "symlink") await symlink(mount.source, target);
    else if (mount.type === "directory") await mkdir(target);
    else await writeFile(target, "", { flag: "wx" });
  }
}

/** Removes mount points left in the run directory; never touches anything the run wrote. */
export async function removeMountPoints(runDir: string, mounts: readonly Mount[]): Promise<void> {
  for (const mount of mounts) {
    const target = join(runDir, mount.target);
    const info = await lstat(target).catch(() => null);
    if (info === null) continue;
    if (info.isSymbolicLink() || (info.isFile() && info.size === 0)) await unlink(target).catch(() => undefined);
    else if (info.isDirectory()) await rmdir(target).catch(() => undefined);
    for (const parent of parentsOf(mount.target)) {
      await rmdir(join(runDir, parent)).catch(() => undefined);
    }
  }
}
