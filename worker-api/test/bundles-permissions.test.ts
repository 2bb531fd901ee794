import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, signUpAndLogIn } from "./helpers/api.ts";
import {
  addDependency,
  type BundleBody,
  createBundle,
  type ErrorBody,
  insertGroup,
  insertWorksheet,
  PUBLIC_GROUP,
  raw,
  readyFileBundle,
  shareBundle,
  userIdOf,
} from "./helpers/bundles.ts";

type Role = "anonymous" | "stranger" | "reader" | "writer" | "owner" | "admin";

const roles: Record<Role, string | undefined> = {
  anonymous: undefined,
  stranger: undefined,
  reader: undefined,
  writer: undefined,
  owner: undefined,
  admin: undefined,
};
let bundleUuid: string;

beforeAll(async () => {
  const owner = await signUpAndLogIn();
  const reader = await signUpAndLogIn();
  const writer = await signUpAndLogIn();
  roles.owner = owner.accessToken;
  roles.reader = reader.accessToken;
  roles.writer = writer.accessToken;
  roles.stranger = (await signUpAndLogIn()).accessToken;
  const admin = await api<{ access_token: string }>("POST", "/rest/auth/login", {
    body: { username: "codalab", password: "test-admin-password" },
  });
  roles.admin = admin.body.access_token;
  const ownerId = await userIdOf(owner.accessToken);
  const readers = await insertGroup(ownerId, [await userIdOf(reader.accessToken)]);
  const writers = await insertGroup(ownerId, [await userIdOf(writer.accessToken)]);
  bundleUuid = (await readyFileBundle(owner.accessToken, "private data", "guarded")).uuid;
  await shareBundle(bundleUuid, readers, 1);
  await shareBundle(bundleUuid, writers, 2);
});

const expected: Record<Role, { read: number; permission?: string; edit: number }> = {
  anonymous: { read: 403, edit: 401 },
  stranger: { read: 403, edit: 403 },
  reader: { read: 200, permission: "read", edit: 403 },
  writer: { read: 200, permission: "all", edit: 200 },
  owner: { read: 200, permission: "all", edit: 200 },
  admin: { read: 200, permission: "all", edit: 200 },
};

describe("every endpoint decides with the one permission function, for every role", () => {
  for (const role of Object.keys(expected) as Role[]) {
    it(`gives the ${role} what its level allows on a group-shared private bundle`, async () => {
      const token = roles[role];
      const want = expected[role];
      const options = token ? { token } : {};
      const info = await api<BundleBody & ErrorBody>("GET", `/rest/bundles/${bundleUuid}`, options);
      expect(info.status).toBe(want.read);
      if (want.permission) expect(info.body.bundle.permission).toBe(want.permission);
      else expect(info.body.error.message).toBe(`you do not have read permission on bundle ${bundleUuid}`);
      const blob = await raw("GET", `/rest/bundles/${bundleUuid}/contents/blob/`, options);
      expect(blob.status).toBe(want.read);
      if (want.read === 200) expect(blob.text).toBe("private data");
      else expect(blob.text).not.toContain("private data");
      const contentsInfo = await raw("GET", `/rest/bundles/${bundleUuid}/contents/info/`, options);
      expect(contentsInfo.status).toBe(want.read);
      const edit = await api("PATCH", `/rest/bundles/${bundleUuid}`, {
        ...options,
        body: { metadata: { seen_by: role } },
      });
      expect(edit.status).toBe(want.edit);
      const del = await api("POST", "/rest/bundles/delete", {
        ...options,
        body: { uuids: [bundleUuid], dry_run: true },
      });
      expect(del.status).toBe(want.edit);
    });
  }
});

describe("bundles created on a worksheet", () => {
  it("copy the worksheet's group permissions and anonymity, and are added to it", async () => {
    const owner = await signUpAndLogIn();
    const ownerId = await userIdOf(owner.accessToken);
    const team = await insertGroup(ownerId);
    const worksheet = await insertWorksheet(ownerId, {
      anonymous: true,
      permissions: [
        [PUBLIC_GROUP, 1],
        [team, 2],
      ],
    });
    const bundle = await createBundle(owner.accessToken, { name: "hosted" }, { worksheet_uuid: worksheet });
    expect(bundle.is_anonymous).toBe(true);
    const full = await api<BundleBody>(
      "GET",
      `/rest/bundles/${bundle.uuid}?include=group_permissions,host_worksheets`,
      {
        token: owner.accessToken,
      },
    );
    expect(full.body.bundle.group_permissions?.map((row) => [row.group_uuid, row.permission]).sort()).toEqual(
      [
        [PUBLIC_GROUP, "read"],
        [team, "all"],
      ].sort(),
    );
    expect(full.body.bundle.host_worksheets?.map((host) => host.uuid)).toEqual([worksheet]);
  });

  it("get only owner access when detached", async () => {
    const owner = await signUpAndLogIn();
    const bundle = await createBundle(owner.accessToken, { name: "alone" });
    const full = await api<BundleBody>("GET", `/rest/bundles/${bundle.uuid}?include=group_permissions`, {
      token: owner.accessToken,
    });
    expect(full.body.bundle.group_permissions).toEqual([]);
    const stranger = await signUpAndLogIn();
    expect((await api("GET", `/rest/bundles/${bundle.uuid}`, { token: stranger.accessToken })).status).toBe(403);
  });

  it("need all on the worksheet, which must not be frozen", async () => {
    const owner = await signUpAndLogIn();
    const other = await signUpAndLogIn();
    const readable = await insertWorksheet(await userIdOf(owner.accessToken), { permissions: [[PUBLIC_GROUP, 1]] });
    const res = await api<ErrorBody>("POST", "/rest/bundles", {
      token: other.accessToken,
      body: { metadata: { name: "intruder" }, worksheet_uuid: readable },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(`you do not have all permission on worksheet ${readable}`);
    expect(
      await env.DB.prepare("select count(*) n from worksheet_items where worksheet_uuid = ?").bind(readable).first("n"),
    ).toBe(0);
    const frozen = await insertWorksheet(await userIdOf(owner.accessToken), { frozen: true });
    const blocked = await api<ErrorBody>("POST", "/rest/bundles", {
      token: owner.accessToken,
      body: { metadata: { name: "late" }, worksheet_uuid: frozen },
    });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe("FROZEN");
    const missing = await api<ErrorBody>("POST", "/rest/bundles", {
      token: owner.accessToken,
      body: { metadata: { name: "lost" }, worksheet_uuid: `0x${"d".repeat(32)}` },
    });
    expect(missing.status).toBe(404);
  });
});

describe("anonymous bundles", () => {
  it("hide their owner and group permissions from readers without all", async () => {
    const owner = await signUpAndLogIn();
    const reader = await signUpAndLogIn();
    const bundle = await readyFileBundle(owner.accessToken, "x");
    await shareBundle(bundle.uuid, PUBLIC_GROUP, 1);
    await api("PATCH", `/rest/bundles/${bundle.uuid}`, { token: owner.accessToken, body: { is_anonymous: true } });
    const seen = await api<BundleBody>("GET", `/rest/bundles/${bundle.uuid}?include=group_permissions`, {
      token: reader.accessToken,
    });
    expect(seen.body.bundle).toMatchObject({
      owner_id: null,
      owner_name: null,
      is_anonymous: true,
      group_permissions: [],
    });
    const own = await api<BundleBody>("GET", `/rest/bundles/${bundle.uuid}?include=group_permissions`, {
      token: owner.accessToken,
    });
    expect(own.body.bundle.owner_name).toBe(owner.userName);
    expect(own.body.bundle.group_permissions).toHaveLength(1);
  });
});

describe("related bundles and worksheets", () => {
  it("name only readable parents, and list only readable children and host worksheets", async () => {
    const me = await signUpAndLogIn();
    const other = await signUpAndLogIn();
    const mine = await readyFileBundle(me.accessToken, "m", "mine");
    await shareBundle(mine.uuid, PUBLIC_GROUP, 1);
    const privateParent = await readyFileBundle(other.accessToken, "p", "theirs");
    const child = await createBundle(me.accessToken, { name: "child" });
    const hiddenChild = await createBundle(other.accessToken, { name: "hidden_child" });
    await addDependency(child.uuid, privateParent.uuid, "secret");
    await addDependency(child.uuid, mine.uuid, "open");
    await addDependency(hiddenChild.uuid, mine.uuid, "x");
    await addDependency(child.uuid, mine.uuid, "open");
    const hiddenHost = await insertWorksheet(await userIdOf(other.accessToken));
    await env.DB.prepare(
      "insert into worksheet_items (worksheet_uuid, type, bundle_uuid, sort_key) values (?, 'bundle', ?, 1)",
    )
      .bind(hiddenHost, mine.uuid)
      .run();

    const seen = await api<BundleBody>("GET", `/rest/bundles/${child.uuid}`, { token: me.accessToken });
    expect(seen.body.bundle.dependencies).toEqual([
      { child_path: "secret", parent_uuid: privateParent.uuid, parent_path: "", parent_name: null, parent_state: null },
      { child_path: "open", parent_uuid: mine.uuid, parent_path: "", parent_name: "mine", parent_state: "ready" },
      { child_path: "open", parent_uuid: mine.uuid, parent_path: "", parent_name: "mine", parent_state: "ready" },
    ]);
    const parent = await api<BundleBody>("GET", `/rest/bundles/${mine.uuid}?include=children,host_worksheets`, {
      token: me.accessToken,
    });
    expect(parent.body.bundle.children).toEqual([{ uuid: child.uuid, name: "child" }]);
    expect(parent.body.bundle.host_worksheets).toEqual([]);
    const badInclude = await api<ErrorBody>("GET", `/rest/bundles/${mine.uuid}?include=secrets`, {
      token: me.accessToken,
    });
    expect(badInclude.status).toBe(400);
  });

  it("answers 400 for a malformed uuid and 404 for a bundle that does not exist", async () => {
    const me = await signUpAndLogIn();
    expect((await api("GET", "/rest/bundles/not-a-uuid", { token: me.accessToken })).status).toBe(400);
    expect((await api("GET", `/rest/bundles/0x${"a".repeat(32)}`, { token: me.accessToken })).status).toBe(404);
    expect((await raw("GET", "/rest/bundles/0x12/contents/blob/x", { token: me.accessToken })).status).toBe(400);
  });
});
