import { env } from "cloudflare:test";
import type { BundleJson } from "@codalab/core";
import { describe, expect, it } from "vitest";
import { api, signUpAndLogIn } from "./helpers/api.ts";
import {
  addDependency,
  type BundleBody,
  createBundle,
  diskUsed,
  type ErrorBody,
  insertWorksheet,
  PUBLIC_GROUP,
  raw,
  readyDirectoryBundle,
  readyFileBundle,
  shareBundle,
  userIdOf,
} from "./helpers/bundles.ts";

const edit = (token: string, uuid: string, body: Record<string, unknown>) =>
  api<BundleBody & ErrorBody>("PATCH", `/rest/bundles/${uuid}`, { token, body });
const remove = (token: string, body: Record<string, unknown>) =>
  api<{ deleted: string[] } & ErrorBody>("POST", "/rest/bundles/delete", { token, body });
const get = (token: string, uuid: string) => api<BundleBody & ErrorBody>("GET", `/rest/bundles/${uuid}`, { token });

async function count(sql: string, ...params: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("editing a bundle", () => {
  it("changes the standard fields and sets and removes custom keys", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await readyFileBundle(accessToken, "x", "before");
    const res = await edit(accessToken, bundle.uuid, {
      metadata: {
        name: "after",
        description: "new words",
        tags: "one two",
        license: "CC-BY",
        source_url: "https://example.org/data",
        accuracy: 0.5,
        note: "keep",
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.bundle.metadata).toMatchObject({
      name: "after",
      description: "new words",
      tags: ["one", "two"],
      license: "CC-BY",
      source_url: "https://example.org/data",
      accuracy: 0.5,
      note: "keep",
    });
    const cleared = await edit(accessToken, bundle.uuid, { metadata: { accuracy: null, license: null } });
    expect(cleared.body.bundle.metadata).not.toHaveProperty("accuracy");
    expect(cleared.body.bundle.metadata).toMatchObject({ license: null, note: "keep" });
  });

  it("keeps concurrent edits of different custom keys", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await readyFileBundle(accessToken, "x");
    await Promise.all(
      ["a", "b", "c", "d"].map((key) => edit(accessToken, bundle.uuid, { metadata: { [key]: key.toUpperCase() } })),
    );
    expect((await get(accessToken, bundle.uuid)).body.bundle.metadata).toMatchObject({
      a: "A",
      b: "B",
      c: "C",
      d: "D",
    });
  });

  it("refuses invalid names, generated fields, reserved and malformed keys, and fields of other types", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await readyFileBundle(accessToken, "x");
    const badName = await edit(accessToken, bundle.uuid, { metadata: { name: "no spaces allowed" } });
    expect(badName.status).toBe(400);
    expect(badName.body.error.code).toBe("INVALID_NAME");
    for (const [key, message] of [
      ["data_size", "computed by the server"],
      ["created", "computed by the server"],
      ["uuid", "not user metadata"],
      ["actions", "not user metadata"],
      ["bad key", "custom keys start with"],
      ["request_memory", "dataset bundles have no such field"],
    ] as const) {
      const res = await edit(accessToken, bundle.uuid, { metadata: { [key]: "1" } });
      expect(res.status, key).toBe(400);
      expect(res.body.error.message).toContain(message);
    }
    expect((await edit(accessToken, bundle.uuid, { metadata: { name: null } })).status).toBe(400);
    expect((await edit(accessToken, bundle.uuid, { metadata: { tags: [1] } })).status).toBe(400);
  });

  it("freezes only final bundles; a frozen bundle refuses every change but unfreezing", async () => {
    const { accessToken } = await signUpAndLogIn();
    const uploading = await createBundle(accessToken, { name: "busy" });
    const early = await edit(accessToken, uploading.uuid, { frozen: true });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("INVALID_STATE");

    const bundle = await readyFileBundle(accessToken, "x");
    const frozen = await edit(accessToken, bundle.uuid, { frozen: true });
    expect(frozen.body.bundle.frozen).toBeGreaterThan(0);
    const refused = await edit(accessToken, bundle.uuid, { metadata: { description: "nope" } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("FROZEN");
    expect((await edit(accessToken, bundle.uuid, { is_anonymous: true })).status).toBe(409);
    expect((await edit(accessToken, bundle.uuid, { frozen: true })).status).toBe(409);
    const deleted = await remove(accessToken, { uuids: [bundle.uuid] });
    expect(deleted.status).toBe(409);
    expect(deleted.body.error.code).toBe("FROZEN");
    const thawed = await edit(accessToken, bundle.uuid, { frozen: false, metadata: { description: "thawed" } });
    expect(thawed.body.bundle).toMatchObject({ frozen: null, metadata: { description: "thawed" } });
  });

  it("edits a run's requests, written as sizes and durations, only before it starts", async () => {
    const { accessToken } = await signUpAndLogIn();
    const uuid = `0x${crypto.randomUUID().replaceAll("-", "")}`;
    await env.DB.prepare(
      "insert into bundles (uuid, bundle_type, state, owner_id, name, command) values (?, 'run', 'created', ?, 'r', 'echo hi')",
    )
      .bind(uuid, await userIdOf(accessToken))
      .run();
    const res = await edit(accessToken, uuid, {
      metadata: {
        request_memory: "2g",
        request_time: "3h",
        request_cpus: 4,
        request_priority: -1,
        request_network: "false",
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.bundle.metadata).toMatchObject({
      request_memory: 2 * 1024 ** 3,
      request_time: 3 * 3600,
      request_cpus: 4,
      request_priority: -1,
      request_network: false,
    });
    expect((await edit(accessToken, uuid, { metadata: { request_cpus: 1.5 } })).status).toBe(400);
    expect((await edit(accessToken, uuid, { metadata: { request_memory: "lots" } })).status).toBe(400);
    await env.DB.prepare("update bundles set state = 'running' where uuid = ?").bind(uuid).run();
    const late = await edit(accessToken, uuid, { metadata: { request_memory: "1g" } });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain("before the run starts");
    expect((await edit(accessToken, uuid, { metadata: { description: "still fine" } })).status).toBe(200);
  });

  it("lets only callers with all edit: another user gets 403, anonymous callers 401", async () => {
    const owner = await signUpAndLogIn();
    const other = await signUpAndLogIn();
    const bundle = await readyFileBundle(owner.accessToken, "x");
    await shareBundle(bundle.uuid, PUBLIC_GROUP, 1);
    const res = await edit(other.accessToken, bundle.uuid, { metadata: { description: "vandal" } });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(`you do not have all permission on bundle ${bundle.uuid}`);
    expect((await api("PATCH", `/rest/bundles/${bundle.uuid}`, { body: { frozen: true } })).status).toBe(401);
  });
});

describe("deleting bundles", () => {
  it("deletes metadata and contents, giving back exactly the disk it used", async () => {
    const { accessToken } = await signUpAndLogIn();
    const keep = await readyFileBundle(accessToken, "12345");
    const bundle = await readyDirectoryBundle(accessToken, [{ type: "file", path: "a", data: "abc" }]);
    await shareBundle(bundle.uuid, PUBLIC_GROUP, 1);
    expect(await diskUsed(accessToken)).toBe(8);
    const res = await remove(accessToken, { uuids: [bundle.uuid] });
    expect(res.body).toEqual({ deleted: [bundle.uuid] });
    expect((await get(accessToken, bundle.uuid)).status).toBe(404);
    expect(await env.BUNDLES.head(`bundles/${bundle.uuid}/contents.tar`)).toBeNull();
    expect(await env.BUNDLES.head(`bundles/${bundle.uuid}/index.json`)).toBeNull();
    expect(await count("select count(*) n from group_bundle_permissions where bundle_uuid = ?", bundle.uuid)).toBe(0);
    expect(await diskUsed(accessToken)).toBe(5);
    expect((await get(accessToken, keep.uuid)).status).toBe(200);
    const again = await remove(accessToken, { uuids: [bundle.uuid] });
    expect(again.status).toBe(404);
  });

  it("refuses bundles others depend on, unless forced, or recursive which deletes the descendants", async () => {
    const { accessToken } = await signUpAndLogIn();
    const parent = await readyFileBundle(accessToken, "p");
    const child = await readyFileBundle(accessToken, "c");
    const grandchild = await readyFileBundle(accessToken, "g");
    await addDependency(child.uuid, parent.uuid, "in");
    await addDependency(grandchild.uuid, child.uuid, "in");

    const refused = await remove(accessToken, { uuids: [parent.uuid] });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain(child.uuid);
    expect(refused.body.error.message).toContain("--recursive");

    const preview = await remove(accessToken, { uuids: [parent.uuid], recursive: true, dry_run: true });
    expect(preview.body.deleted).toEqual([parent.uuid, child.uuid, grandchild.uuid]);
    expect((await get(accessToken, grandchild.uuid)).status).toBe(200);

    const forced = await remove(accessToken, { uuids: [child.uuid], force: true });
    expect(forced.body.deleted).toEqual([child.uuid]);
    const orphan = (await get(accessToken, grandchild.uuid)).body.bundle as BundleJson;
    expect(orphan.dependencies).toEqual([
      { child_path: "in", parent_uuid: child.uuid, parent_path: "", parent_name: null, parent_state: null },
    ]);
    expect(await count("select count(*) n from bundle_dependencies where child_uuid = ?", child.uuid)).toBe(0);

    const recursive = await remove(accessToken, { uuids: [parent.uuid], recursive: true });
    expect(recursive.body.deleted).toEqual([parent.uuid]);
  });

  it("refuses a recursive delete reaching another user's bundle", async () => {
    const owner = await signUpAndLogIn();
    const other = await signUpAndLogIn();
    const parent = await readyFileBundle(owner.accessToken, "p");
    const theirs = await readyFileBundle(other.accessToken, "t");
    await addDependency(theirs.uuid, parent.uuid, "in");
    const res = await remove(owner.accessToken, { uuids: [parent.uuid], recursive: true });
    expect(res.status).toBe(403);
    expect((await get(other.accessToken, theirs.uuid)).status).toBe(200);
  });

  it("refuses active bundles", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await readyFileBundle(accessToken, "x");
    await env.DB.prepare("update bundles set state = 'running' where uuid = ?").bind(bundle.uuid).run();
    const res = await remove(accessToken, { uuids: [bundle.uuid] });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("INVALID_STATE");
    expect(res.body.error.message).toContain("kill");
  });

  it("refuses bundles on a frozen worksheet, and on several worksheets unless forced", async () => {
    const { accessToken } = await signUpAndLogIn();
    const me = await userIdOf(accessToken);
    const frozen = await insertWorksheet(me, { frozen: true });
    const onFrozen = await readyFileBundle(accessToken, "x");
    await env.DB.prepare(
      "insert into worksheet_items (worksheet_uuid, type, bundle_uuid, sort_key) values (?, 'bundle', ?, 1)",
    )
      .bind(frozen, onFrozen.uuid)
      .run();
    const blocked = await remove(accessToken, { uuids: [onFrozen.uuid], force: true });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe("FROZEN");

    const first = await insertWorksheet(me);
    const second = await insertWorksheet(me);
    const shared = await createBundle(accessToken, { name: "twice" }, { worksheet_uuid: first });
    await env.DB.prepare(
      "insert into worksheet_items (worksheet_uuid, type, bundle_uuid, sort_key) values (?, 'bundle', ?, 1)",
    )
      .bind(second, shared.uuid)
      .run();
    const twice = await remove(accessToken, { uuids: [shared.uuid] });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toContain("several worksheets");
    const versionBefore = await count("select version n from worksheets where uuid = ?", first);
    expect((await remove(accessToken, { uuids: [shared.uuid], force: true })).body.deleted).toEqual([shared.uuid]);
    expect(await count("select count(*) n from worksheet_items where bundle_uuid = ?", shared.uuid)).toBe(0);
    expect(await count("select version n from worksheets where uuid = ?", first)).toBe(versionBefore + 1);
  });

  it("with data_only keeps the metadata, drops the contents and the disk charge once", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await readyFileBundle(accessToken, "0123456789");
    expect(await diskUsed(accessToken)).toBe(10);
    const res = await remove(accessToken, { uuids: [bundle.uuid], data_only: true });
    expect(res.body.deleted).toEqual([bundle.uuid]);
    const after = (await get(accessToken, bundle.uuid)).body.bundle;
    expect(after).toMatchObject({ state: "ready", is_dir: null, data_size: 10 });
    const blob = await raw("GET", `/rest/bundles/${bundle.uuid}/contents/blob/`, { token: accessToken });
    expect(blob.status).toBe(404);
    expect(JSON.parse(blob.text).error.message).toContain("they were deleted");
    expect(await diskUsed(accessToken)).toBe(0);
    await remove(accessToken, { uuids: [bundle.uuid] });
    expect(await diskUsed(accessToken)).toBe(0);
  });

  it("with dry_run deletes nothing", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await readyFileBundle(accessToken, "x");
    expect((await remove(accessToken, { uuids: [bundle.uuid], dry_run: true })).body.deleted).toEqual([bundle.uuid]);
    expect((await get(accessToken, bundle.uuid)).status).toBe(200);
    expect(await diskUsed(accessToken)).toBe(1);
  });

  it("deletes a bundle whose upload is still in progress", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await createBundle(accessToken, { name: "half" });
    await api("POST", `/rest/bundles/${bundle.uuid}/upload`, {
      token: accessToken,
      body: { kind: "file", size: 12 * 1024 * 1024, part_size: 5 * 1024 * 1024 },
    });
    expect((await remove(accessToken, { uuids: [bundle.uuid] })).status).toBe(200);
    expect(await count("select count(*) n from bundle_uploads where bundle_uuid = ?", bundle.uuid)).toBe(0);
  });

  it("refuses another user's bundle with 403 and unknown ones with 404", async () => {
    const owner = await signUpAndLogIn();
    const other = await signUpAndLogIn();
    const bundle = await readyFileBundle(owner.accessToken, "x");
    await shareBundle(bundle.uuid, PUBLIC_GROUP, 1);
    const res = await remove(other.accessToken, { uuids: [bundle.uuid] });
    expect(res.status).toBe(403);
    expect((await get(owner.accessToken, bundle.uuid)).status).toBe(200);
    expect((await remove(owner.accessToken, { uuids: [`0x${"e".repeat(32)}`] })).status).toBe(404);
    expect((await remove(owner.accessToken, { uuids: ["0x123"] })).status).toBe(400);
  });
});
