import { describe, expect, it } from "vitest";
import { defaultBundleName, itemSize, itemsFromFileList, withParentDirectories } from "./upload-items.ts";

function picked(path: string, text: string): File {
  const file = new File([text], path.split("/").at(-1) ?? path);
  Object.defineProperty(file, "webkitRelativePath", { value: path });
  return file;
}

describe("upload items", () => {
  it("makes each picked file a file bundle and each folder one directory bundle", () => {
    const items = itemsFromFileList([picked("", "x"), picked("run/a.txt", "aa"), picked("run/sub/b.txt", "b")]);
    expect(items.map((item) => [item.kind, item.name, itemSize(item)])).toEqual([
      ["file", "", 1],
      ["directory", "run", 3],
    ]);
    const folder = items[1];
    expect(folder?.kind === "directory" && folder.entries.map((entry) => `${entry.type}:${entry.path}`)).toEqual([
      "directory:sub",
      "file:a.txt",
      "file:sub/b.txt",
    ]);
  });

  it("lists every parent directory before what it holds", () => {
    const file = new File(["x"], "c");
    expect(
      withParentDirectories([
        { path: "a/b/c", type: "file", file },
        { path: "z", type: "directory" },
      ]).map((entry) => entry.path),
    ).toEqual(["a", "a/b", "z", "a/b/c"]);
  });

  it("names bundles after the file or folder, made valid", () => {
    expect(defaultBundleName({ kind: "file", name: "my data.csv", file: new File([], "my data.csv") })).toBe(
      "my-data.csv",
    );
    expect(defaultBundleName({ kind: "directory", name: "2024 results", entries: [] })).toBe("_2024-results");
  });
});
