/**
 * `cl write` on a running bundle (protocol `write`): a small file put into the run's directory.
 * Never over or inside a dependency, never outside the directory, never through a link: missing
 * parents are created as real directories, the file is opened without O_TRUNC, checked to be where
 * it should be, and only then truncated and written.
 */
import { constants } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { CodalabError } from "@codalab/core/errors";
import { isWithin } from "@codalab/core/paths/safe-path";
import { lstatInside, normalizeRunPath, openInside } from "./run-dir-paths.ts";

export async function writeIntoRun(root: string, hidden: readonly string[], subpath: string, text: string) {
  const rel = normalizeRunPath(subpath, "write path");
  if (rel === "") throw new CodalabError("INVALID_PATH", "cannot write over the run's directory itself");
  for (const mount of hidden) {
    if (isWithin(mount, rel) || isWithin(rel, mount)) {
      throw new CodalabError(
        "INVALID_PATH",
        `cannot write ${JSON.stringify(rel)}: it would overwrite the dependency ${JSON.stringify(mount)}`,
      );
    }
  }
  const parts = rel.split("/");
  for (let end = 1; end < parts.length; end++) {
    const parent = parts.slice(0, end).join("/");
    const info = await lstatInside(root, parent);
    if (info === null) await mkdir(join(root, parent));
    else if (!info.isDirectory()) {
      throw new CodalabError(
        "INVALID_PATH",
        `cannot write ${JSON.stringify(rel)}: ${JSON.stringify(parent)} is not a directory`,
      );
    }
  }
  const existing = await lstatInside(root, rel);
  if (existing !== null && !existing.isFile()) {
    throw new CodalabError("INVALID_PATH", `cannot write ${JSON.stringify(rel)}: it exists and is not a regular file`);
  }
  const handle = await openInside(root, rel, constants.O_WRONLY | constants.O_CREAT);
  try {
    await handle.truncate(0);
    await handle.write(new TextEncoder().encode(text), 0, undefined, 0);
  } finally {
    await handle.close();
  }
}
