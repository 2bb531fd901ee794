/** cl perm, cl wperm and cl chown through the API: who may change what, and every bad input. */
import { env } from "cloudflare:test";
import type { BundleJson, PermissionChangeResponse } from "@codalab/core";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "./helpers/api.ts";
import { createBundle, diskUsed, PUBLIC_GROUP, readyFileBundle } from "./helpers/bundles.ts";
import { addMember, adminToken, createGroup, type ErrorBody, newUser } from "./helpers/groups.ts";
import { createWorksheet } from "./helpers/worksheets.ts";

type Account = Awaited<ReturnType<typeof newUser>>;
type BundleBody = { bundle: BundleJson };
let owner: Account;
let reader: Account;
let writer: Account;
let stranger: Account;
let readers: string;
let writers: string;

beforeAll(async () => {
  [owner, reader, writer, stranger] = await Promise.all([
    newUser("owner"),
    newUser("reader"),
    newUser("writer"),
    newUser("stranger"),
  ]);
  readers = (await createGroup(owner.token)).uuid;
  writers = (await createGroup(owner.token)).uuid;
  await addMember(owner.token, readers, reader.userName);
  await addMember(owner.token, writers, writer.userName);
});

const perm = (token: string | undefined, uuids: string[], group: string, permission: string) =>
  api<PermissionChangeResponse & ErrorBody>("POST", "/rest/bundles/permissions", {
    token,
    body: { uuids, group, permission },
  });
const wperm = (token: string | undefined, uuid: string, group: string, permission: string) =>
  api<PermissionChangeResponse & ErrorBody>("POST", `/rest/worksheets/${uuid}/permissions`, {
    token,
    body: { group, permission },
  });
const chown = (token: string | undefined, uuids: string[], user: string) =>
  api<{ owner: { id: string; user_name: string }; uuids: string[] } & ErrorBody>("POST", "/rest/bundles/owner", {
    token,
    body: { uuids, user },
  });
const groupRows = async (uuid: string) =>
  (
    await env.DB.prepare("select group_uuid, permission from group_bundle_permissions where bundle_uuid = ?")
      .bind(uuid)
      .all<{ group_uuid: string; permission: number }>()
  ).results;

describe("setting a group's permission on bundles (cl perm)", () => {
  it("shares with a group by name and withdraws with none, in every spelling", async () => {
    const bundle = await readyFileBundle(owner.token, "data", "shared");
    expect((await api("GET", `/rest/bundles/${bundle.uuid}`, { token: reader.token })).status).toBe(403);
    const readersName = (
      await api<{ group: { name: string } }>("GET", `/rest/groups/${readers}`, { token: owner.token })
    ).body.group.name;
    const shared = await perm(owner.token, [bundle.uuid], readersName, "r");
    expect(shared.status).toBe(200);
    expect(shared.body).toEqual({
      group: { uuid: readers, name: readersName },
      permission: "read",
      uuids: [bundle.uuid],
    });
    const seen = await api<BundleBody>("GET", `/rest/bundles/${bundle.uuid}?include=group_permissions`, {
      token: reader.token,
    });
    expect(seen.body.bundle.permission).toBe("read");
    expect(seen.body.bundle.group_permissions).toEqual([
      { group_uuid: readers, group_name: readersName, permission: "read" },
    ]);
    expect((await perm(owner.token, [bundle.uuid], readers, "ALL")).body.permission).toBe("all");
    expect(await groupRows(bundle.uuid)).toEqual([{ group_uuid: readers, permission: 2 }]);
    expect((await perm(owner.token, [bundle.uuid], readers, "n")).status).toBe(200);
    expect(await groupRows(bundle.uuid)).toEqual([]);
    expect((await api("GET", `/rest/bundles/${bundle.uuid}`, { token: reader.token })).status).toBe(403);
  });

  it("lets a group member with all share the bundle further, but not one with read", async () => {
    const bundle = await readyFileBundle(owner.token, "data", "delegated");
    await perm(owner.token, [bundle.uuid], readers, "read");
    await perm(owner.token, [bundle.uuid], writers, "all");
    expect((await perm(writer.token, [bundle.uuid], PUBLIC_GROUP, "read")).status).toBe(200);
    const refused = await perm(reader.token, [bundle.uuid], readers, "all");
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(`you do not have all permission on bundle ${bundle.uuid}`);
  });

  it("refuses a stranger and an anonymous caller, changing nothing", async () => {
    const bundle = await readyFileBundle(owner.token, "secret", "private");
    const refused = await perm(stranger.token, [bundle.uuid], "public", "read");
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: "FORBIDDEN",
      message: `you do not have all permission on bundle ${bundle.uuid}`,
    });
    expect((await perm(undefined, [bundle.uuid], "public", "read")).status).toBe(401);
    expect(await groupRows(bundle.uuid)).toEqual([]);
  });

  it("changes nothing when one of several bundles cannot be changed", async () => {
    const mine = await readyFileBundle(stranger.token, "mine", "mine");
    const theirs = await readyFileBundle(owner.token, "theirs", "theirs");
    expect((await perm(stranger.token, [mine.uuid, theirs.uuid], "public", "read")).status).toBe(403);
    expect(await groupRows(mine.uuid)).toEqual([]);
  });

  it("refuses a permission that is not none, read or all (or n, r, a)", async () => {
    const bundle = await readyFileBundle(owner.token, "data", "strict");
    for (const permission of ["write", "", "2", "rw"]) {
      const res = await perm(owner.token, [bundle.uuid], readers, permission);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: "VALIDATION_FAILED",
        message: `invalid permission ${JSON.stringify(permission)}: use n/none, r/read or a/all`,
      });
    }
    expect(await groupRows(bundle.uuid)).toEqual([]);
  });

  it("refuses frozen bundles, unknown groups and unknown bundles", async () => {
    const bundle = await readyFileBundle(owner.token, "data", "frozen");
    await api("PATCH", `/rest/bundles/${bundle.uuid}`, { token: owner.token, body: { frozen: true } });
    const frozen = await perm(owner.token, [bundle.uuid], readers, "read");
    expect(frozen.status).toBe(409);
    expect(frozen.body.error.code).toBe("FROZEN");
    const fresh = await readyFileBundle(owner.token, "data", "fresh");
    const noGroup = await perm(owner.token, [fresh.uuid], "no_such_group_at_all", "read");
    expect(noGroup.status).toBe(404);
    expect(noGroup.body.error.message).toBe('no group matches "no_such_group_at_all"');
    const missing = `0x${"f".repeat(32)}`;
    expect((await perm(owner.token, [missing], readers, "read")).status).toBe(404);
    expect((await perm(owner.token, ["not-a-uuid"], readers, "read")).status).toBe(400);
  });
});

describe("setting a group's permission on worksheets (cl wperm)", () => {
  it("makes new worksheets public-readable, and shares or hides them per group", async () => {
    const worksheet = await createWorksheet(owner.token);
    expect(worksheet.group_permissions).toEqual([
      { group_uuid: PUBLIC_GROUP, group_name: "public", permission: "read" },
    ]);
    expect((await wperm(owner.token, worksheet.uuid, "public", "none")).status).toBe(200);
    expect((await api("GET", `/rest/worksheets/${worksheet.uuid}`, { token: reader.token })).status).toBe(403);
    const shared = await wperm(owner.token, worksheet.uuid, readers, "read");
    expect(shared.body).toMatchObject({ permission: "read", uuids: [worksheet.uuid] });
    expect((await api("GET", `/rest/worksheets/${worksheet.uuid}`, { token: reader.token })).status).toBe(200);
    expect((await api("GET", `/rest/worksheets/${worksheet.uuid}`, { token: stranger.token })).status).toBe(403);
  });

  it("gives bundles created on a worksheet a copy of its group permissions", async () => {
    const worksheet = await createWorksheet(owner.token);
    await wperm(owner.token, worksheet.uuid, writers, "all");
    const bundle = await createBundle(owner.token, { name: "hosted" }, { worksheet_uuid: worksheet.uuid });
    expect((await groupRows(bundle.uuid)).sort((a, b) => a.group_uuid.localeCompare(b.group_uuid))).toEqual(
      [
        { group_uuid: PUBLIC_GROUP, permission: 1 },
        { group_uuid: writers, permission: 2 },
      ].sort((a, b) => a.group_uuid.localeCompare(b.group_uuid)),
    );
    // A snapshot: changing the worksheet later leaves the bundle as it was.
    await wperm(owner.token, worksheet.uuid, writers, "none");
    expect(await groupRows(bundle.uuid)).toContainEqual({ group_uuid: writers, permission: 2 });
  });

  it("refuses readers, strangers, bad permissions and frozen worksheets", async () => {
    const worksheet = await createWorksheet(owner.token);
    const byReader = await wperm(reader.token, worksheet.uuid, readers, "all");
    expect(byReader.status).toBe(403);
    expect(byReader.body.error.message).toBe(`you do not have all permission on worksheet ${worksheet.uuid}`);
    expect((await wperm(stranger.token, worksheet.uuid, "public", "all")).status).toBe(403);
    const bad = await wperm(owner.token, worksheet.uuid, readers, "everything");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('invalid permission "everything": use n/none, r/read or a/all');
    await api("PATCH", `/rest/worksheets/${worksheet.uuid}`, { token: owner.token, body: { frozen: true } });
    const frozen = await wperm(owner.token, worksheet.uuid, readers, "read");
    expect(frozen.status).toBe(409);
    expect(frozen.body.error.code).toBe("FROZEN");
  });
});

describe("giving bundles to another user (cl chown)", () => {
  it("moves the bundles and their disk usage to the new owner", async () => {
    const giver = await newUser("giver");
    const taker = await newUser("taker");
    const bundle = await readyFileBundle(giver.token, "twelve bytes", "gift");
    const before = { giver: await diskUsed(giver.token), taker: await diskUsed(taker.token) };
    const res = await chown(giver.token, [bundle.uuid], taker.userName);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ owner: { id: taker.id, user_name: taker.userName }, uuids: [bundle.uuid] });
    const seen = await api<BundleBody>("GET", `/rest/bundles/${bundle.uuid}`, { token: taker.token });
    expect(seen.body.bundle).toMatchObject({ owner_id: taker.id, permission: "all" });
    expect(await diskUsed(giver.token)).toBe(before.giver - 12);
    expect(await diskUsed(taker.token)).toBe(before.taker + 12);
    // The giver no longer has any right to it.
    expect((await api("GET", `/rest/bundles/${bundle.uuid}`, { token: giver.token })).status).toBe(403);
  });

  it("refuses a user that does not exist, changing nothing", async () => {
    const bundle = await readyFileBundle(owner.token, "data", "kept");
    const res = await chown(owner.token, [bundle.uuid], "no_such_user_anywhere");
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      code: "NOT_FOUND",
      message: 'no user matches "no_such_user_anywhere"',
    });
    const seen = await api<BundleBody>("GET", `/rest/bundles/${bundle.uuid}`, { token: owner.token });
    expect(seen.body.bundle.owner_id).toBe(owner.id);
  });

  it("refuses bundles the caller cannot manage, and frozen ones", async () => {
    const bundle = await readyFileBundle(owner.token, "data", "coveted");
    await perm(owner.token, [bundle.uuid], readers, "read");
    for (const thief of [stranger, reader]) {
      const res = await chown(thief.token, [bundle.uuid], thief.userName);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(`you do not have all permission on bundle ${bundle.uuid}`);
    }
    expect((await chown(await adminToken(), [bundle.uuid], owner.userName)).status).toBe(200);
    await api("PATCH", `/rest/bundles/${bundle.uuid}`, { token: owner.token, body: { frozen: true } });
    const frozen = await chown(owner.token, [bundle.uuid], reader.userName);
    expect(frozen.status).toBe(409);
    expect(frozen.body.error.code).toBe("FROZEN");
  });
});
