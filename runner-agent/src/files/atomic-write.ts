/** Replaces a file so that a crash leaves either the old or the new contents, never half of one. */
import { open, rename } from "node:fs/promises";
import { dirname } from "node:path";

export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  const handle = await open(temporary, "w", mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  // The rename itself must reach the disk too.
  const directory = await open(dirname(path), "r").catch(() => null);
  if (directory !== null) {
    await directory.sync().catch(() => undefined);
    await directory.close();
  }
}
