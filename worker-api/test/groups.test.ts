import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, uniqueName } from "./helpers/api.ts";
import { PUBLIC_GROUP, readyFileBundle, shareBundle } from "./helpers/bundles.ts";
import { addMember, adminToken, createGroup, type ErrorBody, type GroupBody, newUser } from "./helpers/groups.ts";

type Account = Awaited<ReturnType<typeof newUser>>;
let owner: Account;
let helper: Account;
let member: Account;
let stranger: Account;

beforeAll(async () => {
  [owner, helper, member, stranger] = await Promise.all([
    newUser("owner"),
    newUser("helper"),
    newUser("member"),
    newUser("stranger"),
  ]);
});

const memberRoles = (body: GroupBody) => body.group.members?.map((m) => [m.user_name, m.role]);

describe("creating groups (cl gnew)", () => {
  it("makes the creator its owner, listed as such", async () => {
    const name = uniqueName("team");
    const res = await api<GroupBody>("POST", "/rest/groups", { token: owner.token, body: { name } });
    expect(res.status).toBe(201);
    expect(res.body.group).toMatchObject({
      name,
      owner_id: owner.id,
      owner_name: owner.userName,
      user_defined: true,
      role: "owner",
    });
    const info = await api<GroupBody>("GET", `/rest/groups/${name}`, { token: owner.token });
    expect(memberRoles(info.body)).toEqual([[owner.userName, "owner"]]);
  });

  it("refuses a name that is taken, even public, with 409", async () => {
    const group = await createGroup(owner.token);
    for (const name of [group.name, "public"]) {
      const res = await api<ErrorBody>("POST", "/rest/groups", { token: stranger.token, body: { name } });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({
        code: "ALREADY_EXISTS",
        message: `a group named "${name}" already exists: group names are unique on an instance`,
      });
    }
  });

  it("refuses an invalid name with 400 and anonymous callers with 401", async () => {
    const bad = await api<ErrorBody>("POST", "/rest/groups", { token: owner.token, body: { name: "my team" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("INVALID_NAME");
    expect((await api("POST", "/rest/groups", { body: { name: uniqueName("g") } })).status).toBe(401);
  });
});

describe("listing groups (cl gls)", () => {
  it("lists public first, then the caller's groups with their role, and no one else's", async () => {
    const mine = await createGroup(owner.token);
    const theirs = await createGroup(stranger.token);
    await addMember(owner.token, mine.uuid, member.userName);
    const res = await api<{ groups: GroupBody["group"][] }>("GET", "/rest/groups", { token: member.token });
    expect(res.status).toBe(200);
    expect(res.body.groups[0]).toMatchObject({ uuid: PUBLIC_GROUP, name: "public", user_defined: false });
    expect(res.body.groups.find((g) => g.uuid === mine.uuid)).toMatchObject({ role: "member" });
    expect(res.body.groups.some((g) => g.uuid === theirs.uuid)).toBe(false);
    const all = await api<{ groups: GroupBody["group"][] }>("GET", "/rest/groups", { token: await adminToken() });
    expect(all.body.groups.find((g) => g.uuid === theirs.uuid)).toMatchObject({ role: null });
  });
});

describe("group membership (cl uadd, cl urm, cl ginfo)", () => {
  it("lets the owner add admins and members, and admins manage members", async () => {
    const group = await createGroup(owner.token);
    expect((await addMember(owner.token, group.name, helper.userName, true)).status).toBe(200);
    const added = await addMember(helper.token, group.name, member.id);
    expect(added.status).toBe(200);
    expect(memberRoles(added.body)).toEqual([
      [owner.userName, "owner"],
      [helper.userName, "admin"],
      [member.userName, "member"],
    ]);
    // Promote, then demote again.
    expect(memberRoles((await addMember(helper.token, group.uuid, member.userName, true)).body)).toContainEqual([
      member.userName,
      "admin",
    ]);
    expect(memberRoles((await addMember(owner.token, group.uuid, member.userName, false)).body)).toContainEqual([
      member.userName,
      "member",
    ]);
    const removed = await api<GroupBody>("DELETE", `/rest/groups/${group.uuid}/members/${member.userName}`, {
      token: helper.token,
    });
    expect(removed.status).toBe(200);
    const info = await api<GroupBody>("GET", `/rest/groups/${group.uuid}`, { token: owner.token });
    expect(memberRoles(info.body)).toEqual([
      [owner.userName, "owner"],
      [helper.userName, "admin"],
    ]);
  });

  it("refuses a plain member adding someone, and a stranger too, changing nothing", async () => {
    const group = await createGroup(owner.token);
    await addMember(owner.token, group.uuid, member.userName);
    for (const actor of [member, stranger]) {
      const res = await addMember(actor.token, group.uuid, stranger.userName, actor === stranger);
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        code: "FORBIDDEN",
        message: `only the owner and admins of group ${group.name}(${group.uuid}) can change it`,
      });
    }
    const rows = await env.DB.prepare("select user_id from user_groups where group_uuid = ?").bind(group.uuid).all();
    expect(rows.results.map((row) => row.user_id).sort()).toEqual([owner.id, member.id].sort());
  });

  it("never demotes or removes the owner", async () => {
    const group = await createGroup(owner.token);
    await addMember(owner.token, group.uuid, helper.userName, true);
    const demote = await addMember(helper.token, group.uuid, owner.userName, false);
    expect(demote.status).toBe(409);
    expect(demote.body.error).toMatchObject({
      code: "CONFLICT",
      message: `the owner of group ${group.name}(${group.uuid}) cannot be demoted: the owner is always an admin`,
    });
    const remove = await api<ErrorBody>("DELETE", `/rest/groups/${group.uuid}/members/${owner.userName}`, {
      token: await adminToken(),
    });
    expect(remove.status).toBe(409);
    expect(remove.body.error.message).toContain("cannot be removed from it: delete the group instead");
    const info = await api<GroupBody>("GET", `/rest/groups/${group.uuid}`, { token: owner.token });
    expect(memberRoles(info.body)).toContainEqual([owner.userName, "owner"]);
  });

  it("lets a member leave, and says when someone is not a member", async () => {
    const group = await createGroup(owner.token);
    await addMember(owner.token, group.uuid, member.userName);
    const leave = await api<GroupBody>("DELETE", `/rest/groups/${group.uuid}/members/${member.id}`, {
      token: member.token,
    });
    expect(leave.status).toBe(200);
    expect(leave.body.group.role).toBeNull();
    const again = await api<ErrorBody>("DELETE", `/rest/groups/${group.uuid}/members/${member.id}`, {
      token: owner.token,
    });
    expect(again.status).toBe(404);
    expect(again.body.error.message).toBe(`${member.userName} is not a member of group ${group.name}(${group.uuid})`);
  });

  it("answers 404 for unknown users and groups", async () => {
    const group = await createGroup(owner.token);
    const noUser = await addMember(owner.token, group.uuid, "nobody_by_this_name");
    expect(noUser.status).toBe(404);
    expect(noUser.body.error.message).toBe('no user matches "nobody_by_this_name"');
    const noGroup = await api<ErrorBody>("GET", "/rest/groups/no_such_group_here", { token: owner.token });
    expect(noGroup.status).toBe(404);
    expect(noGroup.body.error.message).toBe('no group matches "no_such_group_here"');
  });

  it("shows a group's members only to its members and admins, and finds it by uuid prefix", async () => {
    const group = await createGroup(owner.token);
    const prefix = group.uuid.slice(0, 20);
    expect((await api("GET", `/rest/groups/${prefix}`, { token: owner.token })).status).toBe(200);
    const outsider = await api<ErrorBody>("GET", `/rest/groups/${group.name}`, { token: stranger.token });
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.message).toBe(`you are not a member of group ${group.name}(${group.uuid})`);
    // A prefix only looks among the caller's own groups.
    expect((await api("GET", `/rest/groups/${prefix}`, { token: stranger.token })).status).toBe(404);
    expect((await api("GET", `/rest/groups/${group.name}`, { token: await adminToken() })).status).toBe(200);
  });

  it("lets nobody change the public group", async () => {
    const res = await addMember(await adminToken(), "public", member.userName);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe("the public group is built in: nobody can change it");
    expect((await api("DELETE", "/rest/groups/public", { token: await adminToken() })).status).toBe(403);
  });
});

describe("deleting groups (cl grm)", () => {
  it("refuses plain members, and for admins removes the group with what it was given", async () => {
    const group = await createGroup(owner.token);
    await addMember(owner.token, group.uuid, member.userName);
    const bundle = await readyFileBundle(owner.token, "shared with the team", "teamdata");
    await shareBundle(bundle.uuid, group.uuid, 1);
    expect((await api("GET", `/rest/bundles/${bundle.uuid}`, { token: member.token })).status).toBe(200);

    const refused = await api<ErrorBody>("DELETE", `/rest/groups/${group.uuid}`, { token: member.token });
    expect(refused.status).toBe(403);
    const deleted = await api<GroupBody>("DELETE", `/rest/groups/${group.name}`, { token: owner.token });
    expect(deleted.status).toBe(200);
    expect(deleted.body.group).toMatchObject({ uuid: group.uuid, name: group.name });
    expect((await api("GET", `/rest/groups/${group.uuid}`, { token: owner.token })).status).toBe(404);
    expect((await api("GET", `/rest/bundles/${bundle.uuid}`, { token: member.token })).status).toBe(403);
    for (const table of ["user_groups", "group_bundle_permissions"]) {
      const left = await env.DB.prepare(`select count(*) n from ${table} where group_uuid = ?`)
        .bind(group.uuid)
        .first("n");
      expect(left).toBe(0);
    }
  });
});
