import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { type JsonDocument, unreadableDocumentError } from "../state/json-document.ts";

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
        text = await readFile(path, "utf8");
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
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
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
