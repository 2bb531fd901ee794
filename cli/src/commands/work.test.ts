import { describe, expect, it } from "vitest";
import { createFakeInstance, FAKE_ADDRESS } from "../testing/fake-instance.ts";
import { createTestClient } from "../testing/test-context.ts";

describe("cl work", () => {
  it("shows the session's instance, the default one at first", async () => {
    const client = createTestClient();
    expect(await client.run("work")).toBe(0);
    expect(client.out.stdout).toBe("Currently on instance: http://localhost:8787\n");
  });

  it("shows the current worksheet when there is one, and JSON with --json", async () => {
    const client = createTestClient({
      state: { sessions: { "test-session": { address: FAKE_ADDRESS, worksheet_uuid: "0xabc" } } },
    });
    await client.run("w");
    await client.run("work", "--json");
    expect(client.out.stdout).toBe(
      `Currently on instance: ${FAKE_ADDRESS}\nCurrently on worksheet: 0xabc\n` +
        `${JSON.stringify({ address: FAKE_ADDRESS, worksheet_uuid: "0xabc" }, null, 2)}\n`,
    );
  });

  it("switches the session to an aliased instance after checking it answers", async () => {
    const instance = createFakeInstance();
    const client = createTestClient({ fetch: instance.fetch, config: { aliases: { fake: FAKE_ADDRESS } } });
    expect(await client.run("work", "fake::")).toBe(0);
    expect(client.out.stdout).toBe(`Switched to instance: ${FAKE_ADDRESS}\n`);
    expect(instance.calls).toEqual(["GET /rest/version"]);
    expect(client.stateFile.value).toEqual({ sessions: { "test-session": { address: FAKE_ADDRESS } }, auth: {} });
  });

  it("switches to a full address too", async () => {
    const instance = createFakeInstance();
    const client = createTestClient({ fetch: instance.fetch });
    expect(await client.run("work", `${FAKE_ADDRESS}/::`)).toBe(0);
    expect(await client.run("work")).toBe(0);
    expect(client.out.stdout).toContain(`Currently on instance: ${FAKE_ADDRESS}\n`);
  });

  it("keeps the session where it was when the instance cannot be reached", async () => {
    const client = createTestClient();
    expect(await client.run("work", "localhost::")).toBe(1);
    expect(client.out.stderr).toBe(
      "error: cannot reach http://localhost:8787\nhint: is the instance running? start it with `npm start`\n",
    );
    expect(client.stateFile.value).toBeUndefined();
  });

  it("refuses worksheet specs with a usage error until worksheets exist", async () => {
    const client = createTestClient();
    for (const spec of ["home-alice", "localhost::home-alice", "::home"]) {
      expect(await client.run("work", spec)).toBe(2);
    }
    expect(client.out.stderr).toContain('error: cannot switch to "home-alice": worksheets are not supported yet');
    expect(client.out.stderr).toContain("hint: switch instance with `cl work <alias>::` or `cl work <address>::`");
  });

  it("refuses an unknown alias with a hint", async () => {
    const client = createTestClient();
    expect(await client.run("work", "nowhere::")).toBe(2);
    expect(client.out.stderr).toContain('error: unknown instance alias "nowhere"');
  });
});
