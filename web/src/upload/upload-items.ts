/**
 * What the user picked or dropped → the bundles to upload: each file is a file bundle, each folder
 * a directory bundle with its files at their paths inside it (the web's CodaLab behaviour; `cl
 * upload a b` instead makes one bundle of several paths). Paths are `/`-separated and relative to
 * the folder; empty folders are kept. An archive file is unpacked unless kept as one file, as `cl
 * upload` does without and with `--pack`.
 */
import {
  type ArchiveFormat,
  archiveFormatOf,
  archiveSuffixOf,
  isBzip2,
  unpacksToDirectory,
} from "@codalab/core/archive/archive-format";
import { sanitizeName } from "@codalab/core/names/default-names";

export type FolderEntry = { path: string; type: "directory" } | { path: string; type: "file"; file: File };

export type UploadItem =
  | { kind: "file"; name: string; file: File }
  | { kind: "directory"; name: string; entries: FolderEntry[] };

/** A file's bytes and when it was modified, without tying the logic to the DOM's File. */
export function itemSize(item: UploadItem): number {
  if (item.kind === "file") return item.file.size;
  let total = 0;
  for (const entry of item.entries) if (entry.type === "file") total += entry.file.size;
  return total;
}

/**
 * The archive a file is, by its name, and whether the page can unpack it: bzip2 has no decoder
 * in browsers (`cl upload` unpacks it with the system's bzip2). Null for folders and other files.
 */
export function archiveOf(item: UploadItem): { format: ArchiveFormat; unpackable: boolean } | null {
  if (item.kind !== "file") return null;
  const format = archiveFormatOf(item.name);
  return format === null ? null : { format, unpackable: !isBzip2(format) };
}

/**
 * The bundle name CodaLab would give: the file or folder name, made valid, without the archive's
 * extension when the archive is unpacked (`glove.tar.gz` → `glove`, spec §2.1).
 */
export function defaultBundleName(item: UploadItem, options: { unpack?: boolean } = {}): string {
  const name = sanitizeName(item.name);
  if (!options.unpack || item.kind !== "file") return name;
  const archive = archiveSuffixOf(name);
  return archive === null ? name : name.slice(0, name.length - archive.suffix.length);
}

/** Files from `<input type=file>`; with `webkitdirectory` each has a `webkitRelativePath` "folder/a/b.txt". */
export function itemsFromFileList(files: Iterable<File>): UploadItem[] {
  const items: UploadItem[] = [];
  const folders = new Map<string, FolderEntry[]>();
  for (const file of files) {
    const relative = file.webkitRelativePath;
    const slash = relative.indexOf("/");
    if (relative === "" || slash === -1) {
      items.push({ kind: "file", name: file.name, file });
      continue;
    }
    const top = relative.slice(0, slash);
    let entries = folders.get(top);
    if (entries === undefined) {
      entries = [];
      folders.set(top, entries);
      items.push({ kind: "directory", name: top, entries });
    }
    entries.push({ path: relative.slice(slash + 1), type: "file", file });
  }
  for (const item of items) if (item.kind === "directory") item.entries = withParentDirectories(item.entries);
  return items;
}

/**
 * Every directory named by a path, parents before children, then the files, each group sorted:
 * the tar then lists a directory before its contents, as extractors expect.
 */
export function withParentDirectories(entries: readonly FolderEntry[]): FolderEntry[] {
  const directories = new Set<string>();
  const files: FolderEntry[] = [];
  for (const entry of entries) {
    const parts = entry.path.split("/").filter((part) => part !== "");
    const last = entry.type === "directory" ? parts.length : parts.length - 1;
    for (let i = 1; i <= last; i += 1) directories.add(parts.slice(0, i).join("/"));
    if (entry.type === "file") files.push({ ...entry, path: parts.join("/") });
  }
  const sortedDirectories = [...directories].sort().map((path): FolderEntry => ({ path, type: "directory" }));
  return [...sortedDirectories, ...files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))];
}

// Drag and drop: the File and Directory Entries API (webkitGetAsEntry), in every current browser.

function readAllEntries(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const all: FileSystemEntry[] = [];
  // readEntries answers in batches (100 in Chrome) until it answers an empty one.
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(directory: FileSystemDirectoryEntry, prefix: string, out: FolderEntry[]): Promise<void> {
  for (const entry of await readAllEntries(directory)) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory) {
      out.push({ path, type: "directory" });
      await walk(entry as FileSystemDirectoryEntry, path, out);
    } else if (entry.isFile) {
      out.push({ path, type: "file", file: await fileOf(entry as FileSystemFileEntry) });
    }
  }
}

/** Dropped files and folders; read before the drop event ends (the entries die with it). */
export async function itemsFromDrop(transfer: DataTransfer): Promise<UploadItem[]> {
  const roots = [...transfer.items]
    .filter((item) => item.kind === "file")
    .map((item) => item.webkitGetAsEntry())
    .filter((entry): entry is FileSystemEntry => entry !== null);
  if (roots.length === 0) return itemsFromFileList(transfer.files);
  const items: UploadItem[] = [];
  for (const root of roots) {
    if (root.isDirectory) {
      const entries: FolderEntry[] = [];
      await walk(root as FileSystemDirectoryEntry, "", entries);
      items.push({ kind: "directory", name: root.name, entries: withParentDirectories(entries) });
    } else if (root.isFile) {
      items.push({ kind: "file", name: root.name, file: await fileOf(root as FileSystemFileEntry) });
    }
  }
  return items;
}

/**
 * The name after ticking or unticking "keep archive as one file": a name still at its default
 * follows (`data` ↔ `data.tar.gz`); one the user typed stays.
 */
export function nameAfterUnpackChange(item: UploadItem, name: string, unpack: boolean): string {
  return name === defaultBundleName(item, { unpack: !unpack }) ? defaultBundleName(item, { unpack }) : name;
}

/** What the bundle will be: a folder, or an archive unpacked to one, is a directory. */
export function bundleKindOf(item: UploadItem, unpack: boolean): "file" | "directory" {
  if (item.kind === "directory") return "directory";
  const archive = unpack ? archiveOf(item) : null;
  return archive?.unpackable && unpacksToDirectory(archive.format) ? "directory" : "file";
}
