import { createHash } from "node:crypto";
import { gzipStream } from "@codalab/core/archive/compression";
import { readAllBytes } from "@codalab/core/archive/entry-body";
import { readTar } from "@codalab/core/archive/tar-reader";
import { TarWriter } from "@codalab/core/archive/tar-writer";
import { CodalabError } from "@codalab/core/errors";
import { describe, expect, it } from "vitest";
import { ApiError } from "../api/api-error.ts";
import type { RequestOptions } from "../api/http-client.ts";
import { type UploadDeps, type UploadProgress, uploadItem } from "./browser-upload.ts";
import { type UploadItem, withParentDirectories } from "./upload-items.ts";

const WORKSHEET = `0x${"c".repeat(32)}`;

type FakeUpload = { kind: string; size: number; part_size: number; part_count: number; parts: Map<number, Uint8Array> };

/** The bundles upload protocol, in memory, failing part PUTs on demand. */
function fakeServer(options: { partSize?: number; failParts?: number } = {}) {
  const bundles = new Map<string, { state: string; bytes?: Uint8Array; index?: unknown }>();
  const uploads = new Map<string, FakeUpload>();
  const storage = new Map<string, string>();
  const sent: number[] = [];
  let failParts = options.failParts ?? 0;
  let counter = 0;
  const bundleJson = (uuid: string) => ({
    bundle: {
      uuid,
      bundle_type: "dataset",
      state: bundles.get(uuid)?.state,
      metadata: { name: "x" },
      dependencies: [],
    },
  });
  const deps: UploadDeps = {
    async request(path: string, request: RequestOptions = {}) {
      const method = request.method ?? "GET";
      const body = request.body as Record<string, unknown> | undefined;
      if (path === "/rest/bundles" && method === "POST") {
        const uuid = `0x${(++counter).toString(16).padStart(32, "0")}`;
        bundles.set(uuid, { state: "uploading" });
        expect(body).toMatchObject({ bundle_type: "dataset", worksheet_uuid: WORKSHEET });
        return bundleJson(uuid);
      }
      const match = /^\/rest\/bundles\/(0x[0-9a-f]{32})(\/upload(\/complete)?)?$/.exec(path);
      const uuid = match?.[1] ?? "";
      if (match?.[3] && method === "POST") {
        const upload = uploads.get(uuid);
        if (!upload) throw new ApiError({ status: 409, code: "INVALID_STATE", message: "no upload" });
        const chunks = [...upload.parts.entries()].sort(([a], [b]) => a - b).map(([, bytes]) => bytes);
        bundles.set(uuid, { state: "ready", bytes: new Uint8Array(Buffer.concat(chunks)), index: body?.index });
        uploads.delete(uuid);
        return bundleJson(uuid);
      }
      if (match?.[2] && method === "POST") {
        const size = Number(body?.size);
        const partSize = Math.min(size, options.partSize ?? 1 << 25);
        const upload = {
          kind: String(body?.kind),
          size,
          part_size: partSize,
          part_count: Math.max(1, Math.ceil(size / partSize)),
          parts: new Map(),
        };
        uploads.set(uuid, upload);
        return { ...upload, parts: undefined, received: [] };
      }
      if (match?.[2] && method === "GET") {
        const upload = uploads.get(uuid);
        if (!upload) throw new ApiError({ status: 409, code: "INVALID_STATE", message: "no upload" });
        return { ...upload, parts: undefined, received: [...upload.parts.keys()].sort() };
      }
      if (match?.[2] && method === "DELETE") {
        uploads.delete(uuid);
        bundles.set(uuid, { state: "failed" });
        return {};
      }
      if (match && method === "GET") return bundleJson(uuid);
      throw new Error(`unexpected ${method} ${path}`);
    },
    async putPart(path, bytes, onSent) {
      const [, uuid, part] = /bundles\/(0x[0-9a-f]+)\/upload\/parts\/(\d+)/.exec(path) ?? [];
      if (failParts > 0 && Number(part) > 1) {
        failParts -= 1;
        throw new CodalabError("UNAVAILABLE", "the connection to the server was lost");
      }
      onSent(bytes.byteLength);
      sent.push(Number(part));
      uploads.get(uuid ?? "")?.parts.set(Number(part), bytes.slice());
    },
    storage: {
      getItem: (key) => storage.get(key) ?? null,
      setItem: (key, value) => void storage.set(key, value),
      removeItem: (key) => void storage.delete(key),
    },
    digest: async (text) => createHash("sha256").update(text).digest("hex"),
    sleep: async () => undefined,
  };
  return { deps, bundles, uploads, storage, sent };
}

const file = (name: string, text: string) => new File([text], name, { lastModified: 1_700_000_000_000 });

describe("uploadItem", () => {
  it("uploads a file in parts, reporting progress, and completes it", async () => {
    const server = fakeServer({ partSize: 4 });
    const progress: UploadProgress[] = [];
    const bundle = await uploadItem(
      { kind: "file", name: "a.txt", file: file("a.txt", "hello world") },
      { name: "a.txt", worksheetUuid: WORKSHEET, onProgress: (p) => progress.push(p), parallel: 2 },
      server.deps,
    );
    expect(bundle.state).toBe("ready");
    expect(new TextDecoder().decode(server.bundles.get(bundle.uuid)?.bytes)).toBe("hello world");
    expect(server.sent.sort()).toEqual([1, 2, 3]);
    expect(progress.at(-1)).toEqual({ phase: "finishing", sent: 11, total: 11 });
    expect(server.storage.size).toBe(0);
  });

  it("packs a folder into a tar with its index", async () => {
    const server = fakeServer();
    const item: UploadItem = {
      kind: "directory",
      name: "data",
      entries: withParentDirectories([
        { path: "sub/b.txt", type: "file", file: file("b.txt", "bee") },
        { path: "a.txt", type: "file", file: file("a.txt", "ay") },
        { path: "empty", type: "directory" },
      ]),
    };
    const bundle = await uploadItem(
      item,
      { name: "data", worksheetUuid: WORKSHEET, onProgress: () => undefined },
      server.deps,
    );
    const stored = server.bundles.get(bundle.uuid);
    const members: string[] = [];
    const bytes = new Uint8Array(stored?.bytes ?? []);
    for await (const entry of readTar(new Blob([bytes]).stream())) {
      members.push(`${entry.path}:${await new Response(entry.body).text()}`);
    }
    expect(members).toEqual(["empty:", "sub:", "a.txt:ay", "sub/b.txt:bee"]);
    expect(stored?.index).toMatchObject({ tar_size: stored?.bytes?.byteLength });
  });

  it("resumes an interrupted upload with only the missing parts, on the same bundle", async () => {
    // Three failures: every attempt the part uploader makes at part 2.
    const server = fakeServer({ partSize: 4, failParts: 3 });
    const item: UploadItem = { kind: "file", name: "a.txt", file: file("a.txt", "hello world") };
    const options = { name: "a.txt", worksheetUuid: WORKSHEET, onProgress: () => undefined, parallel: 1 };
    const first = uploadItem(item, options, server.deps);
    await expect(first).rejects.toThrow(/connection/);
    expect(server.sent).toEqual([1]);
    expect(server.storage.size).toBe(1);
    server.sent.length = 0;
    const bundle = await uploadItem(item, options, server.deps);
    expect(server.sent).toEqual([2, 3]);
    expect(server.bundles.size).toBe(1);
    expect(new TextDecoder().decode(server.bundles.get(bundle.uuid)?.bytes)).toBe("hello world");
  });

  it("drops the bundle's upload when the server refuses it", async () => {
    const server = fakeServer();
    server.deps.putPart = async () => {
      throw new CodalabError("QUOTA_EXCEEDED", "disk quota exceeded");
    };
    await expect(
      uploadItem(
        { kind: "file", name: "a", file: file("a", "x") },
        { name: "a", worksheetUuid: WORKSHEET, onProgress: () => undefined },
        server.deps,
      ),
    ).rejects.toThrow("disk quota exceeded");
    expect([...server.bundles.values()].map((b) => b.state)).toEqual(["failed"]);
    expect(server.storage.size).toBe(0);
  });

  it("unpacks an archive into a directory bundle when asked, and sends it as it is otherwise", async () => {
    const writer = new TarWriter();
    const packing = (async () => {
      await writer.addDirectory("data", { mtime: 1 });
      await writer.addFile("data/a.txt", new TextEncoder().encode("ay"), { mtime: 1, size: 2 });
      return writer.finish();
    })();
    const gz = await readAllBytes(gzipStream(writer.readable));
    await packing;
    const archive = new File([gz as Uint8Array<ArrayBuffer>], "data.tgz", { lastModified: 1_700_000_000_000 });
    const item: UploadItem = { kind: "file", name: "data.tgz", file: archive };

    const server = fakeServer();
    const progress: UploadProgress[] = [];
    const unpacked = await uploadItem(
      item,
      { name: "data", worksheetUuid: WORKSHEET, unpack: true, onProgress: (p) => progress.push(p) },
      server.deps,
    );
    const stored = server.bundles.get(unpacked.uuid);
    const members: string[] = [];
    for await (const entry of readTar(new Blob([new Uint8Array(stored?.bytes ?? [])]).stream())) {
      members.push(`${entry.path}:${await new Response(entry.body).text()}`);
    }
    expect(members).toEqual(["data:", "data/a.txt:ay"]);
    expect(stored?.index).toMatchObject({ tar_size: stored?.bytes?.byteLength });
    expect(progress).toContainEqual({ phase: "unpacking", sent: archive.size, total: archive.size });

    const packed = await uploadItem(
      item,
      { name: "data.tgz", worksheetUuid: WORKSHEET, unpack: false, onProgress: () => undefined },
      server.deps,
    );
    expect(server.bundles.get(packed.uuid)?.bytes).toEqual(gz);
    expect(server.bundles.get(packed.uuid)?.index).toBeUndefined();
  });

  it("refuses a broken archive before any bundle exists", async () => {
    const server = fakeServer();
    const item: UploadItem = { kind: "file", name: "x.tar.gz", file: file("x.tar.gz", "plain text") };
    await expect(
      uploadItem(item, { name: "x", worksheetUuid: WORKSHEET, unpack: true, onProgress: () => undefined }, server.deps),
    ).rejects.toThrow(/^Cannot unpack x\.tar\.gz: it is not valid gzip data/);
    expect(server.bundles.size).toBe(0);
  });
});
