/**
 * Where `cl upload` remembers uploads in progress, so that running the same command again after an
 * interruption continues with the missing parts instead of starting over. One small JSON file per
 * upload under CODALAB_HOME/uploads, named by the upload's key (a digest of the instance, the
 * exact bytes and the metadata); it is deleted once the upload completes or is abandoned.
 */
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { createJsonFile } from "../node/json-file.ts";
import { isRecord } from "../parse/json-fields.ts";

export type ResumeRecord = {
  version: 1;
  address: string;
  bundle_uuid: string;
  kind: "file" | "directory";
  size: number;
  part_size: number;
  /** Milliseconds since the epoch. */
  saved_at: number;
};

export type ResumeStore = {
  load(key: string): Promise<ResumeRecord | undefined>;
  save(key: string, record: ResumeRecord): Promise<void>;
  drop(key: string): Promise<void>;
};

/** Records older than this are for uploads nobody is coming back to (the server gives up on them too). */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export function createResumeStore(directory: string, now: () => number = Date.now): ResumeStore {
  const file = (key: string) => createJsonFile(join(directory, `${key}.json`));
  return {
    async load(key) {
      let value: unknown;
      try {
        value = await file(key).read();
      } catch {
        // A damaged record only costs a fresh start.
        return undefined;
      }
      return parseRecord(value);
    },
    async save(key, record) {
      await file(key).write(record);
      await pruneOld(directory, now()).catch(() => undefined);
    },
    async drop(key) {
      await rm(join(directory, `${key}.json`), { force: true });
    },
  };
}

export function createMemoryResumeStore(): ResumeStore & { readonly records: Map<string, ResumeRecord> } {
  const records = new Map<string, ResumeRecord>();
  return {
    records,
    load: async (key) => records.get(key),
    save: async (key, record) => {
      records.set(key, record);
    },
    drop: async (key) => {
      records.delete(key);
    },
  };
}

function parseRecord(value: unknown): ResumeRecord | undefined {
  if (!isRecord(value) || value.version !== 1) return undefined;
  const { address, bundle_uuid, kind, size, part_size, saved_at } = value;
  if (typeof address !== "string" || typeof bundle_uuid !== "string") return undefined;
  if (kind !== "file" && kind !== "directory") return undefined;
  if (typeof size !== "number" || typeof part_size !== "number" || typeof saved_at !== "number") return undefined;
  return { version: 1, address, bundle_uuid, kind, size, part_size, saved_at };
}

async function pruneOld(directory: string, now: number): Promise<void> {
  for (const name of await readdir(directory)) {
    if (!name.endsWith(".json")) continue;
    const path = join(directory, name);
    if (now - (await stat(path)).mtimeMs > MAX_AGE_MS) await rm(path, { force: true });
  }
}
