import { describe, expect, it } from "vitest";
import {
  archiveOf,
  bundleKindOf,
  defaultBundleName,
  itemSize,
  itemsFromFileList,
  nameAfterUnpackChange,
  type UploadItem,
  withParentDirectories,
} from "./upload-items.ts";

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

  it("strips the archive's extension only when it is unpacked (spec §2.1)", () => {
    const archive = (name: string): UploadItem => ({ kind: "file", name, file: new File([], name) });
    expect(defaultBundleName(archive("glove 6B.tar.gz"), { unpack: true })).toBe("glove-6B");
    expect(defaultBundleName(archive("glove 6B.tar.gz"), { unpack: false })).toBe("glove-6B.tar.gz");
    expect(defaultBundleName(archive("MNIST.ZIP"), { unpack: true })).toBe("MNIST");
    expect(defaultBundleName(archive("notes.txt.gz"), { unpack: true })).toBe("notes.txt");
    expect(defaultBundleName(archive("data.csv"), { unpack: true })).toBe("data.csv");
    expect(defaultBundleName({ kind: "directory", name: "x.zip", entries: [] }, { unpack: true })).toBe("x.zip");
  });

  it("tells archives the page can unpack from bzip2 ones it can only keep", () => {
    const archive = (name: string): UploadItem => ({ kind: "file", name, file: new File([], name) });
    expect(archiveOf(archive("a.tgz"))).toEqual({ format: "tar.gz", unpackable: true });
    expect(archiveOf(archive("a.tar.bz2"))).toEqual({ format: "tar.bz2", unpackable: false });
    expect(archiveOf(archive("a.txt"))).toBeNull();
    expect(archiveOf({ kind: "directory", name: "a.zip", entries: [] })).toBeNull();
    expect(bundleKindOf(archive("a.zip"), true)).toBe("directory");
    expect(bundleKindOf(archive("a.zip"), false)).toBe("file");
    expect(bundleKindOf(archive("a.txt.gz"), true)).toBe("file");
    expect(bundleKindOf(archive("a.tar.bz2"), true)).toBe("file");
  });

  it("keeps a typed name when the archive is kept packed or unpacked again, and follows a default one", () => {
    const item: UploadItem = { kind: "file", name: "data.tar.gz", file: new File([], "data.tar.gz") };
    expect(nameAfterUnpackChange(item, "data", false)).toBe("data.tar.gz");
    expect(nameAfterUnpackChange(item, "data.tar.gz", true)).toBe("data");
    expect(nameAfterUnpackChange(item, "mine", false)).toBe("mine");
  });
});
