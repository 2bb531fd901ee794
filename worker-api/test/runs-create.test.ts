import type { BundleJson } from "@codalab/core";
import { describe, expect, it } from "vitest";
import { api, signUpAndLogIn, uniqueName } from "./helpers/api.ts";
import {
  createBundle,
  type ErrorBody,
  PUBLIC_GROUP,
  readyFileBundle,
  shareBundle,
  uploadBytes,
} from "./helpers/bundles.ts";
import { createRun, FakeRunner, getBundle, waitForState } from "./runs-fake-runner.ts";

type Created = { bundle: BundleJson };

function post(token: string, body: Record<string, unknown>) {
  return api<Created & ErrorBody>("POST", "/rest/bundles", { token, body });
}

function run(dependencies: unknown[], metadata: Record<string, unknown> = {}) {
  return { bundle_type: "run", command: "echo hi", dependencies, metadata: { name: "r", ...metadata } };
}

const PARENT = `0x${"a".repeat(32)}`;

describe("creating a run", () => {
  it("stores the command, keys and every request field, and starts created", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const res = await post(token, {
      ...run([{ child_path: "in//data/", parent_uuid: PARENT, parent_path: "./sub/file" }], {
        description: "d",
        tags: ["t"],
        request_docker_image: "python:3.12",
        request_time: "1h30m",
        request_memory: "3g",
        request_disk: "1g",
        request_cpus: "2",
        request_gpus: 0,
        request_queue: "tag=gpu",
        request_priority: -1,
        request_network: true,
        exclude_patterns: ["*.ckpt"],
        allow_failed_dependencies: true,
      }),
    });
    expect(res.status).toBe(201);
    const bundle = res.body.bundle;
    expect(bundle).toMatchObject({ bundle_type: "run", command: "echo hi" });
    expect(["created", "failed"]).toContain(bundle.state);
    expect(bundle.dependencies).toEqual([
      { child_path: "in/data", parent_uuid: PARENT, parent_path: "sub/file", parent_name: null, parent_state: null },
    ]);
    expect(bundle.metadata).toMatchObject({
      request_docker_image: "python:3.12",
      request_time: 5400,
      request_memory: 3 * 1024 ** 3,
      request_disk: 1024 ** 3,
      request_cpus: 2,
      request_gpus: 0,
      request_queue: "gpu",
      request_priority: -1,
      request_network: true,
      exclude_patterns: ["*.ckpt"],
      allow_failed_dependencies: true,
    });
  });

  it.each([
    ["'..'", [{ child_path: "../x", parent_uuid: PARENT }], "'..'"],
    ["a '..' segment inside", [{ child_path: "a/../b", parent_uuid: PARENT }], "'..'"],
    ["a leading /", [{ child_path: "/abs", parent_uuid: PARENT }], "relative"],
    ["NUL", [{ child_path: "a\u0000b", parent_uuid: PARENT }], "NUL"],
    ["a newline", [{ child_path: "a\nb", parent_uuid: PARENT }], "newline"],
    [
      "a duplicate",
      [
        { child_path: "a", parent_uuid: PARENT },
        { child_path: "a/", parent_uuid: PARENT },
      ],
      "duplicate",
    ],
    [
      "a key inside another",
      [
        { child_path: "a", parent_uuid: PARENT },
        { child_path: "a/b", parent_uuid: PARENT },
      ],
      "overlap",
    ],
    ["no key", [{ child_path: "", parent_uuid: PARENT }], "needs a key"],
    ["other characters", [{ child_path: "a b", parent_uuid: PARENT }], "may only contain"],
  ])("refuses a dependency key with %s (400)", async (_what, dependencies, message) => {
    const { accessToken: token } = await signUpAndLogIn();
    const res = await post(token, run(dependencies));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.message).toContain(message);
  });

  it("refuses parent paths that leave the parent and uuids that are not uuids", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const escaping = await post(token, run([{ child_path: "a", parent_uuid: PARENT, parent_path: "../etc" }]));
    expect(escaping.status).toBe(400);
    expect(escaping.body.error.code).toBe("INVALID_PATH");
    const notUuid = await post(token, run([{ child_path: "a", parent_uuid: "0x12" }]));
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.error.message).toContain("dependencies.0.parent_uuid");
  });

  it.each([
    [{ request_memory: "lots" }, "invalid request_memory"],
    [{ request_time: "soon" }, "invalid request_time"],
    [{ request_cpus: -1 }, "invalid request_cpus"],
    [{ request_gpus: "1.5" }, "invalid request_gpus"],
    [{ request_docker_image: "not an image!" }, "invalid request_docker_image"],
    [{ request_network: "maybe" }, "invalid request_network"],
    [{ colour: "blue" }, "colour"],
  ])("refuses bad metadata %j (400)", async (metadata, message) => {
    const { accessToken: token } = await signUpAndLogIn();
    const res = await post(token, run([], metadata));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
  });

  it("refuses a run without a command and a name outside the name rule", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const noCommand = await post(token, { bundle_type: "run", metadata: { name: "r" } });
    expect(noCommand.status).toBe(400);
    expect(noCommand.body.error.message).toContain("command");
    const badName = await post(token, { ...run([]), metadata: { name: "9 lives" } });
    expect(badName.status).toBe(400);
    expect(badName.body.error.code).toBe("INVALID_NAME");
  });

  it("needs a logged-in caller", async () => {
    const res = await api<ErrorBody>("POST", "/rest/bundles", { body: run([]) });
    expect(res.status).toBe(401);
  });
});

describe("creating a make bundle", () => {
  it("takes one unkeyed target or keyed ones, never both, and no resource requests", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const make = (dependencies: unknown[], metadata: Record<string, unknown> = {}) =>
      post(token, { bundle_type: "make", dependencies, metadata: { name: "m", ...metadata } });
    const mixed = await make([
      { child_path: "", parent_uuid: PARENT },
      { child_path: "b", parent_uuid: PARENT },
    ]);
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.message).toContain("unkeyed target");
    const twoUnkeyed = await make([
      { child_path: "", parent_uuid: PARENT },
      { child_path: "", parent_uuid: PARENT },
    ]);
    expect(twoUnkeyed.status).toBe(400);
    expect((await make([])).status).toBe(400);
    const requests = await make([{ child_path: "", parent_uuid: PARENT }], { request_cpus: 2 });
    expect(requests.status).toBe(400);
    expect(requests.body.error.message).toContain("request_cpus");
    const dot = await make([{ child_path: ".", parent_uuid: PARENT }]);
    expect(dot.status).toBe(400);
  });
});

describe("staging", () => {
  it("fails a run whose parent does not exist", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const created = await createRun(token, "cat x", { dependencies: [{ child_path: "x", parent_uuid: PARENT }] });
    const failed = await waitForState(token, created.uuid, "failed");
    expect(failed.state_details).toBe(`Missing parent bundles: ${PARENT}`);
  });

  it("fails a run whose owner cannot read a parent, and stages it once the parent is shared", async () => {
    const { accessToken: other } = await signUpAndLogIn();
    const { accessToken: token, userName } = await signUpAndLogIn();
    const secret = await readyFileBundle(other, "secret", "secret");
    const refused = await createRun(token, "cat x", { dependencies: [{ child_path: "x", parent_uuid: secret.uuid }] });
    const failed = await waitForState(token, refused.uuid, "failed");
    expect(failed.state_details).toBe(
      `The owner (${userName}) does not have read permission on parent bundles: ${secret.uuid}`,
    );
    await shareBundle(secret.uuid, PUBLIC_GROUP, 1);
    const allowed = await createRun(token, "cat x", { dependencies: [{ child_path: "x", parent_uuid: secret.uuid }] });
    await waitForState(token, allowed.uuid, "staged");
  });

  it("fails a run on a failed or killed parent unless allow_failed_dependencies is set", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const broken = await createBundle(token, { name: "broken" });
    await api("DELETE", `/rest/bundles/${broken.uuid}/upload`, { token });
    expect((await getBundle(token, broken.uuid)).state).toBe("failed");
    const killed = await createRun(token, "sleep 1", { dependencies: [{ child_path: "x", parent_uuid: PARENT }] });
    await waitForState(token, killed.uuid, "failed");
    const toKill = await createBundle(token, { name: "to-kill" });
    const kill = await api("POST", `/rest/bundles/${toKill.uuid}/kill`, { token });
    expect(kill.status).toBe(200);
    expect((await getBundle(token, toKill.uuid)).state).toBe("killed");

    const strict = await createRun(token, "ls", {
      dependencies: [
        { child_path: "a", parent_uuid: broken.uuid },
        { child_path: "b", parent_uuid: toKill.uuid },
      ],
    });
    const failed = await waitForState(token, strict.uuid, "failed");
    expect(failed.state_details).toBe(
      `Parent bundles failed: ${broken.uuid}. Parent bundles were killed: ${toKill.uuid} (use --allow-failed-dependencies to depend on results of failed or killed bundles)`,
    );
    const lenient = await createRun(token, "ls", {
      dependencies: [
        { child_path: "a", parent_uuid: broken.uuid },
        { child_path: "b", parent_uuid: toKill.uuid },
      ],
      metadata: { allow_failed_dependencies: true },
    });
    await waitForState(token, lenient.uuid, "staged");
  });

  it("waits for a parent that is still uploading and stages the run when it becomes ready", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const parent = await createBundle(token, { name: "later" });
    const waiting = await createRun(token, "cat x", { dependencies: [{ child_path: "x", parent_uuid: parent.uuid }] });
    expect(waiting.state).toBe("created");
    expect((await getBundle(token, waiting.uuid)).state).toBe("created");
    await uploadBytes(token, parent.uuid, new TextEncoder().encode("data"));
    await waitForState(token, waiting.uuid, "staged");
  });

  it("fails a waiting run whose parent is deleted, and checks an edited run again", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const parent = await createBundle(token, { name: "doomed" });
    const waiting = await createRun(token, "cat x", { dependencies: [{ child_path: "x", parent_uuid: parent.uuid }] });
    const deleted = await api("POST", "/rest/bundles/delete", { token, body: { uuids: [parent.uuid], force: true } });
    expect(deleted.status).toBe(200);
    const failed = await waitForState(token, waiting.uuid, "failed");
    expect(failed.state_details).toBe(`Missing parent bundles: ${parent.uuid}`);

    const greedy = await createRun(token, "true", { metadata: { request_cpus: 64 } });
    expect(greedy.state).toBe("staged");
    const edited = await api("PATCH", `/rest/bundles/${greedy.uuid}`, {
      token,
      body: { metadata: { request_disk: "5t" } },
    });
    expect(edited.status).toBe(200);
    const refused = await waitForState(token, greedy.uuid, "failed");
    expect(refused.state_details).toMatch(/^Requested more disk/);
  });

  it("fails a staged run whose requests exceed the owner's quota", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const greedy = await createRun(token, "true", { metadata: { request_disk: "2t" } });
    const failed = await waitForState(token, greedy.uuid, "failed");
    expect(failed.state_details).toMatch(/^Requested more disk \(2t\) than user disk quota left \(1t\) by/);
  });

  it("says at once when no worker can ever satisfy a request, and which workers fall short", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const alone = await createRun(token, "true");
    expect(alone.state).toBe("staged");
    expect(alone.state_details).toBe(
      "No worker can ever satisfy this request — available: no connected worker you may use. It stays staged until one connects.",
    );
    const runner = await FakeRunner.connect(token, uniqueName("small"), {
      capacity: { cpus: 2, gpus: 0, memory_bytes: 4 * 1024 ** 3, free_disk_bytes: 1024 ** 4 },
    });
    const big = await createRun(token, "true", { metadata: { request_cpus: 64, request_gpus: 1 } });
    const waiting = await waitForState(token, big.uuid, "staged", (bundle) =>
      String(bundle.state_details).includes("requested"),
    );
    expect(waiting.state_details).toBe(
      "No worker can ever satisfy this request — available: [2 CPUs (64 requested), 0 GPUs (1 requested)]. It stays staged until such a worker connects.",
    );
    runner.close();
  });
});
