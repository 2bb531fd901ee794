import { env } from "cloudflare:test";
import type { WorksheetJson } from "@codalab/core";
import { describe, expect, it } from "vitest";
import { api, signUpAndLogIn } from "./helpers/api.ts";
import { type BundleBody, createBundle, type ErrorBody, PUBLIC_GROUP, userIdOf } from "./helpers/bundles.ts";
import {
  addItems,
  createWorksheet,
  getItems,
  getSource,
  type ItemsBody,
  putSource,
  setSource,
  type WorksheetBody,
  worksheetName,
} from "./helpers/worksheets.ts";

const patch = (token: string, uuid: string, body: Record<string, unknown>) =>
  api<WorksheetBody & ErrorBody>("PATCH", `/rest/worksheets/${uuid}`, { token, body });
const remove = (token: string, body: Record<string, unknown>) =>
  api<{ deleted: string[] } & ErrorBody>("POST", "/rest/worksheets/delete", { token, body });
const specs = (token: string | undefined, ...values: string[]) =>
  api<{ worksheets: WorksheetJson[] } & ErrorBody>(
    "GET",
    `/rest/worksheets?${values.map((value) => `specs=${encodeURIComponent(value)}`).join("&")}`,
    { token },
  );
const search = (token: string, ...keywords: string[]) =>
  api<{ worksheets: WorksheetJson[]; total: number } & ErrorBody>(
    "GET",
    `/rest/worksheets?${keywords.map((keyword) => `keywords=${encodeURIComponent(keyword)}`).join("&")}`,
    { token },
  );

describe("creating worksheets", () => {
  it("creates an empty worksheet readable by everyone, owned by the caller", async () => {
    const { accessToken, userName } = await signUpAndLogIn();
    const name = worksheetName();
    const res = await api<WorksheetBody>("POST", "/rest/worksheets", {
      token: accessToken,
      body: { name, title: "T" },
    });
    expect(res.status).toBe(201);
    expect(res.body.worksheet).toMatchObject({
      name,
      title: "T",
      owner_name: userName,
      frozen: null,
      version: 0,
      permission: "all",
      group_permissions: [{ group_name: "public", permission: "read" }],
    });
    const other = await signUpAndLogIn();
    const seen = await api<ItemsBody>("GET", `/rest/worksheets/${res.body.worksheet.uuid}`, {
      token: other.accessToken,
    });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ worksheet: { permission: "read" }, items: [] });
  });

  it("refuses a name that breaks the rule, is taken, or is someone else's home", async () => {
    const { accessToken } = await signUpAndLogIn();
    const create = (name: string) => api<ErrorBody>("POST", "/rest/worksheets", { token: accessToken, body: { name } });
    const invalid = await create("1-starts-with-digit");
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: "INVALID_NAME" });
    expect(invalid.body.error.message).toContain("must start with a letter");
    const name = worksheetName();
    expect((await create(name)).status).toBe(201);
    const taken = await create(name);
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe("ALREADY_EXISTS");
    expect(taken.body.error.message).toContain(name);
    const home = await create("home-somebody-else");
    expect(home.status).toBe(400);
    expect(home.body.error.message).toContain("reserved for home worksheets");
  });

  it("creates the home worksheet on first use, once", async () => {
    const { accessToken, userName } = await signUpAndLogIn();
    const [first, second] = await Promise.all([specs(accessToken, "/"), specs(accessToken, "")]);
    expect(first.status).toBe(200);
    expect(first.body.worksheets[0]?.name).toBe(`home-${userName}`);
    expect(second.body.worksheets[0]?.uuid).toBe(first.body.worksheets[0]?.uuid);
    const anonymous = await specs(undefined, "/");
    expect(anonymous.status).toBe(401);
  });
});

describe("resolving worksheet specs", () => {
  it("resolves names, uuid prefixes and '.' with a base", async () => {
    const { accessToken } = await signUpAndLogIn();
    const ws = await createWorksheet(accessToken);
    const res = await specs(accessToken, ws.name, ws.uuid.slice(0, 20), ".");
    expect(res.status).toBe(400);
    const withBase = await api<{ worksheets: WorksheetJson[] }>(
      "GET",
      `/rest/worksheets?specs=${ws.name}&specs=${ws.uuid.slice(0, 20)}&specs=.&base=${ws.uuid}`,
      { token: accessToken },
    );
    expect(withBase.body.worksheets.map((w) => w.uuid)).toEqual([ws.uuid, ws.uuid, ws.uuid]);
    const missing = await specs(accessToken, "no-such-worksheet-anywhere");
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain("no worksheet found with name 'no-such-worksheet-anywhere'");
  });

  it("does not resolve a private worksheet's name for others", async () => {
    const owner = await signUpAndLogIn();
    const ws = await createWorksheet(owner.accessToken);
    await env.DB.prepare("delete from group_worksheet_permissions where worksheet_uuid = ?").bind(ws.uuid).run();
    const other = await signUpAndLogIn();
    expect((await specs(other.accessToken, ws.name)).status).toBe(404);
    const direct = await api<ErrorBody>("GET", `/rest/worksheets/${ws.uuid}`, { token: other.accessToken });
    expect(direct.status).toBe(403);
    expect(direct.body.error.message).toBe(`you do not have read permission on worksheet ${ws.uuid}`);
  });
});

describe("saving the markdown source", () => {
  it("turns lines into items, resolving bundle specs against the worksheet, and renders them back", async () => {
    const { accessToken } = await signUpAndLogIn();
    const ws = await createWorksheet(accessToken);
    const data = await createBundle(accessToken, { name: "data" }, { worksheet_uuid: ws.uuid });
    const model = await createBundle(accessToken, { name: "model" }, { worksheet_uuid: ws.uuid });
    const other = await createWorksheet(accessToken);
    await createBundle(accessToken, { name: "elsewhere" }, { worksheet_uuid: other.uuid });
    const saved = await setSource(accessToken, ws.uuid, [
      "# Results",
      "// a comment",
      "% display table name",
      "[]{data}",
      "[anything]{^1}",
      `[]{${other.name}//elsewhere}`,
      `[]{{${other.name}}}`,
      "[]{{no-such-sheet}}",
      "",
    ]);
    expect(saved.items.map((item) => item.type)).toEqual([
      "markup",
      "directive",
      "directive",
      "bundle",
      "bundle",
      "bundle",
      "worksheet",
      "markup",
      "markup",
    ]);
    expect(saved.items[3]?.bundle_uuid).toBe(data.uuid);
    expect(saved.items[4]?.bundle_uuid).toBe(model.uuid);
    expect(saved.items[6]?.subworksheet_uuid).toBe(other.uuid);
    expect(saved.items[7]?.value).toContain("no worksheet found with name 'no-such-sheet'");
    expect(saved.worksheet.version).toBeGreaterThan(0);
    const source = await getSource(accessToken, ws.uuid);
    expect(source.body.source.split("\n")).toEqual([
      "# Results",
      "// a comment",
      "% display table name",
      `[dataset data]{${data.uuid}}`,
      `[dataset model]{${model.uuid}}`,
      expect.stringMatching(/^\[dataset elsewhere\]\{0x/),
      `[worksheet ${other.name}]{{${other.uuid}}}`,
      expect.stringContaining("no-such-sheet"),
      "",
      "",
    ]);
  });

  it("refuses a save based on a stale version and keeps the other edit", async () => {
    const { accessToken } = await signUpAndLogIn();
    const ws = await createWorksheet(accessToken);
    const { version } = (await getSource(accessToken, ws.uuid)).body;
    expect((await putSource(accessToken, ws.uuid, "first edit\n", version)).status).toBe(200);
    const stale = await putSource(accessToken, ws.uuid, "second edit\n", version);
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("STALE_VERSION");
    expect(stale.body.error.message).toContain("changed by someone else");
    expect(stale.body.error.details).toMatchObject({ current_version: version + 1 });
    expect((await getSource(accessToken, ws.uuid)).body.source).toBe("first edit\n");
  });

  it("refuses a spec that resolves to nothing or to several bundles, naming the line", async () => {
    const { accessToken } = await signUpAndLogIn();
    const ws = await createWorksheet(accessToken);
    const { version } = (await getSource(accessToken, ws.uuid)).body;
    const missing = await putSource(accessToken, ws.uuid, "intro\n[]{no-such-bundle}\n", version);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      "line 2 ([]{no-such-bundle}): no bundle found matching 'no-such-bundle' on this worksheet",
    );
    // Two bundles of mine whose uuids share a prefix: the prefix names several.
    const owner = await userIdOf(accessToken);
    const prefix = `0x${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
    for (const suffix of ["00000001", "00000002"]) {
      await env.DB.prepare(
        "insert into bundles (uuid, bundle_type, state, owner_id, name) values (?, 'dataset', 'ready', ?, 'twin')",
      )
        .bind(prefix + suffix, owner)
        .run();
    }
    const ambiguous = await putSource(accessToken, ws.uuid, `[]{${prefix}}\n`, version);
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.error.code).toBe("AMBIGUOUS_SPEC");
    expect(ambiguous.body.error.message).toContain(
      `line 1 ([]{${prefix}}): more than one bundle has uuid prefix ${prefix}`,
    );
    expect((await getSource(accessToken, ws.uuid)).body.source).toBe("");
  });

  it("refuses a 5 MB source with 413 and saves nothing", async () => {
    const { accessToken } = await signUpAndLogIn();
    const ws = await createWorksheet(accessToken);
    const line = `${"x".repeat(99)}\n`;
    const big = line.repeat(50_000);
    const res = await putSource(accessToken, ws.uuid, big, 0);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    expect(res.body.error.message).toContain("at most 1048576 (1 MiB)");
    expect(await getItems(accessToken, ws.uuid)).toEqual([]);
  });

  it("stores <script> markup as text and only ever returns it inside JSON", async () => {
    const { accessToken } = await signUpAndLogIn();
    const ws = await createWorksheet(accessToken);
    await setSource(accessToken, ws.uuid, ["<script>alert(1)</script>"]);
    const source = await getSource(accessToken, ws.uuid);
    expect(source.headers.get("content-type")).toContain("application/json");
    expect(source.body.source).toBe("<script>alert(1)</script>\n");
    const interpreted = await api<{ blocks: { mode: string; text: string }[] }>(
      "GET",
      `/rest/worksheets/${ws.uuid}/interpretation`,
      { token: accessToken },
    );
    expect(interpreted.headers.get("content-type")).toContain("application/json");
    expect(interpreted.body.blocks).toEqual([
      expect.objectContaining({ mode: "markup_block", text: "<script>alert(1)</script>" }),
    ]);
  });

  it("needs all permission and an unfrozen worksheet", async () => {
    const owner = await signUpAndLogIn();
    const ws = await createWorksheet(owner.accessToken);
    const other = await signUpAndLogIn();
    const forbidden = await putSource(other.accessToken, ws.uuid, "mine now\n", 0);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toBe(`you do not have all permission on worksheet ${ws.uuid}`);
    expect((await patch(owner.accessToken, ws.uuid, { frozen: true })).status).toBe(200);
    const frozen = await putSource(owner.accessToken, ws.uuid, "too late\n", 0);
    expect(frozen.status).toBe(409);
    expect(frozen.body.error.code).toBe("FROZEN");
    expect(frozen.body.error.message).toContain("is frozen");
    const appended = await addItems(owner.accessToken, ws.uuid, { items: [{ type: "markup", value: "x" }] });
    expect(appended.status).toBe(409);
    const bundle = await api<ErrorBody>("POST", "/rest/bundles", {
      token: owner.accessToken,
      body: { metadata: { name: "late" }, worksheet_uuid: ws.uuid },
    });
    expect(bundle.status).toBe(409);
    expect(bundle.body.error.code).toBe("FROZEN");
  });
});

describe("adding and removing items", () => {
  it("appends, inserts after an item, at the top, and in place of items", async () => {
    const { accessToken } = await signUpAndLogIn();
    const ws = await createWorksheet(accessToken);
    const saved = await setSource(accessToken, ws.uuid, ["a", "b", "c"]);
    const [a, b, c] = saved.items;
    const text = async () => (await getItems(accessToken, ws.uuid)).map((item) => item.value);
    const appended = await addItems(accessToken, ws.uuid, { items: [{ type: "markup", value: "d" }] });
    expect(appended.status).toBe(200);
    expect(appended.body.added.map((item) => item.value)).toEqual(["d"]);
    await addItems(accessToken, ws.uuid, {
      items: [
        { type: "markup", value: "a2" },
        { type: "directive", value: "display record" },
      ],
      after_id: a?.id,
    });
    expect(await text()).toEqual(["a", "a2", "display record", "b", "c", "d"]);
    await addItems(accessToken, ws.uuid, { source: "top\n", after_id: 0 });
    expect(await text()).toEqual(["top", "a", "a2", "display record", "b", "c", "d"]);
    const replaced = await addItems(accessToken, ws.uuid, { source: "B\nC\n", replace_ids: [b?.id, c?.id] });
    expect(replaced.body.added.map((item) => item.value)).toEqual(["B", "C"]);
    expect(await text()).toEqual(["top", "a", "a2", "display record", "B", "C", "d"]);
  });

  it("refuses unknown items, multi-line values, unreadable bundles and a stale version", async () => {
    const { accessToken } = await signUpAndLogIn();
    const ws = await createWorksheet(accessToken);
    const unknown = await addItems(accessToken, ws.uuid, {
      items: [{ type: "markup", value: "x" }],
      after_id: 999_999_999,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(`item 999999999 is not on worksheet ${ws.uuid}`);
    const multi = await addItems(accessToken, ws.uuid, { items: [{ type: "markup", value: "x\ny" }] });
    expect(multi.status).toBe(400);
    expect(multi.body.error.message).toContain("one line each");
    const both = await addItems(accessToken, ws.uuid, { items: [{ type: "markup", value: "x" }], source: "y" });
    expect(both.status).toBe(400);
    const other = await signUpAndLogIn();
    const secret = await createBundle(other.accessToken, { name: "secret" });
    const unreadable = await addItems(accessToken, ws.uuid, { items: [{ type: "bundle", bundle_uuid: secret.uuid }] });
    expect(unreadable.status).toBe(403);
    expect(unreadable.body.error.message).toBe(`you do not have read permission on bundle ${secret.uuid}`);
    const stale = await addItems(accessToken, ws.uuid, { items: [{ type: "markup", value: "x" }], version: 99 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("STALE_VERSION");
  });

  it("detaches items, leaving the bundles", async () => {
    const { accessToken } = await signUpAndLogIn();
    const ws = await createWorksheet(accessToken);
    const bundle = await createBundle(accessToken, { name: "kept" }, { worksheet_uuid: ws.uuid });
    const [item] = await getItems(accessToken, ws.uuid);
    const res = await api<{ deleted: number[] } & ErrorBody>("POST", `/rest/worksheets/${ws.uuid}/items/delete`, {
      token: accessToken,
      body: { ids: [item?.id] },
    });
    expect(res.status).toBe(200);
    expect(res.body.deleted).toEqual([item?.id]);
    expect(await getItems(accessToken, ws.uuid)).toEqual([]);
    expect((await api("GET", `/rest/bundles/${bundle.uuid}`, { token: accessToken })).status).toBe(200);
  });

  it("appends a new bundle to the worksheet named at creation, with its permissions", async () => {
    const { accessToken } = await signUpAndLogIn();
    const ws = await createWorksheet(accessToken);
    const res = await api<BundleBody>("POST", "/rest/bundles", {
      token: accessToken,
      body: { metadata: { name: "hosted" }, worksheet_uuid: ws.uuid },
    });
    expect(res.status).toBe(201);
    const items = await api<ItemsBody & { bundles: Record<string, { metadata: { name: string } }> }>(
      "GET",
      `/rest/worksheets/${ws.uuid}?include=bundles`,
      { token: accessToken },
    );
    expect(items.body.items).toEqual([expect.objectContaining({ type: "bundle", bundle_uuid: res.body.bundle.uuid })]);
    expect(items.body.bundles[res.body.bundle.uuid]?.metadata.name).toBe("hosted");
    const other = await signUpAndLogIn();
    expect((await api("GET", `/rest/bundles/${res.body.bundle.uuid}`, { token: other.accessToken })).status).toBe(200);
  });
});

describe("editing worksheet metadata", () => {
  it("changes name, title, tags, owner and anonymity", async () => {
    const { accessToken } = await signUpAndLogIn();
    const newOwner = await signUpAndLogIn();
    const ws = await createWorksheet(accessToken);
    const name = worksheetName("renamed");
    const res = await patch(accessToken, ws.uuid, {
      name,
      title: "A title",
      tags: ["paper", "nlp"],
      is_anonymous: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.worksheet).toMatchObject({ name, title: "A title", tags: ["nlp", "paper"], is_anonymous: true });
    const owned = await patch(accessToken, ws.uuid, { owner: newOwner.userName });
    expect(owned.status).toBe(200);
    expect(owned.body.worksheet.permission).toBe("read");
    const after = await api<WorksheetBody>("GET", `/rest/worksheets/${ws.uuid}`, { token: newOwner.accessToken });
    expect(after.body.worksheet).toMatchObject({ owner_name: newOwner.userName, permission: "all" });
  });

  it("refuses a taken name, an unknown owner, and any change but unfreezing while frozen", async () => {
    const { accessToken } = await signUpAndLogIn();
    const ws = await createWorksheet(accessToken);
    const other = await createWorksheet(accessToken);
    const taken = await patch(accessToken, ws.uuid, { name: other.name });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe("ALREADY_EXISTS");
    const nobody = await patch(accessToken, ws.uuid, { owner: "no_such_user_at_all" });
    expect(nobody.status).toBe(404);
    expect(nobody.body.error.message).toBe('no user named "no_such_user_at_all"');
    await patch(accessToken, ws.uuid, { frozen: true });
    const frozen = await patch(accessToken, ws.uuid, { title: "x" });
    expect(frozen.status).toBe(409);
    expect(frozen.body.error.code).toBe("FROZEN");
    const thawed = await patch(accessToken, ws.uuid, { frozen: false, title: "x" });
    expect(thawed.status).toBe(200);
    expect(thawed.body.worksheet).toMatchObject({ frozen: null, title: "x" });
  });
});

describe("deleting worksheets", () => {
  it("refuses non-empty or frozen worksheets without force", async () => {
    const { accessToken } = await signUpAndLogIn();
    const ws = await createWorksheet(accessToken);
    await setSource(accessToken, ws.uuid, ["note"]);
    const refused = await remove(accessToken, { uuids: [ws.uuid] });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain("is not empty (1 items)");
    const frozen = await createWorksheet(accessToken);
    await patch(accessToken, frozen.uuid, { frozen: true });
    expect((await remove(accessToken, { uuids: [frozen.uuid] })).body.error.code).toBe("FROZEN");
    const forced = await remove(accessToken, { uuids: [ws.uuid, frozen.uuid], force: true });
    expect(forced.body.deleted).toEqual([ws.uuid, frozen.uuid]);
    expect((await api("GET", `/rest/worksheets/${ws.uuid}`, { token: accessToken })).status).toBe(404);
  });

  it("needs all permission", async () => {
    const owner = await signUpAndLogIn();
    const ws = await createWorksheet(owner.accessToken);
    const other = await signUpAndLogIn();
    expect((await remove(other.accessToken, { uuids: [ws.uuid] })).status).toBe(403);
  });
});

describe("searching worksheets", () => {
  it("finds by words, keys and flags, own worksheets first", async () => {
    const me = await signUpAndLogIn();
    const someone = await signUpAndLogIn();
    const stem = worksheetName("findme");
    const mine = await createWorksheet(me.accessToken, `${stem}-mine`);
    const theirs = await createWorksheet(someone.accessToken, `${stem}-theirs`);
    await patch(me.accessToken, mine.uuid, { tags: ["paper"] });
    await setSource(someone.accessToken, theirs.uuid, ["a needle in text"]);
    const found = await search(me.accessToken, stem);
    expect(found.body.worksheets.map((w) => w.name)).toEqual([`${stem}-mine`, `${stem}-theirs`]);
    expect(found.body.total).toBe(2);
    expect((await search(me.accessToken, stem, ".mine")).body.worksheets.map((w) => w.uuid)).toEqual([mine.uuid]);
    expect((await search(me.accessToken, stem, "tag=paper")).body.worksheets.map((w) => w.uuid)).toEqual([mine.uuid]);
    expect((await search(me.accessToken, `owner=${someone.userName}`)).body.worksheets.map((w) => w.uuid)).toContain(
      theirs.uuid,
    );
    expect((await search(me.accessToken, "=needle in")).body.worksheets.map((w) => w.uuid)).toEqual([theirs.uuid]);
    const bad = await search(me.accessToken, "colour=blue");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("unknown worksheet search key 'colour'");
  });

  it("never shows worksheets the caller cannot read", async () => {
    const owner = await signUpAndLogIn();
    const ws = await createWorksheet(owner.accessToken, worksheetName("hidden"));
    await env.DB.prepare("delete from group_worksheet_permissions where worksheet_uuid = ? and group_uuid = ?")
      .bind(ws.uuid, PUBLIC_GROUP)
      .run();
    const other = await signUpAndLogIn();
    expect((await search(other.accessToken, ws.name)).body.worksheets).toEqual([]);
  });
});
