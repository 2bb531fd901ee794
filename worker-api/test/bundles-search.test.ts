import { env } from "cloudflare:test";
import type { BundleJson } from "@codalab/core";
import { beforeAll, describe, expect, it } from "vitest";
import { api, signUpAndLogIn, uniqueName } from "./helpers/api.ts";
import {
  addDependency,
  createBundle,
  type ErrorBody,
  insertGroup,
  insertWorksheet,
  PUBLIC_GROUP,
  readyFileBundle,
  shareBundle,
  userIdOf,
} from "./helpers/bundles.ts";

type SearchBody = { bundles: BundleJson[]; total: number } & { result: number | string } & ErrorBody;

function search(token: string | undefined, ...keywords: string[]) {
  const query = keywords.map((keyword) => `keywords=${encodeURIComponent(keyword)}`).join("&");
  return api<SearchBody>("GET", `/rest/bundles?${query}`, token ? { token } : {});
}

function resolve(token: string | undefined, specs: string[], worksheet?: string) {
  const query = [
    ...specs.map((spec) => `specs=${encodeURIComponent(spec)}`),
    ...(worksheet ? [`worksheet=${worksheet}`] : []),
  ];
  return api<{ bundles: BundleJson[] } & ErrorBody>("GET", `/rest/bundles?${query.join("&")}`, token ? { token } : {});
}

const names = (body: SearchBody) => body.bundles.map((bundle) => bundle.metadata.name);

let token: string;
let userName: string;
let tag: string;
let small: BundleJson;
let large: BundleJson;

beforeAll(async () => {
  ({ accessToken: token, userName } = await signUpAndLogIn());
  tag = uniqueName("t");
  small = await readyFileBundle(token, "12345", `small_${tag}`);
  large = await readyFileBundle(token, "1234567890", `large_${tag}`);
  await createBundle(token, { name: `pending_${tag}`, tags: ["todo", tag] });
});

describe("bundle search", () => {
  it("matches bare words against names and uuids, only among readable bundles", async () => {
    const res = await search(token, tag);
    expect(res.status).toBe(200);
    expect(names(res.body).sort()).toEqual([`large_${tag}`, `pending_${tag}`, `small_${tag}`]);
    expect(res.body.total).toBe(3);
    expect((await search(token, small.uuid.slice(0, 20))).body.bundles.map((b) => b.uuid)).toEqual([small.uuid]);
  });

  it("lists oldest first by default, as CodaLab's id order", async () => {
    expect(names((await search(token, tag)).body)).toEqual([`small_${tag}`, `large_${tag}`, `pending_${tag}`]);
  });

  it("filters on columns and metadata, with lists and wildcards", async () => {
    expect(names((await search(token, tag, "state=ready")).body)).toEqual([`small_${tag}`, `large_${tag}`]);
    expect(names((await search(token, tag, "state=uploading,failed")).body)).toEqual([`pending_${tag}`]);
    expect(names((await search(token, ".mine", `name=lar.*${tag}`)).body)).toEqual([`large_${tag}`]);
    expect(names((await search(token, ".mine", `name=small_${tag}`)).body)).toEqual([`small_${tag}`]);
    expect(names((await search(token, tag, "size=10")).body)).toEqual([`large_${tag}`]);
    expect(names((await search(token, tag, "type=dataset", "tags=todo")).body)).toEqual([`pending_${tag}`]);
    expect(names((await search(token, tag, `uuid=${large.uuid}`)).body)).toEqual([`large_${tag}`]);
  });

  it("matches =value against uuid, command and any metadata value", async () => {
    expect(names((await search(token, ".mine", `=${tag}`)).body)).toEqual([`pending_${tag}`]);
    expect(names((await search(token, ".mine", `=small_${tag}`)).body)).toEqual([`small_${tag}`]);
  });

  it("finds custom metadata keys set with edit", async () => {
    await api("PATCH", `/rest/bundles/${small.uuid}`, { token, body: { metadata: { accuracy: 0.93, split: "dev" } } });
    expect(names((await search(token, ".mine", "split=dev")).body)).toEqual([`small_${tag}`]);
    expect(names((await search(token, ".mine", "accuracy=0.93")).body)).toEqual([`small_${tag}`]);
    expect(names((await search(token, ".mine", "split=d%")).body)).toEqual([`small_${tag}`]);
  });

  it("sorts by a field either way, pages with limit and offset, and reports the total", async () => {
    expect(names((await search(token, tag, "state=ready", "size=.sort-")).body)).toEqual([
      `large_${tag}`,
      `small_${tag}`,
    ]);
    expect(names((await search(token, tag, "name=.sort")).body)).toEqual([
      `large_${tag}`,
      `pending_${tag}`,
      `small_${tag}`,
    ]);
    const page = await search(token, tag, ".last", ".limit=1", ".offset=1");
    expect(names(page.body)).toEqual([`large_${tag}`]);
    expect(page.body.total).toBe(3);
  });

  it("counts and sums, formatting the sum when asked", async () => {
    expect((await search(token, tag, ".count")).body).toEqual({ result: 3 });
    expect((await search(token, tag, "size=.sum")).body).toEqual({ result: 15 });
    expect((await search(token, tag, "size=.sum", ".format=size")).body).toEqual({ result: "15" });
    expect((await search(token, `nothing_${tag}`, "size=.sum")).body).toEqual({ result: 0 });
  });

  it("filters by owner name, .mine, .floating and host worksheet", async () => {
    expect((await search(token, `owner=${userName}`, tag, ".count")).body.result).toBe(3);
    expect((await search(token, `owner=${userName.toUpperCase()}`, tag, ".count")).body.result).toBe(3);
    const worksheet = await insertWorksheet(await userIdOf(token));
    const hosted = await createBundle(token, { name: `hosted_${tag}` }, { worksheet_uuid: worksheet });
    expect(names((await search(token, `host_worksheet=${worksheet}`)).body)).toEqual([`hosted_${tag}`]);
    expect(names((await search(token, `worksheet=${worksheet}`)).body)).toEqual([`hosted_${tag}`]);
    expect(names((await search(token, tag, ".floating")).body)).not.toContain(`hosted_${tag}`);
    expect(names((await search(token, tag, ".floating")).body)).toContain(`small_${tag}`);
    expect(hosted.uuid).toBeTruthy();
  });

  it("filters by dependency, optionally under a key", async () => {
    const child = await createBundle(token, { name: `child_${tag}` });
    await addDependency(child.uuid, small.uuid, "data");
    expect(names((await search(token, `dependency=${small.uuid}`)).body)).toEqual([`child_${tag}`]);
    expect(names((await search(token, `dependency/data=${small.uuid}`)).body)).toEqual([`child_${tag}`]);
    expect((await search(token, `dependency/other=${small.uuid}`)).body.bundles).toEqual([]);
  });

  it("filters by creation time, inclusive", async () => {
    await env.DB.prepare("update bundles set created = ? where uuid = ?").bind(1_000_000_000, small.uuid).run();
    expect(names((await search(token, tag, ".before=2001-09-09T01:46:40Z")).body)).toEqual([`small_${tag}`]);
    expect(names((await search(token, tag, ".after=2001-09-10")).body)).not.toContain(`small_${tag}`);
  });

  it("refuses bad keywords with 400 and a message", async () => {
    const unknown = await search(token, ".bogus=1");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("unknown search keyword");
    expect((await search(token, ".limit=5000")).status).toBe(400);
    const many = await search(token, `uuid=${Array.from({ length: 120 }, (_, i) => `0x${i}`).join(",")}`);
    expect(many.status).toBe(400);
    expect(many.body.error.message).toContain("too many values");
  });
});

describe("search visibility", () => {
  it("never shows another user's private bundle, shows public and group-shared ones, and shows admins all", async () => {
    const other = await signUpAndLogIn();
    const marker = uniqueName("vis");
    const hidden = await readyFileBundle(other.accessToken, "x", `hidden_${marker}`);
    const open = await readyFileBundle(other.accessToken, "x", `open_${marker}`);
    const team = await readyFileBundle(other.accessToken, "x", `team_${marker}`);
    await shareBundle(open.uuid, PUBLIC_GROUP, 1);
    const group = await insertGroup(await userIdOf(other.accessToken), [await userIdOf(token)]);
    await shareBundle(team.uuid, group, 1);

    expect(names((await search(token, marker)).body).sort()).toEqual([`open_${marker}`, `team_${marker}`]);
    expect((await search(token, `uuid=${hidden.uuid}`)).body.bundles).toEqual([]);
    expect((await search(token, marker, ".count")).body.result).toBe(2);
    expect(names((await search(undefined, marker)).body)).toEqual([`open_${marker}`]);
    expect(names((await search(token, marker, ".shared")).body)).toEqual([`team_${marker}`]);
    expect(names((await search(token, marker, `group=${group}`)).body)).toEqual([`team_${marker}`]);
    expect(names((await search(token, marker, ".mine")).body)).toEqual([]);

    const admin = await api<{ access_token: string }>("POST", "/rest/auth/login", {
      body: { username: "codalab", password: "test-admin-password" },
    });
    const all = await search(admin.body.access_token, marker);
    expect(names(all.body).sort()).toEqual([`hidden_${marker}`, `open_${marker}`, `team_${marker}`]);
  });
});

describe("resolving bundle specs", () => {
  it("resolves names to the newest match, name^N to older ones, and keeps the order asked", async () => {
    const name = uniqueName("spec");
    const older = await createBundle(token, { name });
    const newer = await createBundle(token, { name });
    const res = await resolve(token, [name, `${name}^2`, older.uuid]);
    expect(res.status).toBe(200);
    expect(res.body.bundles.map((bundle) => bundle.uuid)).toEqual([newer.uuid, older.uuid, older.uuid]);
  });

  it("answers 404 for a name that matches nothing and for an unknown or deleted uuid", async () => {
    const missing = await resolve(token, [uniqueName("nobody")]);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain("no bundle found matching");
    const gone = await resolve(token, [`0x${"f".repeat(32)}`]);
    expect(gone.status).toBe(404);
    const deleted = await createBundle(token, { name: "doomed" });
    await api("POST", "/rest/bundles/delete", { token, body: { uuids: [deleted.uuid] } });
    expect((await resolve(token, [deleted.uuid])).status).toBe(404);
    expect((await api("GET", `/rest/bundles/${deleted.uuid}`, { token })).status).toBe(404);
  });

  it("resolves a unique uuid prefix and refuses an ambiguous one with 409", async () => {
    const mine = await signUpAndLogIn();
    const byFirstDigit = new Map<string, string[]>();
    let shared: string[] | undefined;
    while (shared === undefined) {
      const bundle = await createBundle(mine.accessToken, { name: "p" });
      const digit = bundle.uuid.slice(2, 3);
      const list = [...(byFirstDigit.get(digit) ?? []), bundle.uuid];
      byFirstDigit.set(digit, list);
      if (list.length === 2) shared = list;
    }
    const [first = "", second = ""] = shared;
    let common = 2;
    while (first[common] === second[common]) common += 1;
    const ambiguous = await resolve(mine.accessToken, [first.slice(0, common)]);
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.error.code).toBe("AMBIGUOUS_SPEC");
    const unique = await resolve(mine.accessToken, [first.slice(0, 31)]);
    expect(unique.body.bundles[0]?.uuid).toBe(first);
  });

  it("never resolves to another user's private bundle, and refuses its uuid with 403", async () => {
    const other = await signUpAndLogIn();
    const name = uniqueName("private");
    const secret = await createBundle(other.accessToken, { name });
    expect((await resolve(token, [name])).status).toBe(404);
    expect((await resolve(token, [secret.uuid.slice(0, 30)])).status).toBe(404);
    const direct = await resolve(token, [secret.uuid]);
    expect(direct.status).toBe(403);
    expect(direct.body.error.message).toBe(`you do not have read permission on bundle ${secret.uuid}`);
  });

  it("resolves names and ^N on a worksheet, newest item first", async () => {
    const worksheet = await insertWorksheet(await userIdOf(token), { name: uniqueName("ws") });
    const name = uniqueName("onws");
    const a = await createBundle(token, { name }, { worksheet_uuid: worksheet });
    const b = await createBundle(token, { name: `${name}_b` }, { worksheet_uuid: worksheet });
    await createBundle(token, { name }); // not on the worksheet
    const res = await resolve(token, [name, "^1", "^2"], worksheet);
    expect(res.body.bundles.map((bundle) => bundle.uuid)).toEqual([a.uuid, b.uuid, a.uuid]);
    const onNamed = await resolve(token, [`${worksheet}//${name}_b`]);
    expect(onNamed.body.bundles[0]?.uuid).toBe(b.uuid);
    const tooFar = await resolve(token, ["^3"], worksheet);
    expect(tooFar.status).toBe(404);
  });

  it("refuses a base worksheet the caller cannot read", async () => {
    const other = await signUpAndLogIn();
    const worksheet = await insertWorksheet(await userIdOf(other.accessToken));
    const res = await resolve(token, ["^1"], worksheet);
    expect(res.status).toBe(403);
  });

  it("refuses specs and keywords together, and malformed specs", async () => {
    expect((await api("GET", "/rest/bundles?specs=a&keywords=b", { token })).status).toBe(400);
    const bad = await resolve(token, ["a/b"]);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("INVALID_SPEC");
  });
});
