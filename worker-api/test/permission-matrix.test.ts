/**
 * The permission matrix (issue 6, security principle 2): every route of the OpenAPI document is
 * called by every role, on a private and on a shared object, and the answers are compared with
 * the table below. A route without a row fails the first test: whoever adds a route says here
 * who may call it.
 *
 * Roles: anonymous; a stranger (logged in, in no group of the owner's); a member of the `readers`
 * group and of the `writers` group; the owner; an instance admin; a worker token (`clw_…`) of a
 * worker the owner registered. Objects: a ready file bundle and a worksheet owned by the owner;
 * private = no group rows (the worksheet's public row removed), shared = `readers` read,
 * `writers` all. Group routes act on the owner's group `team` (reader a plain member, writer an
 * admin), user routes on the owner's account: their rows are the same for both objects.
 *
 * A cell is the HTTP status, or for routes that answer 200 and say per item what the caller may
 * see (event streams, file cells), `status:what`.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, signUpAndLogIn, uniqueName } from "./helpers/api.ts";
import { raw, readyFileBundle } from "./helpers/bundles.ts";
import { addMember, adminToken, createGroup } from "./helpers/groups.ts";
import { createWorksheet } from "./helpers/worksheets.ts";

const ROLES = ["anonymous", "stranger", "reader", "writer", "owner", "admin", "worker"] as const;
type Role = (typeof ROLES)[number];
const VARIANTS = ["private", "shared"] as const;
type Variant = (typeof VARIANTS)[number];

type Account = { userName: string; password: string; token: string };
type Objects = { bundle: string; worksheet: string };
type World = {
  accounts: Record<Exclude<Role, "anonymous" | "worker">, Account>;
  workerToken: string;
  workerName: string;
  /** The owner's group: reader is a member, writer an admin. */
  team: string;
  /** A group with no members, to set permissions for without changing what the roles may do. */
  bystanders: string;
  /** A user nobody else knows, added to and removed from groups. */
  bystander: string;
  objects: Record<Variant, Objects>;
};
type Cell = { role: Role; variant: Variant; world: World };
type Request = {
  path: string;
  body?: unknown;
  bytes?: string;
  headers?: Record<string, string>;
};
type Row = {
  request: (objects: Objects, cell: Cell) => Request | Promise<Request>;
  /** Seven cells, in the order of ROLES. */
  private: string;
  /** Defaults to the private row (routes whose object is a group or a user). */
  shared?: string;
  /** A new object of this kind for every cell: the route changes or deletes what it is given. */
  fresh?: keyof Objects;
  /** The callers log in anew for every cell: the route revokes the caller's session. */
  freshLogin?: boolean;
  /** What the cell shows besides the status (default: only the status). */
  observe?: (response: { status: number; text: string }) => string;
};

const firstEvent = (response: { status: number; text: string }) =>
  response.status === 200 ? `200:${/^event: (\w+)$/m.exec(response.text)?.[1] ?? "none"}` : String(response.status);
const fileCell = (response: { status: number; text: string }) => {
  if (response.status !== 200) return String(response.status);
  const [value] = (JSON.parse(response.text) as { values: unknown[] }).values;
  const isError = typeof value === "object" && value !== null && (value as { type?: string }).type === "error";
  return `200:${isError ? "error" : "value"}`;
};

/**
 * The expected answers. Columns:
 *   anonymous stranger reader writer owner admin worker
 */
const MATRIX: Record<string, Row> = {
  "GET /rest/version": {
    request: () => ({ path: "/rest/version" }),
    private: "200 200 200 200 200 200 403",
  },
  // Accounts and sessions: anyone may sign up or log in; a worker token may do neither.
  "POST /rest/auth/signup": {
    request: () => {
      const name = uniqueName("matrix");
      return {
        path: "/rest/auth/signup",
        body: { user_name: name, email: `${name}@example.org`, password: "long enough pw" },
      };
    },
    private: "201 201 201 201 201 201 403",
  },
  "POST /rest/auth/login": {
    request: (_, { world }) => ({
      path: "/rest/auth/login",
      body: { username: world.accounts.owner.userName, password: world.accounts.owner.password },
    }),
    private: "200 200 200 200 200 200 403",
  },
  "POST /rest/auth/refresh": {
    request: () => ({ path: "/rest/auth/refresh", body: { refresh_token: "clr_not-a-real-token" } }),
    private: "401 401 401 401 401 401 403",
  },
  "POST /rest/auth/logout": {
    request: () => ({ path: "/rest/auth/logout", body: {} }),
    freshLogin: true,
    private: "401 204 204 204 204 204 403",
  },
  "GET /rest/user": {
    request: () => ({ path: "/rest/user" }),
    private: "401 200 200 200 200 200 403",
  },
  "POST /rest/user/password": {
    // A wrong current password: nobody changes anything, and only a logged-in user gets that far.
    request: () => ({
      path: "/rest/user/password",
      body: { current_password: "not the password", new_password: "another long password" },
    }),
    private: "401 401 401 401 401 401 403",
  },

  // Bundles.
  "POST /rest/bundles": {
    request: ({ worksheet }) => ({
      path: "/rest/bundles",
      body: { metadata: { name: "matrix_new" }, worksheet_uuid: worksheet },
    }),
    private: "401 403 403 403 201 201 403",
    shared: "401 403 403 201 201 201 403",
  },
  "GET /rest/bundles": {
    request: ({ bundle }) => ({ path: `/rest/bundles?specs=${bundle}` }),
    private: "403 403 403 403 200 200 403",
    shared: "403 403 200 200 200 200 403",
  },
  "POST /rest/bundles/delete": {
    request: ({ bundle }) => ({ path: "/rest/bundles/delete", body: { uuids: [bundle], dry_run: true } }),
    private: "401 403 403 403 200 200 403",
    shared: "401 403 403 200 200 200 403",
  },
  "GET /rest/bundles/events": {
    request: ({ bundle }) => ({ path: `/rest/bundles/events?uuid=${bundle}` }),
    observe: firstEvent,
    private: "200:error 200:error 200:error 200:error 200:bundle 200:bundle 403",
    shared: "200:error 200:error 200:bundle 200:bundle 200:bundle 200:bundle 403",
  },
  "GET /rest/bundles/{uuid}": {
    request: ({ bundle }) => ({ path: `/rest/bundles/${bundle}` }),
    private: "403 403 403 403 200 200 403",
    shared: "403 403 200 200 200 200 403",
  },
  "PATCH /rest/bundles/{uuid}": {
    request: ({ bundle }) => ({ path: `/rest/bundles/${bundle}`, body: { metadata: { description: "matrix" } } }),
    private: "401 403 403 403 200 200 403",
    shared: "401 403 403 200 200 200 403",
  },
  // The bundle is ready: whoever may upload is told it is too late (409), the others 401/403.
  "POST /rest/bundles/{uuid}/upload": {
    request: ({ bundle }) => ({ path: `/rest/bundles/${bundle}/upload`, body: { kind: "file", size: 1 } }),
    private: "401 403 403 403 409 409 403",
    shared: "401 403 403 409 409 409 403",
  },
  "GET /rest/bundles/{uuid}/upload": {
    request: ({ bundle }) => ({ path: `/rest/bundles/${bundle}/upload` }),
    private: "401 403 403 403 404 404 403",
    shared: "401 403 403 404 404 404 403",
  },
  "DELETE /rest/bundles/{uuid}/upload": {
    request: ({ bundle }) => ({ path: `/rest/bundles/${bundle}/upload` }),
    fresh: "bundle",
    private: "401 403 403 403 409 409 403",
    shared: "401 403 403 409 409 409 403",
  },
  "PUT /rest/bundles/{uuid}/upload/parts/{n}": {
    request: ({ bundle }) => ({
      path: `/rest/bundles/${bundle}/upload/parts/1`,
      bytes: "x",
      headers: { "content-type": "application/octet-stream", "content-length": "1" },
    }),
    private: "401 403 403 403 409 409 403",
    shared: "401 403 403 409 409 409 403",
  },
  "POST /rest/bundles/{uuid}/upload/complete": {
    request: ({ bundle }) => ({ path: `/rest/bundles/${bundle}/upload/complete`, body: {} }),
    private: "401 403 403 403 409 409 403",
    shared: "401 403 403 409 409 409 403",
  },
  "POST /rest/bundles/{uuid}/upload/url": {
    request: ({ bundle }) => ({ path: `/rest/bundles/${bundle}/upload/url`, body: { url: "https://example.org/x" } }),
    private: "401 403 403 403 409 409 403",
    shared: "401 403 403 409 409 409 403",
  },
  "GET /rest/bundles/{uuid}/contents/info/{path}": {
    request: ({ bundle }) => ({ path: `/rest/bundles/${bundle}/contents/info/` }),
    private: "403 403 403 403 200 200 403",
    shared: "403 403 200 200 200 200 403",
  },
  "GET /rest/bundles/{uuid}/contents/blob/{path}": {
    request: ({ bundle }) => ({ path: `/rest/bundles/${bundle}/contents/blob/` }),
    private: "403 403 403 403 200 200 403",
    shared: "403 403 200 200 200 200 403",
  },
  // Runs: the bundle is a ready dataset, so whoever may kill or write is told it is not running.
  "POST /rest/bundles/{uuid}/kill": {
    request: ({ bundle }) => ({ path: `/rest/bundles/${bundle}/kill`, body: {} }),
    private: "401 403 403 403 409 409 403",
    shared: "401 403 403 409 409 409 403",
  },
  "POST /rest/bundles/{uuid}/write": {
    request: ({ bundle }) => ({ path: `/rest/bundles/${bundle}/write`, body: { subpath: "note", string: "x" } }),
    private: "401 403 403 403 409 409 403",
    shared: "401 403 403 409 409 409 403",
  },

  // Workers: each user sees their own; the worker token may only connect (400 here: no upgrade).
  "GET /rest/workers/connect": {
    request: (_, { world }) => ({ path: `/rest/workers/connect?name=${world.workerName}` }),
    private: "401 400 400 400 400 400 400",
  },
  "GET /rest/workers": {
    request: () => ({ path: "/rest/workers" }),
    private: "401 200 200 200 200 200 403",
  },
  "POST /rest/workers/tokens": {
    request: () => ({ path: "/rest/workers/tokens", body: { worker_name: uniqueName("matrix-worker") } }),
    private: "401 201 201 201 201 201 403",
  },
  "GET /rest/workers/tokens": {
    request: () => ({ path: "/rest/workers/tokens" }),
    private: "401 200 200 200 200 200 403",
  },
  "DELETE /rest/workers/tokens/{id}": {
    // A new token of the owner's for every cell: revoking it is the point.
    request: async (_, { world }) => {
      const created = await api<{ id: string }>("POST", "/rest/workers/tokens", {
        token: world.accounts.owner.token,
        body: { worker_name: uniqueName("matrix-revoked") },
      });
      return { path: `/rest/workers/tokens/${created.body.id}` };
    },
    private: "401 404 404 404 200 404 403",
  },

  // Worksheets.
  "POST /rest/worksheets": {
    request: () => ({ path: "/rest/worksheets", body: { name: uniqueName("matrix-ws") } }),
    private: "401 201 201 201 201 201 403",
  },
  "GET /rest/worksheets": {
    request: ({ worksheet }) => ({ path: `/rest/worksheets?specs=${worksheet}` }),
    private: "403 403 403 403 200 200 403",
    shared: "403 403 200 200 200 200 403",
  },
  "POST /rest/worksheets/delete": {
    request: ({ worksheet }) => ({ path: "/rest/worksheets/delete", body: { uuids: [worksheet] } }),
    fresh: "worksheet",
    private: "401 403 403 403 200 200 403",
    shared: "401 403 403 200 200 200 403",
  },
  "GET /rest/worksheets/{uuid}": {
    request: ({ worksheet }) => ({ path: `/rest/worksheets/${worksheet}` }),
    private: "403 403 403 403 200 200 403",
    shared: "403 403 200 200 200 200 403",
  },
  "PATCH /rest/worksheets/{uuid}": {
    request: ({ worksheet }) => ({ path: `/rest/worksheets/${worksheet}`, body: { title: "matrix" } }),
    private: "401 403 403 403 200 200 403",
    shared: "401 403 403 200 200 200 403",
  },
  "GET /rest/worksheets/{uuid}/source": {
    request: ({ worksheet }) => ({ path: `/rest/worksheets/${worksheet}/source` }),
    private: "403 403 403 403 200 200 403",
    shared: "403 403 200 200 200 200 403",
  },
  "PUT /rest/worksheets/{uuid}/source": {
    request: async ({ worksheet }, { world }) => {
      const current = await api<{ version: number }>("GET", `/rest/worksheets/${worksheet}/source`, {
        token: world.accounts.admin.token,
      });
      return {
        path: `/rest/worksheets/${worksheet}/source`,
        body: { source: "matrix text", version: current.body.version },
      };
    },
    fresh: "worksheet",
    private: "401 403 403 403 200 200 403",
    shared: "401 403 403 200 200 200 403",
  },
  "POST /rest/worksheets/{uuid}/items": {
    request: ({ worksheet }) => ({ path: `/rest/worksheets/${worksheet}/items`, body: { source: "matrix line" } }),
    private: "401 403 403 403 200 200 403",
    shared: "401 403 403 200 200 200 403",
  },
  "POST /rest/worksheets/{uuid}/items/delete": {
    request: ({ worksheet }) => ({ path: `/rest/worksheets/${worksheet}/items/delete`, body: { ids: [999_999_999] } }),
    // No such item: whoever may change the worksheet is told so (404).
    private: "401 403 403 403 404 404 403",
    shared: "401 403 403 404 404 404 403",
  },
  "GET /rest/worksheets/{uuid}/interpretation": {
    request: ({ worksheet }) => ({ path: `/rest/worksheets/${worksheet}/interpretation` }),
    private: "403 403 403 403 200 200 403",
    shared: "403 403 200 200 200 200 403",
  },
  "POST /rest/interpret/file-cells": {
    request: ({ bundle }) => ({
      path: "/rest/interpret/file-cells",
      body: { cells: [{ bundle_uuid: bundle, genpath: "/", post: null }] },
    }),
    observe: fileCell,
    private: "200:error 200:error 200:error 200:error 200:value 200:value 403",
    shared: "200:error 200:error 200:value 200:value 200:value 200:value 403",
  },
  "POST /rest/worksheets/{uuid}/permissions": {
    request: ({ worksheet }, { world }) => ({
      path: `/rest/worksheets/${worksheet}/permissions`,
      body: { group: world.bystanders, permission: "read" },
    }),
    private: "401 403 403 403 200 200 403",
    shared: "401 403 403 200 200 200 403",
  },

  // Permissions and owners of bundles.
  "POST /rest/bundles/permissions": {
    request: ({ bundle }, { world }) => ({
      path: "/rest/bundles/permissions",
      body: { uuids: [bundle], group: world.bystanders, permission: "read" },
    }),
    private: "401 403 403 403 200 200 403",
    shared: "401 403 403 200 200 200 403",
  },
  "POST /rest/bundles/owner": {
    // Given to its own owner: the check is the point, not the change.
    request: ({ bundle }, { world }) => ({
      path: "/rest/bundles/owner",
      body: { uuids: [bundle], user: world.accounts.owner.userName },
    }),
    private: "401 403 403 403 200 200 403",
    shared: "401 403 403 200 200 200 403",
  },

  // Groups: members see the group; its owner and admins (and instance admins) change it.
  "GET /rest/groups": {
    request: () => ({ path: "/rest/groups" }),
    private: "401 200 200 200 200 200 403",
  },
  "POST /rest/groups": {
    request: () => ({ path: "/rest/groups", body: { name: uniqueName("matrix_group") } }),
    private: "401 201 201 201 201 201 403",
  },
  "GET /rest/groups/{spec}": {
    request: (_, { world }) => ({ path: `/rest/groups/${world.team}` }),
    private: "401 403 200 200 200 200 403",
  },
  "DELETE /rest/groups/{spec}": {
    request: async (_, { world }) => ({ path: `/rest/groups/${await freshTeam(world)}` }),
    private: "401 403 403 200 200 200 403",
  },
  "PUT /rest/groups/{spec}/members/{user}": {
    request: (_, { world }) => ({
      path: `/rest/groups/${world.team}/members/${world.bystander}`,
      body: { is_admin: false },
    }),
    private: "401 403 403 200 200 200 403",
  },
  "DELETE /rest/groups/{spec}/members/{user}": {
    request: async (_, { world }) => {
      const team = await freshTeam(world);
      await addMember(world.accounts.owner.token, team, world.bystander);
      return { path: `/rest/groups/${team}/members/${world.bystander}` };
    },
    private: "401 403 403 200 200 200 403",
  },

  // Users: public profiles for all, the account itself for its user and admins.
  "GET /rest/users": {
    request: (_, { world }) => ({ path: `/rest/users?keywords=${world.accounts.owner.userName}` }),
    private: "401 200 200 200 200 200 403",
  },
  "GET /rest/users/{spec}": {
    request: (_, { world }) => ({ path: `/rest/users/${world.accounts.owner.userName}` }),
    private: "200 200 200 200 200 200 403",
  },
  "PATCH /rest/users/{spec}": {
    request: (_, { world }) => ({
      path: `/rest/users/${world.accounts.owner.userName}`,
      body: { affiliation: "Matrix" },
    }),
    private: "401 403 403 403 200 200 403",
  },
  "DELETE /rest/users/{spec}": {
    // The owner owns the fixtures, so whoever may delete the account is told so (409).
    request: (_, { world }) => ({ path: `/rest/users/${world.accounts.owner.userName}` }),
    private: "401 403 403 403 409 409 403",
  },

  // Provenance: the graph starts only from readable bundles; a memoize lookup finds only readable
  // runs (the dependency is a dataset, so nobody finds one, but nobody is refused either).
  "GET /rest/bundle-graph": {
    request: ({ bundle }) => ({ path: `/rest/bundle-graph?uuid=${bundle}` }),
    private: "403 403 403 403 200 200 403",
    shared: "403 403 200 200 200 200 403",
  },
  "POST /rest/bundles/memoized": {
    request: ({ bundle }) => ({
      path: "/rest/bundles/memoized",
      body: { command: "cat in", dependencies: [{ child_path: "in", parent_uuid: bundle }] },
    }),
    private: "200 200 200 200 200 200 403",
  },

  // Instance administration.
  "GET /rest/admin/reports": {
    request: () => ({ path: "/rest/admin/reports" }),
    private: "401 403 403 403 403 200 403",
  },
  "POST /rest/admin/reports": {
    request: () => ({ path: "/rest/admin/reports", body: { backup: false } }),
    private: "401 403 403 403 403 201 403",
  },
  "GET /rest/admin/reports/{day}": {
    request: () => ({ path: "/rest/admin/reports/2001-01-01" }),
    private: "401 403 403 403 403 404 403",
  },
  "GET /rest/admin/queue": {
    request: () => ({ path: "/rest/admin/queue" }),
    private: "401 403 403 403 403 200 403",
  },
  "GET /rest/admin/default-quotas": {
    request: () => ({ path: "/rest/admin/default-quotas" }),
    private: "401 403 403 403 403 200 403",
  },
  "PATCH /rest/admin/default-quotas": {
    // Sets the value it already has.
    request: async (_, { world }) => {
      const current = await api<{ default_quotas: { parallel_run_quota: number } }>(
        "GET",
        "/rest/admin/default-quotas",
        { token: world.accounts.admin.token },
      );
      return {
        path: "/rest/admin/default-quotas",
        body: { parallel_run_quota: current.body.default_quotas.parallel_run_quota },
      };
    },
    private: "401 403 403 403 403 200 403",
  },
};

let world: World;
/** The groups the shared objects are shared with: readers read, writers all. */
let sharingGroups: { readers: string; writers: string };

async function share(owner: string, kind: keyof Objects, uuid: string, variant: Variant): Promise<void> {
  const grants: [string, string][] = [["public", "none"]];
  if (variant === "shared") grants.push([sharingGroups.readers, "read"], [sharingGroups.writers, "all"]);
  for (const [group, permission] of grants) {
    const res =
      kind === "bundle"
        ? await api("POST", "/rest/bundles/permissions", { token: owner, body: { uuids: [uuid], group, permission } })
        : await api("POST", `/rest/worksheets/${uuid}/permissions`, { token: owner, body: { group, permission } });
    if (res.status !== 200) throw new Error(`sharing ${kind} ${uuid} failed: ${JSON.stringify(res.body)}`);
  }
}

async function makeObject(owner: string, kind: keyof Objects, variant: Variant): Promise<string> {
  const uuid =
    kind === "bundle"
      ? (await readyFileBundle(owner, "matrix data", "matrix_data")).uuid
      : (await createWorksheet(owner, uniqueName("matrix-ws"))).uuid;
  await share(owner, kind, uuid, variant);
  return uuid;
}

/** A new group of the owner's with the same members as `team`, for routes that delete or empty it. */
async function freshTeam({ accounts }: Pick<World, "accounts">): Promise<string> {
  const team = await createGroup(accounts.owner.token);
  await addMember(accounts.owner.token, team.uuid, accounts.reader.userName);
  await addMember(accounts.owner.token, team.uuid, accounts.writer.userName, true);
  return team.uuid;
}

async function account(): Promise<Account> {
  const signed = await signUpAndLogIn(uniqueName("matrix"));
  return { userName: signed.userName, password: signed.password, token: signed.accessToken };
}

async function logIn(who: Account): Promise<string> {
  const login = await api<{ access_token: string }>("POST", "/rest/auth/login", {
    body: { username: who.userName, password: who.password },
  });
  return login.body.access_token;
}

beforeAll(async () => {
  const [owner, stranger, reader, writer, bystander] = await Promise.all([
    account(),
    account(),
    account(),
    account(),
    account(),
  ]);
  const admin = { userName: "codalab", password: "test-admin-password", token: await adminToken() };
  const readers = await createGroup(owner.token);
  const writers = await createGroup(owner.token);
  await addMember(owner.token, readers.uuid, reader.userName);
  await addMember(owner.token, writers.uuid, writer.userName);
  sharingGroups = { readers: readers.uuid, writers: writers.uuid };
  const accounts = { owner, stranger, reader, writer, admin };
  const workerName = uniqueName("matrix-worker");
  const created = await api<{ token: string }>("POST", "/rest/workers/tokens", {
    token: owner.token,
    body: { worker_name: workerName },
  });
  world = {
    accounts,
    team: await freshTeam({ accounts }),
    bystanders: (await createGroup(admin.token)).name,
    bystander: bystander.userName,
    workerName,
    workerToken: created.body.token,
    objects: {
      private: {
        bundle: await makeObject(owner.token, "bundle", "private"),
        worksheet: await makeObject(owner.token, "worksheet", "private"),
      },
      shared: {
        bundle: await makeObject(owner.token, "bundle", "shared"),
        worksheet: await makeObject(owner.token, "worksheet", "shared"),
      },
    },
  };
});

async function tokenFor(role: Role, row: Row): Promise<string | undefined> {
  if (role === "anonymous") return undefined;
  if (role === "worker") return world.workerToken;
  const who = world.accounts[role];
  return row.freshLogin ? logIn(who) : who.token;
}

async function runCell(key: string, row: Row, role: Role, variant: Variant): Promise<string> {
  const method = key.slice(0, key.indexOf(" "));
  const objects = { ...world.objects[variant] };
  if (row.fresh !== undefined) objects[row.fresh] = await makeObject(world.accounts.owner.token, row.fresh, variant);
  const request = await row.request(objects, { role, variant, world });
  const token = await tokenFor(role, row);
  const headers = { ...request.headers };
  let body: string | undefined = request.bytes;
  if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers["content-type"] = "application/json";
  }
  const response = await raw(method, request.path, { token, body, headers });
  return row.observe ? row.observe(response) : String(response.status);
}

function expectedRow(row: Row, variant: Variant): string[] {
  const text = variant === "private" ? row.private : (row.shared ?? row.private);
  return text.trim().split(/\s+/);
}

describe("the permission matrix", () => {
  it("has a row for every route of the OpenAPI document, and no row for a route that is gone", async () => {
    const document = await api<{ paths: Record<string, Record<string, unknown>> }>("GET", "/rest/openapi.json");
    const routes = Object.entries(document.body.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const rows = Object.keys(MATRIX);
    expect(
      routes.filter((route) => !rows.includes(route)),
      "routes without a row in MATRIX: add one saying who may call them",
    ).toEqual([]);
    expect(
      rows.filter((row) => !routes.includes(row)),
      "rows for routes the API no longer has",
    ).toEqual([]);
    for (const [key, row] of Object.entries(MATRIX)) {
      for (const variant of VARIANTS) expect(expectedRow(row, variant), key).toHaveLength(ROLES.length);
    }
  });

  for (const [key, row] of Object.entries(MATRIX)) {
    it(`answers ${key} as the table says, for every role`, { timeout: 60_000 }, async () => {
      const actual: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const variant of VARIANTS) {
        const cells = await Promise.all(ROLES.map((role) => runCell(key, row, role, variant)));
        const want = expectedRow(row, variant);
        for (const [index, role] of ROLES.entries()) {
          actual[`${variant} ${role}`] = cells[index] ?? "";
          expected[`${variant} ${role}`] = want[index] ?? "";
        }
      }
      expect(actual).toEqual(expected);
    });
  }
});
