import { mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createJsonFile } from "./json-file.ts";

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), "cl-json-file-"));
}

describe("createJsonFile", () => {
  it("reads a missing or empty file as undefined", async () => {
    const directory = await scratch();
    expect(await createJsonFile(join(directory, "state.json")).read()).toBeUndefined();
    await writeFile(join(directory, "empty.json"), "  \n");
    expect(await createJsonFile(join(directory, "empty.json")).read()).toBeUndefined();
  });

  it("writes pretty JSON readable only by the owner, creating the directory", async () => {
    const path = join(await scratch(), "nested", "state.json");
    const file = createJsonFile(path);
    await file.write({ auth: { x: 1 } });
    expect(await file.read()).toEqual({ auth: { x: 1 } });
    expect(await readFile(path, "utf8")).toBe('{\n  "auth": {\n    "x": 1\n  }\n}\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("replaces the file atomically, leaving no temporary files behind", async () => {
    const directory = await scratch();
    const path = join(directory, "state.json");
    await writeFile(path, "{}", { mode: 0o644 });
    await createJsonFile(path).write({ replaced: true });
    expect(await readdir(directory)).toEqual(["state.json"]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("refuses a file that is not JSON with a hint", async () => {
    const path = join(await scratch(), "config.json");
    await writeFile(path, "{ not json");
    await expect(createJsonFile(path).read()).rejects.toMatchObject({
      message: expect.stringContaining(`cannot read ${path}: not valid JSON`),
      hint: "fix the file, or delete it to start again (you may have to log in again)",
    });
  });

  it("reports a path that cannot be read", async () => {
    const directory = await scratch();
    await expect(createJsonFile(directory).read()).rejects.toMatchObject({
      message: expect.stringContaining(`cannot read ${directory}`),
    });
  });
});
