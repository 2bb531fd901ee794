import { describe, expect, it } from "vitest";
import type { FetchLike } from "../api/api-client.ts";
import { createFakeBundleServer, FAKE_ADDRESS } from "../testing/fake-bundle-server.ts";
import { createTestClient } from "../testing/test-context.ts";
import { createMemoryResumeStore, type ResumeRecord } from "./resume-store.ts";
import { DEFAULT_PART_SIZE, uploadBundle } from "./upload-bundle.ts";
import { contentsSource, digest } from "./upload-source.ts";

/** A fake server whose answers a test may intercept: `intercept` sees each request first. */
function setup(intercept: (method: string, path: string) => Response | undefined = () => undefined) {
  const server = createFakeBundleServer();
  const fetch: FetchLike = async (url, init) =>
    intercept(init.method ?? "GET", new URL(url).pathname) ?? server.fetch(url, init);
  const { ctx } = createTestClient({ fetch, env: { CODALAB_USERNAME: "admin", CODALAB_PASSWORD: "admin-password" } });
  return { server, client: ctx.client(FAKE_ADDRESS), resume: createMemoryResumeStore() };
}

const failure = (status: number, code: string) =>
  new Response(JSON.stringify({ error: { code, message: `${code.toLowerCase()} happened` } }), { status });

const METADATA = { name: "x" };

describe("uploadBundle", () => {
  it("keeps the resume record after a transient failure and then completes the same bundle", async () => {
    let failures = 1;
    const { server, client, resume } = setup((method, path) => {
      if (method === "POST" && path.endsWith("/upload/complete") && failures > 0) {
        failures -= 1;
        return failure(503, "UNAVAILABLE");
      }
      return undefined;
    });
    const source = contentsSource("hello");
    await expect(uploadBundle({ client, source, metadata: METADATA, resume })).rejects.toThrow(
      /^upload of 0x[0-9a-f]+ interrupted: unavailable happened$/,
    );
    expect(resume.records.size).toBe(1);
    const bundle = await uploadBundle({ client, source, metadata: METADATA, resume });
    expect(bundle.state).toBe("ready");
    expect(server.bundles.size).toBe(1);
    expect(resume.records.size).toBe(0);
    // Nothing left to send the second time: the one part had arrived.
    expect(server.calls.filter((call) => call.startsWith("PUT"))).toHaveLength(1);
  });

  it("finishes at once when the recorded upload had completed, and starts over when its bundle is gone", async () => {
    const { server, client, resume } = setup();
    const source = contentsSource("abc");
    const done = await uploadBundle({ client, source, metadata: METADATA, resume });
    const key = digest([FAKE_ADDRESS, "file", 3, source.fingerprint, METADATA, DEFAULT_PART_SIZE]);
    const record: ResumeRecord = {
      version: 1,
      address: FAKE_ADDRESS,
      bundle_uuid: done.uuid,
      kind: "file",
      size: 3,
      part_size: DEFAULT_PART_SIZE,
      saved_at: 0,
    };
    await resume.save(key, record);
    expect((await uploadBundle({ client, source, metadata: METADATA, resume })).uuid).toBe(done.uuid);
    expect(server.bundles.size).toBe(1);
    expect(resume.records.size).toBe(0);

    server.bundles.delete(done.uuid);
    await resume.save(key, record);
    const fresh = await uploadBundle({ client, source, metadata: METADATA, resume });
    expect(fresh.uuid).not.toBe(done.uuid);
    expect(resume.records.size).toBe(0);
  });

  it("abandons the upload when the server refuses a part for good", async () => {
    const { server, client, resume } = setup((method) =>
      method === "PUT" ? failure(413, "PAYLOAD_TOO_LARGE") : undefined,
    );
    await expect(uploadBundle({ client, source: contentsSource("x"), metadata: METADATA, resume })).rejects.toThrow(
      "payload_too_large happened",
    );
    expect(resume.records.size).toBe(0);
    expect([...server.bundles.values()].map((bundle) => bundle.state)).toEqual(["failed"]);
  });

  it("uploads an empty file as one empty part", async () => {
    const { server, client } = setup();
    const bundle = await uploadBundle({ client, source: contentsSource(""), metadata: METADATA, resume: undefined });
    expect(bundle.data_size).toBe(0);
    expect(server.calls.filter((call) => call.startsWith("PUT"))).toHaveLength(1);
  });

  it("refuses a part plan that does not cover the upload", async () => {
    const { client } = setup((method, path) =>
      method === "POST" && path.endsWith("/upload")
        ? new Response(JSON.stringify({ kind: "file", size: 10, part_size: 3, part_count: 2, received: [] }))
        : undefined,
    );
    await expect(
      uploadBundle({ client, source: contentsSource("0123456789"), metadata: METADATA, resume: undefined }),
    ).rejects.toThrow("the server planned 2 parts of 3 bytes for 10 bytes");
  });
});
