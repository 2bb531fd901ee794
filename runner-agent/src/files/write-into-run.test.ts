import { mkdir, mkdtemp, readFile, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { writeIntoRun } from "./write-into-run.ts";

let base: string;
let root: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "cl-runner-write-"));
  root = join(base, "run");
  await mkdir(join(root, "data"), { recursive: true });
  await writeFile(join(base, "outside.txt"), "keep me");
});

describe("writing into a running bundle", () => {
  it("writes a file, creating its directories, and replaces an earlier one", async () => {
    await writeIntoRun(root, ["data"], "notes/today.txt", "first version, longer");
    await writeIntoRun(root, ["data"], "./notes//today.txt", "second");
    expect(await readFile(join(root, "notes/today.txt"), "utf8")).toBe("second");
  });

  it.each([
    ["the directory itself", "", "cannot write over the run's directory"],
    ["a path climbing out", "../outside.txt", "may not contain '..'"],
    ["an absolute path", "/etc/passwd", "must be relative"],
    ["a dependency", "data", "would overwrite the dependency"],
    ["a file inside a dependency", "data/x", "would overwrite the dependency"],
    ["a parent of a dependency", "deps", "would overwrite the dependency"],
  ])("refuses %s", async (_, subpath, message) => {
    await expect(writeIntoRun(root, ["data", "deps/inner"], subpath, "x")).rejects.toThrow(message);
  });

  it("never writes through a link the run planted", async () => {
    await symlink(join(base, "outside.txt"), join(root, "link.txt"));
    await symlink(base, join(root, "linkdir"));
    await expect(writeIntoRun(root, [], "link.txt", "pwned")).rejects.toThrow("not a regular file");
    await expect(writeIntoRun(root, [], "linkdir/outside.txt", "pwned")).rejects.toThrow("is not a directory");
    expect(await readFile(join(base, "outside.txt"), "utf8")).toBe("keep me");
  });
});
