/** cl uinfo, cl uls, cl uedit and cl ufarewell through the API. */
import { env } from "cloudflare:test";
import type { UserJson } from "@codalab/core";
import { describe, expect, it } from "vitest";
import { api } from "./helpers/api.ts";
import { readyFileBundle } from "./helpers/bundles.ts";
import { addMember, adminToken, createGroup, type ErrorBody, newUser } from "./helpers/groups.ts";
import { createWorksheet } from "./helpers/worksheets.ts";

type UserBody = { user: UserJson };
const PUBLIC_KEYS = ["affiliation", "date_joined", "first_name", "id", "last_name", "url", "user_name"];

describe("showing a user (cl uinfo)", () => {
  it("shows other users, even to anonymous visitors, only their public fields", async () => {
    const alice = await newUser("alice");
    const bob = await newUser("bob");
    for (const token of [bob.token, undefined]) {
      const res = await api<UserBody>("GET", `/rest/users/${alice.userName.toUpperCase()}`, { token });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.user).sort()).toEqual(PUBLIC_KEYS);
      expect(res.body.user).toMatchObject({ id: alice.id, user_name: alice.userName });
      expect(JSON.stringify(res.body)).not.toContain(alice.email);
    }
  });

  it("shows users their own private fields, and admins everyone's", async () => {
    const alice = await newUser("alice");
    for (const token of [alice.token, await adminToken()]) {
      const res = await api<UserBody>("GET", `/rest/users/${alice.id}`, { token });
      expect(res.body.user).toMatchObject({ email: alice.email, is_admin: false, disk_used: 0 });
      expect(res.body.user.disk_quota).toBeGreaterThan(0);
    }
  });

  it("answers 404 for a user that does not exist", async () => {
    const res = await api<ErrorBody>("GET", "/rest/users/nobody_called_this");
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe('no user matches "nobody_called_this"');
  });
});

describe("searching users (cl uls)", () => {
  const search = (token: string | undefined, ...keywords: string[]) =>
    api<{ users: UserJson[]; total: number; result?: number } & ErrorBody>(
      "GET",
      `/rest/users?${keywords.map((k) => `keywords=${encodeURIComponent(k)}`).join("&")}`,
      { token },
    );

  it("finds users by name, with public fields only for non-admins", async () => {
    const carol = await newUser("carolsearch");
    const res = await search(carol.token, carol.userName);
    expect(res.status).toBe(200);
    expect(res.body.users.map((u) => u.user_name)).toEqual([carol.userName]);
    expect(res.body.total).toBe(1);
    const other = await newUser("other");
    const seen = await search(other.token, `user_name=${carol.userName}`);
    expect(Object.keys(seen.body.users[0] ?? {}).sort()).toEqual(PUBLIC_KEYS);
    expect((await search(other.token, `user_name=${carol.userName}`, ".count")).body.result).toBe(1);
  });

  it("refuses private filters to non-admins and allows them to admins", async () => {
    const dave = await newUser("dave");
    const refused = await search(dave.token, `email=${dave.email}`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(`only the root user may search users by email=${dave.email}`);
    const found = await search(await adminToken(), `email=${dave.email.toUpperCase()}`);
    expect(found.body.users.map((u) => [u.user_name, u.email])).toEqual([[dave.userName, dave.email]]);
  });

  it("needs a login and valid keywords", async () => {
    expect((await search(undefined, "x")).status).toBe(401);
    const user = await newUser("kw");
    const bad = await search(user.token, "password=x");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("unknown user search key 'password'");
  });
});

describe("editing a user (cl uedit)", () => {
  const edit = (token: string, spec: string, body: Record<string, unknown>) =>
    api<UserBody & ErrorBody>("PATCH", `/rest/users/${spec}`, { token, body });

  it("lets users edit their own profile and clear a field with an empty string", async () => {
    const erin = await newUser("erin");
    const res = await edit(erin.token, erin.userName, {
      first_name: "Erin",
      last_name: "Doe",
      affiliation: "Lab",
      url: "https://erin.example.org",
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ first_name: "Erin", affiliation: "Lab", url: "https://erin.example.org" });
    expect((await edit(erin.token, erin.id, { affiliation: "" })).body.user.affiliation).toBeNull();
  });

  it("refuses a user raising their own quota, and editing someone else", async () => {
    const frank = await newUser("frank");
    const gina = await newUser("gina");
    const quota = await edit(frank.token, frank.userName, { disk_quota: 10 ** 15 });
    expect(quota.status).toBe(403);
    expect(quota.body.error.message).toBe("only instance administrators can change disk_quota");
    const other = await edit(frank.token, gina.userName, { first_name: "Hacked" });
    expect(other.status).toBe(403);
    expect(other.body.error.message).toBe("you can only edit your own account");
    const seen = await api<UserBody>("GET", `/rest/users/${gina.id}`, { token: gina.token });
    expect(seen.body.user.first_name).toBeNull();
  });

  it("lets admins change anyone's quotas", async () => {
    const hank = await newUser("hank");
    const res = await edit(await adminToken(), hank.userName, {
      disk_quota: 5_000_000,
      time_quota: 3600,
      parallel_run_quota: 7,
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ disk_quota: 5_000_000, time_quota: 3600, parallel_run_quota: 7 });
  });

  it("refuses links that are not http(s), unknown fields and empty edits", async () => {
    const ivy = await newUser("ivy");
    const link = await edit(ivy.token, ivy.id, { url: "javascript:alert(1)" });
    expect(link.status).toBe(400);
    expect(link.body.error.message).toContain("must be an http:// or https:// address");
    expect((await edit(ivy.token, ivy.id, { email: "new@example.org" })).status).toBe(400);
    expect((await edit(ivy.token, ivy.id, { disk_quota: -1 })).status).toBe(400);
    const empty = await edit(ivy.token, ivy.id, {});
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toBe("nothing to change: give at least one field");
  });
});

describe("deleting an account (cl ufarewell)", () => {
  const farewell = (token: string, spec: string) =>
    api<{ deleted: { id: string; user_name: string } } & ErrorBody>("DELETE", `/rest/users/${spec}`, { token });

  it("refuses while the user owns bundles, worksheets or groups, saying what", async () => {
    const jack = await newUser("jack");
    const bundle = await readyFileBundle(jack.token, "data", "mine");
    const worksheet = await createWorksheet(jack.token);
    const group = await createGroup(jack.token);
    const res = await farewell(jack.token, jack.userName);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: "CONFLICT",
      message: `cannot delete user ${jack.userName}: they still own 1 bundle, 1 worksheet and 1 group; delete them or give them to someone else first`,
    });
    expect((await api("GET", `/rest/users/${jack.id}`)).status).toBe(200);
    await api("POST", "/rest/bundles/delete", { token: jack.token, body: { uuids: [bundle.uuid] } });
    await api("POST", "/rest/worksheets/delete", { token: jack.token, body: { uuids: [worksheet.uuid] } });
    await api("DELETE", `/rest/groups/${group.uuid}`, { token: jack.token });
    expect((await farewell(jack.token, jack.userName)).status).toBe(200);
  });

  it("deletes an account that owns nothing, with its memberships, tokens and empty home worksheet", async () => {
    const kate = await newUser("kate");
    const team = await createGroup((await newUser("teamowner")).token);
    await addMember(await adminToken(), team.uuid, kate.userName);
    // The home worksheet is created on first use.
    const home = await api<{ worksheets: { name: string }[] }>("GET", "/rest/worksheets?specs=%2F", {
      token: kate.token,
    });
    expect(home.body.worksheets[0]?.name).toBe(`home-${kate.userName}`);
    const res = await farewell(kate.token, kate.id);
    expect(res.status).toBe(200);
    expect(res.body.deleted).toEqual({ id: kate.id, user_name: kate.userName });
    expect((await api("GET", `/rest/users/${kate.id}`)).status).toBe(404);
    expect((await api("GET", "/rest/user", { token: kate.token })).status).toBe(401);
    const left = await env.DB.prepare(
      "select (select count(*) from user_groups where user_id = ?1) + (select count(*) from worksheets where owner_id = ?1) + (select count(*) from auth_tokens where user_id = ?1) n",
    )
      .bind(kate.id)
      .first("n");
    expect(left).toBe(0);
  });

  it("refuses deleting someone else's account, but lets an admin do it", async () => {
    const leo = await newUser("leo");
    const mia = await newUser("mia");
    const res = await farewell(mia.token, leo.userName);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe("you can only delete your own account");
    expect((await farewell(await adminToken(), leo.userName)).status).toBe(200);
  });

  it("never deletes an administrator account", async () => {
    const res = await farewell(await adminToken(), "codalab");
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe("codalab is an administrator account: it cannot be deleted");
  });
});
