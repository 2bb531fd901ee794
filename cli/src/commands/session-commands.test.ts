import { describe, expect, it } from "vitest";
import { CLIENT_VERSION } from "../core-light.ts";
import { createFakeInstance, FAKE_ADDRESS } from "../testing/fake-instance.ts";
import { createTestClient, type TestSetup } from "../testing/test-context.ts";

const ADMIN_ENV = { CODALAB_USERNAME: "admin", CODALAB_PASSWORD: "admin-password" };

function onFakeInstance(setup: TestSetup & { version?: string } = {}) {
  const instance = createFakeInstance({ version: setup.version });
  const client = createTestClient({
    ...setup,
    fetch: instance.fetch,
    config: { cli: { default_address: FAKE_ADDRESS }, aliases: { fake: FAKE_ADDRESS } },
  });
  return { instance, client };
}

describe("cl status", () => {
  it("logs in from the environment on first contact and shows the user", async () => {
    const { client } = onFakeInstance({ env: ADMIN_ENV });
    expect(await client.run("status")).toBe(0);
    expect(client.out.stdout).toBe(
      [
        "codalab_home: /home/test/.codalab",
        "session: test-session",
        `client_version: ${CLIENT_VERSION}`,
        "server_version: 0.1.0",
        `address: ${FAKE_ADDRESS}`,
        "username: admin",
        "user: admin(0)",
        "",
      ].join("\n"),
    );
    expect(client.out.stderr).toBe("");
  });

  it("prints JSON with --json", async () => {
    const { client } = onFakeInstance({ env: ADMIN_ENV });
    expect(await client.run("st", "--json")).toBe(0);
    expect(JSON.parse(client.out.stdout)).toMatchObject({
      session: "test-session",
      address: FAKE_ADDRESS,
      server_version: "0.1.0",
      current_worksheet: null,
      user: { id: "0", user_name: "admin", is_admin: true },
    });
  });

  it("fails with a hint when not logged in and nobody can be asked", async () => {
    const { client } = onFakeInstance();
    expect(await client.run("status")).toBe(1);
    expect(client.out.stdout).toBe("");
    expect(client.out.stderr).toBe(
      `error: not logged in to ${FAKE_ADDRESS}\nhint: run \`cl login\` in a terminal, or set CODALAB_USERNAME and CODALAB_PASSWORD\n`,
    );
  });

  it("warns when the server is newer than the client", async () => {
    const { client } = onFakeInstance({ env: ADMIN_ENV, version: "99.0.0" });
    expect(await client.run("status")).toBe(0);
    expect(client.out.stderr).toContain("notice: http://fake.test runs CodaLab v99.0.0, newer than this CLI");
  });
});

describe("cl login", () => {
  it("logs in with the prompted user name and password", async () => {
    const { client } = onFakeInstance({
      prompter: { ask: async () => "admin", askSecret: async () => "admin-password" },
    });
    expect(await client.run("login")).toBe(0);
    expect(client.out.stdout).toBe(`Logged in to ${FAKE_ADDRESS} as admin.\n`);
    expect(await client.ctx.tokens.get(FAKE_ADDRESS)).toMatchObject({ user_name: "admin" });
  });

  it("fails with one error line and exit status 1 for a wrong password", async () => {
    const { client } = onFakeInstance({ env: { CODALAB_USERNAME: "admin", CODALAB_PASSWORD: "wrong" } });
    expect(await client.run("login")).toBe(1);
    expect(client.out.stderr).toBe(
      "error: wrong user name or password\nhint: check the user name and password (CODALAB_USERNAME and CODALAB_PASSWORD, if set)\n",
    );
    expect(await client.ctx.tokens.get(FAKE_ADDRESS)).toBeUndefined();
  });

  it("logs in to an instance given by alias", async () => {
    const instance = createFakeInstance();
    const client = createTestClient({
      fetch: instance.fetch,
      env: ADMIN_ENV,
      config: { aliases: { fake: FAKE_ADDRESS } },
    });
    expect(await client.run("login", "fake")).toBe(0);
    expect(await client.ctx.tokens.get(FAKE_ADDRESS)).toBeDefined();
  });
});

describe("cl logout", () => {
  it("revokes the session, after which commands need a login again", async () => {
    const { instance, client } = onFakeInstance({ env: ADMIN_ENV });
    await client.run("login");
    expect(await client.run("logout")).toBe(0);
    expect(client.out.stdout).toContain(`Logged out of ${FAKE_ADDRESS}.\n`);
    expect(instance.calls.at(-1)).toBe("POST /rest/auth/logout");
    expect(await client.ctx.tokens.get(FAKE_ADDRESS)).toBeUndefined();
  });

  it("says when there was nothing to log out of", async () => {
    const { client } = onFakeInstance();
    expect(await client.run("logout", "fake")).toBe(0);
    expect(client.out.stdout).toBe(`Not logged in to ${FAKE_ADDRESS}.\n`);
  });

  it("forgets the tokens with a warning when the server cannot be reached", async () => {
    const auth = { access_token: "a", refresh_token: "r", expires_at: 4_000_000_000, user_name: "admin" };
    const client = createTestClient({ state: { auth: { "http://localhost:8787": auth } } });
    expect(await client.run("logout")).toBe(0);
    expect(client.out.stderr).toBe(
      "warning: could not revoke the session on the server (cannot reach http://localhost:8787); forgot the cached tokens anyway\n",
    );
    expect(await client.ctx.tokens.get("http://localhost:8787")).toBeUndefined();
  });
});

describe("an expired session", () => {
  it("is refreshed without the user noticing", async () => {
    const { instance, client } = onFakeInstance({ env: ADMIN_ENV });
    await client.run("login");
    instance.expireAccessTokens();
    expect(await client.run("status")).toBe(0);
    expect(instance.calls).toContain("POST /rest/auth/refresh");
  });

  it("that was revoked asks the user to log in again", async () => {
    const { instance, client } = onFakeInstance({ env: ADMIN_ENV });
    await client.run("login");
    instance.revokeEverything();
    expect(await client.run("status")).toBe(1);
    expect(client.out.stderr).toBe(
      "error: your session has expired or was revoked\nhint: run `cl login` to log in again\n",
    );
  });
});
