import type { BundleJson } from "@codalab/core";
import { describe, expect, it } from "vitest";
import { api, signUpAndLogIn } from "./helpers/api.ts";
import { type ErrorBody, PUBLIC_GROUP, readyFileBundle, shareBundle } from "./helpers/bundles.ts";
import { createRun } from "./runs-fake-runner.ts";

type Graph = { bundles: BundleJson[] } & ErrorBody;
type Memoized = { bundle: BundleJson | null } & ErrorBody;

function graph(token: string, uuids: string[], query = "") {
  const params = uuids.map((uuid) => `uuid=${uuid}`).join("&");
  return api<Graph>("GET", `/rest/bundle-graph?${params}${query}`, { token });
}

const names = (bundles: BundleJson[]) => bundles.map((bundle) => bundle.metadata.name);
const dep = (key: string, parent: string, path = "") => ({ child_path: key, parent_uuid: parent, parent_path: path });

/** data → prep → train, all the caller's; another user's private run on data. */
async function pipeline() {
  const owner = await signUpAndLogIn();
  const other = await signUpAndLogIn();
  const data = await readyFileBundle(owner.accessToken, "1 2 3", "data");
  const prep = await createRun(owner.accessToken, "sort data", {
    dependencies: [dep("data", data.uuid)],
    metadata: { name: "prep" },
  });
  const train = await createRun(owner.accessToken, "wc prep", {
    dependencies: [dep("prep", prep.uuid)],
    metadata: { name: "train" },
  });
  const hidden = await createRun(other.accessToken, "cat data", {
    dependencies: [dep("data", data.uuid)],
    metadata: { name: "hidden" },
  });
  return { owner: owner.accessToken, other: other.accessToken, data, prep, train, hidden };
}

describe("GET /rest/bundle-graph", () => {
  it("walks children breadth-first to the depth asked, leaving out bundles the caller cannot read", async () => {
    const { owner, data, hidden } = await pipeline();
    expect(names((await graph(owner, [data.uuid])).body.bundles)).toEqual(["data", "prep", "train"]);
    expect(names((await graph(owner, [data.uuid], "&depth=1")).body.bundles)).toEqual(["data", "prep"]);
    expect(names((await graph(owner, [data.uuid], "&depth=0")).body.bundles)).toEqual(["data"]);
    await shareBundle(hidden.uuid, PUBLIC_GROUP, 1);
    expect(names((await graph(owner, [data.uuid])).body.bundles)).toEqual(["data", "prep", "hidden", "train"]);
  });

  it("walks parents with their dependencies, as mimic's output form needs", async () => {
    const { owner, train } = await pipeline();
    const res = await graph(owner, [train.uuid], "&direction=parents");
    expect(res.status).toBe(200);
    expect(names(res.body.bundles)).toEqual(["train", "prep", "data"]);
    expect(res.body.bundles[0]?.dependencies).toMatchObject([{ child_path: "prep", parent_name: "prep" }]);
  });

  it("refuses a start bundle the caller cannot read, one that does not exist, and a bad depth", async () => {
    const { owner, hidden } = await pipeline();
    const forbidden = await graph(owner, [hidden.uuid]);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe("FORBIDDEN");
    const missing = await graph(owner, [`0x${"e".repeat(32)}`]);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toMatch(/not found/);
    const deep = await graph(owner, [hidden.uuid], "&depth=101");
    expect(deep.status).toBe(400);
    expect(deep.body.error).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("depth") });
    const none = await api<ErrorBody>("GET", "/rest/bundle-graph", { token: owner });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/at least one bundle uuid/);
  });
});

describe("POST /rest/bundles/memoized", () => {
  function lookup(token: string, command: string, dependencies: unknown[]) {
    return api<Memoized>("POST", "/rest/bundles/memoized", { token, body: { command, dependencies } });
  }

  it("finds the newest readable run with the same command and dependencies, keys compared normalised", async () => {
    const { owner, other, data, prep } = await pipeline();
    const again = await createRun(owner, "sort data", {
      dependencies: [dep("data", data.uuid)],
      metadata: { name: "prep2" },
    });
    const found = await lookup(owner, "sort data", [dep("./data/", data.uuid)]);
    expect(found.status).toBe(200);
    expect(found.body.bundle?.uuid).toBe(again.uuid);
    expect(found.body.bundle?.uuid).not.toBe(prep.uuid);
    // Not the same computation: another key, another path, another command.
    expect((await lookup(owner, "sort data", [dep("input", data.uuid)])).body.bundle).toBeNull();
    expect((await lookup(owner, "sort data", [dep("data", data.uuid, "sub")])).body.bundle).toBeNull();
    expect((await lookup(owner, "sort -r data", [dep("data", data.uuid)])).body.bundle).toBeNull();
    // Another user's private runs are never offered.
    expect((await lookup(other, "sort data", [dep("data", data.uuid)])).body.bundle).toBeNull();
  });

  it("refuses a malformed dependency with the field named", async () => {
    const { accessToken: owner } = await signUpAndLogIn();
    const res = await lookup(owner, "ls", [{ child_path: "x", parent_uuid: "nope" }]);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("uuid") });
    const empty = await lookup(owner, "", []);
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/command is required/);
  });
});
