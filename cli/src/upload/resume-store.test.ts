import { mkdtemp, readdir, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createResumeStore, type ResumeRecord } from "./resume-store.ts";

const RECORD: ResumeRecord = {
  version: 1,
  address: "http://x",
  bundle_uuid: "0x1",
  kind: "directory",
  size: 10,
  part_size: 5,
  saved_at: 1,
};

describe("the resume store", () => {
  it("saves, loads and drops records as files under its directory", async () => {
    const directory = join(await mkdtemp(join(tmpdir(), "cl-resume-")), "uploads");
    const store = createResumeStore(directory);
    expect(await store.load("k")).toBeUndefined();
    await store.save("k", RECORD);
    expect(await store.load("k")).toEqual(RECORD);
    await store.drop("k");
    expect(await readdir(directory)).toEqual([]);
  });

  it("ignores damaged records and prunes week-old ones", async () => {
    const directory = await mkdtemp(join(tmpdir(), "cl-resume-"));
    await writeFile(join(directory, "bad.json"), "{ not json");
    await writeFile(join(directory, "odd.json"), JSON.stringify({ ...RECORD, kind: "tape" }));
    const store = createResumeStore(directory);
    expect(await store.load("bad")).toBeUndefined();
    expect(await store.load("odd")).toBeUndefined();
    const old = Date.now() / 1000 - 8 * 86_400;
    await utimes(join(directory, "bad.json"), old, old);
    await store.save("new", RECORD);
    expect((await readdir(directory)).sort()).toEqual(["new.json", "odd.json"]);
  });
});
