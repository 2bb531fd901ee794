import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, signUpAndLogIn } from "./helpers/api.ts";
import {
  type BundleBody,
  buildTar,
  createBundle,
  diskUsed,
  type ErrorBody,
  raw,
  sendPart,
  uploadBytes,
  userIdOf,
} from "./helpers/bundles.ts";

const MiB = 1024 * 1024;
type Status = { kind: string; size: number; part_size: number; part_count: number; received: number[] };

function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 7 + (i >> 11)) & 0xff;
  return bytes;
}

const start = (token: string, uuid: string, body: Record<string, unknown>) =>
  api<Status & ErrorBody>("POST", `/rest/bundles/${uuid}/upload`, { token, body });
const complete = (token: string, uuid: string, body: Record<string, unknown> = {}) =>
  api<BundleBody & ErrorBody>("POST", `/rest/bundles/${uuid}/upload/complete`, { token, body });
const getBundle = (token: string, uuid: string) =>
  api<BundleBody & ErrorBody>("GET", `/rest/bundles/${uuid}`, { token });

describe("creating a bundle", () => {
  it("creates a dataset in state uploading, owned by the caller, with the metadata given", async () => {
    const { accessToken, userName } = await signUpAndLogIn();
    const bundle = await createBundle(accessToken, {
      name: "hello",
      description: "greeting",
      tags: ["a", "b"],
      license: "MIT",
      source_url: "https://example.org",
    });
    expect(bundle).toMatchObject({
      state: "uploading",
      bundle_type: "dataset",
      owner_name: userName,
      is_dir: null,
      data_size: null,
      frozen: null,
      is_anonymous: false,
      permission: "all",
      dependencies: [],
    });
    expect(bundle.uuid).toMatch(/^0x[0-9a-f]{32}$/);
    expect(bundle.metadata).toMatchObject({
      name: "hello",
      description: "greeting",
      tags: ["a", "b"],
      license: "MIT",
      source_url: "https://example.org",
    });
  });

  it("refuses a name outside CodaLab's name rule with 400 INVALID_NAME", async () => {
    const { accessToken } = await signUpAndLogIn();
    for (const name of ["", "9lives", "has space", "a/b", "-x"]) {
      const res = await api<ErrorBody>("POST", "/rest/bundles", { token: accessToken, body: { metadata: { name } } });
      expect(res.status, name).toBe(400);
      expect(res.body.error.code).toBe("INVALID_NAME");
    }
  });

  it("refuses generated fields and other bundle types at creation", async () => {
    const { accessToken } = await signUpAndLogIn();
    const generated = await api<ErrorBody>("POST", "/rest/bundles", {
      token: accessToken,
      body: { metadata: { name: "x", data_size: 1 } },
    });
    expect(generated.status).toBe(400);
    const run = await api<ErrorBody>("POST", "/rest/bundles", {
      token: accessToken,
      body: { bundle_type: "run", metadata: { name: "x" } },
    });
    expect(run.status).toBe(400);
  });

  it("asks anonymous callers to log in", async () => {
    const res = await api<ErrorBody>("POST", "/rest/bundles", { body: { metadata: { name: "x" } } });
    expect(res.status).toBe(401);
  });
});

describe("uploading a file bundle", () => {
  it("makes the bundle ready with its size, charges the disk quota and serves the bytes back", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await createBundle(accessToken, { name: "hello" });
    const done = await uploadBytes(accessToken, bundle.uuid, new TextEncoder().encode("hello world\n"));
    expect(done.status).toBe(200);
    expect(done.body.bundle).toMatchObject({ state: "ready", is_dir: false, data_size: 12 });
    expect(done.body.bundle.metadata.data_size).toBe(12);
    expect(await diskUsed(accessToken)).toBe(12);
    const blob = await raw("GET", `/rest/bundles/${bundle.uuid}/contents/blob/`, { token: accessToken });
    expect(blob.text).toBe("hello world\n");
  });

  it("accepts an empty file", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await createBundle(accessToken, { name: "empty" });
    const done = await uploadBytes(accessToken, bundle.uuid, new Uint8Array(0));
    expect(done.status).toBe(200);
    expect(done.body.bundle).toMatchObject({ state: "ready", data_size: 0 });
    const blob = await raw("GET", `/rest/bundles/${bundle.uuid}/contents/blob/`, { token: accessToken });
    expect(blob.status).toBe(200);
    expect(blob.bytes.byteLength).toBe(0);
  });

  it("uploads in equal parts of at least 5 MiB, sent in parallel, and reassembles them exactly", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await createBundle(accessToken, { name: "big" });
    const bytes = pattern(11 * MiB + 123);
    const started = await start(accessToken, bundle.uuid, { kind: "file", size: bytes.byteLength, part_size: 5 * MiB });
    expect(started.body).toEqual({
      kind: "file",
      size: bytes.byteLength,
      part_size: 5 * MiB,
      part_count: 3,
      received: [],
    });
    const sent = await Promise.all(
      [1, 2, 3].map((n) => sendPart(accessToken, bundle.uuid, n, bytes.subarray((n - 1) * 5 * MiB, n * 5 * MiB))),
    );
    expect(sent.map((res) => res.status)).toEqual([200, 200, 200]);
    expect(sent[2]?.body).toEqual({ part_number: 3, size: MiB + 123 });
    const status = await api<Status>("GET", `/rest/bundles/${bundle.uuid}/upload`, { token: accessToken });
    expect(status.body.received).toEqual([1, 2, 3]);
    const done = await complete(accessToken, bundle.uuid);
    expect(done.body.bundle).toMatchObject({ state: "ready", data_size: bytes.byteLength });
    const across = await raw("GET", `/rest/bundles/${bundle.uuid}/contents/blob/`, {
      token: accessToken,
      headers: { range: `bytes=${5 * MiB - 2}-${5 * MiB + 1}` },
    });
    expect([...across.bytes]).toEqual([...bytes.subarray(5 * MiB - 2, 5 * MiB + 2)]);
    const whole = await raw("GET", `/rest/bundles/${bundle.uuid}/contents/blob/`, { token: accessToken });
    expect(whole.bytes.byteLength).toBe(bytes.byteLength);
    expect(whole.bytes.every((byte, i) => byte === bytes[i])).toBe(true);
  });

  it("keeps an interrupted upload uploading, never ready, and resumes from the parts that arrived", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await createBundle(accessToken, { name: "resumed" });
    const bytes = pattern(10 * MiB + 5);
    const declared = { kind: "file", size: bytes.byteLength, part_size: 5 * MiB };
    await start(accessToken, bundle.uuid, declared);
    await sendPart(accessToken, bundle.uuid, 2, bytes.subarray(5 * MiB, 10 * MiB));
    // The client dies here. The bundle must not look finished.
    expect((await getBundle(accessToken, bundle.uuid)).body.bundle.state).toBe("uploading");
    const early = await complete(accessToken, bundle.uuid);
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain("2 of 3 parts have not arrived (1, 3)");
    expect((await getBundle(accessToken, bundle.uuid)).body.bundle.state).toBe("uploading");
    // A new client asks what arrived and sends the rest.
    const resumed = await start(accessToken, bundle.uuid, declared);
    expect(resumed.body.received).toEqual([2]);
    await sendPart(accessToken, bundle.uuid, 1, bytes.subarray(0, 5 * MiB));
    await sendPart(accessToken, bundle.uuid, 3, bytes.subarray(10 * MiB));
    const done = await complete(accessToken, bundle.uuid);
    expect(done.body.bundle.state).toBe("ready");
    const tail = await raw("GET", `/rest/bundles/${bundle.uuid}/contents/blob/`, {
      token: accessToken,
      headers: { range: "bytes=-5" },
    });
    expect([...tail.bytes]).toEqual([...bytes.subarray(-5)]);
  });

  it("replaces an unfinished upload when the client declares a different one", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await createBundle(accessToken, { name: "again" });
    await start(accessToken, bundle.uuid, { kind: "file", size: 3 });
    await sendPart(accessToken, bundle.uuid, 1, new TextEncoder().encode("old"));
    const restarted = await start(accessToken, bundle.uuid, { kind: "file", size: 5 });
    expect(restarted.body.received).toEqual([]);
    await sendPart(accessToken, bundle.uuid, 1, new TextEncoder().encode("newer"));
    expect((await complete(accessToken, bundle.uuid)).body.bundle.data_size).toBe(5);
  });

  it("refuses parts of the wrong size or number, naming what it expected", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await createBundle(accessToken, { name: "strict" });
    await start(accessToken, bundle.uuid, { kind: "file", size: 4 });
    const wrongSize = await sendPart(accessToken, bundle.uuid, 1, new TextEncoder().encode("abc"));
    expect(wrongSize.status).toBe(400);
    expect(wrongSize.body.error?.message).toBe("part 1 must be exactly 4 bytes (Content-Length says 3)");
    const wrongNumber = await sendPart(accessToken, bundle.uuid, 2, new TextEncoder().encode("abcd"));
    expect(wrongNumber.status).toBe(400);
    expect(wrongNumber.body.error?.message).toContain("this upload has parts 1 to 1");
    const zero = await sendPart(accessToken, bundle.uuid, 0, new TextEncoder().encode("abcd"));
    expect(zero.status).toBe(400);
  });

  it("refuses a part before the upload started, and part sizes R2 cannot take", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await createBundle(accessToken, { name: "early" });
    const part = await sendPart(accessToken, bundle.uuid, 1, new TextEncoder().encode("x"));
    expect(part.status).toBe(409);
    expect(part.body.error?.message).toContain("start one with POST");
    const small = await start(accessToken, bundle.uuid, { kind: "file", size: 20 * MiB, part_size: MiB });
    expect(small.status).toBe(400);
    expect(small.body.error.code).toBe("VALIDATION_FAILED");
    const status = await api<ErrorBody>("GET", `/rest/bundles/${bundle.uuid}/upload`, { token: accessToken });
    expect(status.status).toBe(404);
  });

  it("never uploads again into a bundle in a final state", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await createBundle(accessToken, { name: "final" });
    await uploadBytes(accessToken, bundle.uuid, new TextEncoder().encode("done"));
    const again = await start(accessToken, bundle.uuid, { kind: "file", size: 4 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("INVALID_STATE");
    expect(again.body.error.message).toContain("a bundle in a final state can never be uploaded again");
    const part = await sendPart(accessToken, bundle.uuid, 1, new TextEncoder().encode("evil"));
    expect(part.status).toBe(409);
    const completed = await complete(accessToken, bundle.uuid);
    expect(completed.status).toBe(409);
    expect((await raw("GET", `/rest/bundles/${bundle.uuid}/contents/blob/`, { token: accessToken })).text).toBe("done");
  });

  it("lets the client abandon an upload: the bundle fails and its parts are dropped", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await createBundle(accessToken, { name: "dropped" });
    await start(accessToken, bundle.uuid, { kind: "file", size: 3 });
    await sendPart(accessToken, bundle.uuid, 1, new TextEncoder().encode("abc"));
    const res = await api<BundleBody>("DELETE", `/rest/bundles/${bundle.uuid}/upload`, { token: accessToken });
    expect(res.body.bundle).toMatchObject({ state: "failed", state_details: "the upload was abandoned" });
    expect(await env.BUNDLES.head(`bundles/${bundle.uuid}/contents`)).toBeNull();
    expect((await api("DELETE", `/rest/bundles/${bundle.uuid}/upload`, { token: accessToken })).status).toBe(409);
  });
});

describe("uploading a directory bundle", () => {
  it("stores the tar and its index, and counts the files' bytes as the data size", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await createBundle(accessToken, { name: "dir" });
    const { tar, index } = await buildTar([
      { type: "directory", path: "sub" },
      { type: "file", path: "sub/a.txt", data: "aaa" },
      { type: "file", path: "b.txt", data: "bb" },
    ]);
    const done = await uploadBytes(accessToken, bundle.uuid, tar, { kind: "directory", index });
    expect(done.status).toBe(200);
    expect(done.body.bundle).toMatchObject({ state: "ready", is_dir: true, data_size: 5 });
    expect(await env.BUNDLES.head(`bundles/${bundle.uuid}/index.json`)).not.toBeNull();
    expect(await diskUsed(accessToken)).toBe(5);
  });

  it("asks for the index without failing the bundle when it is missing or malformed", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await createBundle(accessToken, { name: "noindex" });
    const { tar, index } = await buildTar([{ type: "file", path: "a", data: "a" }]);
    await start(accessToken, bundle.uuid, { kind: "directory", size: tar.byteLength });
    await sendPart(accessToken, bundle.uuid, 1, tar);
    const missing = await complete(accessToken, bundle.uuid);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("index is required");
    const escaping = { ...index, entries: index.entries.map((entry) => ({ ...entry, path: "../evil" })) };
    const malformed = await complete(accessToken, bundle.uuid, { index: escaping });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("VALIDATION_FAILED");
    expect((await getBundle(accessToken, bundle.uuid)).body.bundle.state).toBe("uploading");
    expect((await complete(accessToken, bundle.uuid, { index })).body.bundle.state).toBe("ready");
  });

  it("fails the bundle and deletes what it wrote when the index's tar size does not match", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await createBundle(accessToken, { name: "mismatch" });
    const { tar, index } = await buildTar([{ type: "file", path: "a", data: "a" }]);
    const done = await uploadBytes(accessToken, bundle.uuid, tar, {
      kind: "directory",
      index: { ...index, tar_size: index.tar_size + 512 },
    });
    expect(done.status).toBe(400);
    expect(done.body.error.code).toBe("INVALID_ARCHIVE");
    expect(done.body.error.message).toContain(`the index says the tar has ${index.tar_size + 512} bytes`);
    const after = (await getBundle(accessToken, bundle.uuid)).body.bundle;
    expect(after).toMatchObject({ state: "failed", is_dir: null, data_size: null });
    expect(after.state_details).toContain("the index says");
    expect(await env.BUNDLES.head(`bundles/${bundle.uuid}/contents.tar`)).toBeNull();
    expect(await diskUsed(accessToken)).toBe(0);
  });
});

describe("disk quota", () => {
  async function withQuota(quota: number) {
    const user = await signUpAndLogIn();
    await env.DB.prepare("update users set disk_quota = ? where id = ?")
      .bind(quota, await userIdOf(user.accessToken))
      .run();
    return user.accessToken;
  }

  it("refuses to start a file upload that cannot fit", async () => {
    const token = await withQuota(20);
    const bundle = await createBundle(token, { name: "huge" });
    const res = await start(token, bundle.uuid, { kind: "file", size: 21 });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("QUOTA_EXCEEDED");
    expect((await getBundle(token, bundle.uuid)).body.bundle.state).toBe("uploading");
  });

  it("fails an upload that goes over the quota at completion, frees what it wrote and charges nothing", async () => {
    const token = await withQuota(20);
    const first = await createBundle(token, { name: "first" });
    const second = await createBundle(token, { name: "second" });
    for (const bundle of [first, second]) {
      await start(token, bundle.uuid, { kind: "file", size: 15 });
      await sendPart(token, bundle.uuid, 1, pattern(15));
    }
    expect((await complete(token, first.uuid)).body.bundle.state).toBe("ready");
    const over = await complete(token, second.uuid);
    expect(over.status).toBe(403);
    expect(over.body.error.code).toBe("QUOTA_EXCEEDED");
    expect((await getBundle(token, second.uuid)).body.bundle).toMatchObject({ state: "failed", data_size: null });
    expect(await env.BUNDLES.head(`bundles/${second.uuid}/contents`)).toBeNull();
    expect(await diskUsed(token)).toBe(15);
  });

  it("refuses new bundles once the quota is used up", async () => {
    const token = await withQuota(4);
    await uploadBytes(token, (await createBundle(token, { name: "fill" })).uuid, pattern(4));
    const res = await api<ErrorBody>("POST", "/rest/bundles", { token, body: { metadata: { name: "more" } } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("QUOTA_EXCEEDED");
  });
});

describe("the OpenAPI document", () => {
  it("describes every bundle endpoint", async () => {
    const res = await api<{ paths: Record<string, Record<string, unknown>> }>("GET", "/rest/openapi.json");
    expect(res.status).toBe(200);
    const paths = res.body.paths;
    expect(Object.keys(paths["/rest/bundles"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(paths["/rest/bundles/{uuid}"] ?? {}).sort()).toEqual(["get", "patch"]);
    expect(paths["/rest/bundles/delete"]).toHaveProperty("post");
    expect(Object.keys(paths["/rest/bundles/{uuid}/upload"] ?? {}).sort()).toEqual(["delete", "get", "post"]);
    expect(paths["/rest/bundles/{uuid}/upload/parts/{n}"]).toHaveProperty("put");
    expect(paths["/rest/bundles/{uuid}/upload/complete"]).toHaveProperty("post");
    expect(paths["/rest/bundles/{uuid}/contents/info/{path}"]).toHaveProperty("get");
    expect(paths["/rest/bundles/{uuid}/contents/blob/{path}"]).toHaveProperty("get");
  });
});
