import { describe, expect, it } from "vitest";
import { api, signUpAndLogIn, uniqueName } from "./helpers/api.ts";
import { type BundleBody, createBundle, type ErrorBody, uploadBytes } from "./helpers/bundles.ts";
import { EventStream } from "./helpers/event-stream.ts";
import { createRun, FakeRunner, getBundle } from "./runs-fake-runner.ts";

type Update = { event: string; data: BundleBody & ErrorBody & { uuid?: string } };

const bytes = new TextEncoder().encode("hello");

async function nextState(stream: EventStream): Promise<string> {
  const { event, data } = await stream.nextJson<Update["data"]>();
  expect(event).toBe("bundle");
  return data.bundle.state;
}

describe("bundle events", () => {
  it("sends each bundle as GET shows it, then every change, and ends once all are final", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const first = await createBundle(token, { name: "first" });
    const second = await createBundle(token, { name: "second" });
    const stream = await EventStream.open(`/rest/bundles/events?uuid=${first.uuid}&uuid=${second.uuid}`, token);
    expect(stream.response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");

    const initial = [await stream.nextJson<BundleBody>(), await stream.nextJson<BundleBody>()];
    expect(initial.map(({ event }) => event)).toEqual(["bundle", "bundle"]);
    expect(initial[0]?.data).toEqual((await api<BundleBody>("GET", `/rest/bundles/${first.uuid}`, { token })).body);
    expect(initial[1]?.data.bundle.uuid).toBe(second.uuid);

    await api("PATCH", `/rest/bundles/${first.uuid}`, { token, body: { metadata: { description: "edited" } } });
    const edited = await stream.nextJson<BundleBody>();
    expect(edited.data.bundle).toMatchObject({ uuid: first.uuid, metadata: { description: "edited" } });

    expect((await uploadBytes(token, first.uuid, bytes)).status).toBe(200);
    expect(await stream.nextJson<BundleBody>()).toMatchObject({
      event: "bundle",
      data: { bundle: { uuid: first.uuid, state: "ready" } },
    });
    expect((await uploadBytes(token, second.uuid, bytes)).status).toBe(200);
    expect((await stream.nextJson<BundleBody>()).data.bundle).toMatchObject({ uuid: second.uuid, state: "ready" });
    expect(await stream.next()).toEqual({ event: "end", data: "{}" });
    await stream.closed();
  });

  it("follows a run through its states as its worker reports them", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const runner = await FakeRunner.connect(token, uniqueName("w"));
    const run = await createRun(token, "echo hi");
    const stream = await EventStream.open(`/rest/bundles/events?uuid=${run.uuid}`, token);
    const seen = [await nextState(stream)];
    await runner.accept(run.uuid);
    runner.send({ type: "run_update", uuid: run.uuid, stage: "running", run_status: "Running" });
    while (seen.at(-1) !== "running") seen.push(await nextState(stream));
    runner.send({ type: "run_finished", uuid: run.uuid, exitcode: 1, failure_message: null });
    while (seen.at(-1) !== "failed") seen.push(await nextState(stream));
    // Each state once, in order (usage-only changes may repeat a state, never reorder one).
    const states = seen.filter((state, i) => state !== seen[i - 1]);
    expect(states.indexOf("preparing")).toBeLessThan(states.indexOf("running"));
    expect(states.slice(-1)).toEqual(["failed"]);
    expect((await getBundle(token, run.uuid)).state).toBe("failed");
    expect((await stream.next()).event).toBe("end");
    runner.close();
  });

  it("answers a bundle the caller may not read, or that does not exist, with GET's error and nothing more", async () => {
    const owner = await signUpAndLogIn();
    const stranger = await signUpAndLogIn();
    const secret = await createBundle(owner.accessToken, { name: "secret" });
    const missing = `0x${"f".repeat(32)}`;
    const stream = await EventStream.open(`/rest/bundles/events?uuid=${secret.uuid},${missing}`, stranger.accessToken);
    const denied = await api<ErrorBody>("GET", `/rest/bundles/${secret.uuid}`, { token: stranger.accessToken });
    expect(denied.status).toBe(403);
    expect(await stream.nextJson()).toEqual({
      event: "error",
      data: { uuid: secret.uuid, error: { code: "FORBIDDEN", message: denied.body.error.message } },
    });
    expect(await stream.nextJson()).toEqual({
      event: "error",
      data: { uuid: missing, error: { code: "NOT_FOUND", message: expect.stringContaining(missing) } },
    });
    expect(await stream.next()).toEqual({ event: "end", data: "{}" });
    await stream.closed();
    expect(stream.text).not.toContain('"secret"');
  });

  it("tells a watcher that a bundle was deleted, and stops watching it", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const doomed = await createBundle(token, { name: "doomed" });
    const stream = await EventStream.open(`/rest/bundles/events?uuid=${doomed.uuid}`, token);
    expect((await stream.next()).event).toBe("bundle");
    expect((await api("POST", "/rest/bundles/delete", { token, body: { uuids: [doomed.uuid] } })).status).toBe(200);
    expect(await stream.nextJson()).toMatchObject({ event: "error", data: { error: { code: "NOT_FOUND" } } });
    expect((await stream.next()).event).toBe("end");
  });

  it("keeps an idle stream alive with comments", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const idle = await createBundle(token, { name: "idle" });
    const stream = await EventStream.open(`/rest/bundles/events?uuid=${idle.uuid}&heartbeat=1`, token);
    expect((await stream.next()).event).toBe("bundle");
    await stream.until((text) => text.includes(": keepalive\n\n"), 3000);
    await stream.cancel();
  });

  it("refuses requests it cannot serve, with the reason", async () => {
    const { accessToken: token } = await signUpAndLogIn();
    const cases: [string, string][] = [
      ["", "name at least one bundle"],
      ["?uuid=nope", '"nope" is not a uuid'],
      [
        `?uuid=${Array.from({ length: 101 }, (_, i) => `0x${i.toString(16).padStart(32, "0")}`).join(",")}`,
        "at most 100",
      ],
      [`?uuid=0x${"0".repeat(32)}&heartbeat=0`, "heartbeat"],
      [`?uuid=0x${"0".repeat(32)}&include=everything`, "unknown include"],
    ];
    for (const [query, message] of cases) {
      const res = await api<ErrorBody>("GET", `/rest/bundles/events${query}`, { token });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      expect(res.body.error.message).toContain(message);
    }
  });
});
