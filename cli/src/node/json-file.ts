import { dirname } from "node:path";
import { type JsonDocument, unreadableDocumentError } from "../state/json-document.ts";

/**
 * Start-up time: `import ... from "node:fs"` or `"node:fs/promises"` in an ES module builds the
 * module's namespace, which loads fs/promises, readline and file watchers (~10 ms). Reads, on
 * every command, take node:fs through getBuiltinModule; writes, rare, import fs/promises then.
 */
const fs = process.getBuiltinModule("node:fs");

/**
 * A JSON file written atomically (temporary file, then rename) with mode 0600: state.json holds
 * tokens, and a `cl` killed mid-write must not leave half a file.
 */
export function createJsonFile(path: string): JsonDocument {
  return {
    path,
    async read() {
      let text: string;
      try {
        // Sync: a small file, and fs.promises alone would load much of what is avoided above.
        text = fs.readFileSync(path, "utf8");
      } catch (error) {
        if (isErrno(error, "ENOENT")) return undefined;
        throw unreadableDocumentError(path, error instanceof Error ? error.message : String(error));
      }
      if (text.trim() === "") return undefined;
      try {
        return JSON.parse(text);
      } catch (error) {
        throw unreadableDocumentError(path, `not valid JSON (${error instanceof Error ? error.message : error})`);
      }
    },
    async write(value) {
      const { mkdir, rename, rm, writeFile } = await import("node:fs/promises");
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      // node:crypto is loaded only here: most commands never write and it costs ~20 ms to load.
      const { randomBytes } = await import("node:crypto");
      const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
      try {
        await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
  };
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}
