import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CLIENT_VERSION } from "@codalab/core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { makeClHome, runCl, unusedAddress } from "./helpers/cli.ts";

const baseUrl = inject("baseUrl").replace(/\/+$/, "");
const admin = { CODALAB_USERNAME: inject("adminUsername"), CODALAB_PASSWORD: inject("adminPassword") };

/** stderr of a failed command: exactly one error line and at most one hint line, no stack trace. */
function expectOneError(stderr: string, message: string | RegExp) {
  const lines = stderr.trimEnd().split("\n");
  expect(lines.length).toBeLessThanOrEqual(2);
  if (typeof message === "string") expect(lines[0]).toBe(`error: ${message}`);
  else expect(lines[0]).toMatch(message);
  if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: /);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe("cl basics", () => {
  it("prints the client version with -v and --version", async () => {
    for (const flag of ["-v", "--version"]) {
      expect(await runCl([flag])).toEqual({ code: 0, stdout: `CodaLab CLI version ${CLIENT_VERSION}\n`, stderr: "" });
    }
  });

  it("prints the grouped command list with no arguments and for `cl help`", async () => {
    for (const args of [[], ["help"]]) {
      const { code, stdout } = await runCl(args);
      expect(code).toBe(0);
      expect(stdout).toContain("Usage: cl <command> <arguments>");
      expect(stdout).toContain("Other commands");
      for (const command of ["status (st)", "alias", "config", "login", "logout", "work (w)"]) {
        expect(stdout).toContain(`  ${command}`);
      }
    }
  });

  it("prints a command's usage for `cl help <command>` and `cl <command> --help`", async () => {
    const viaHelp = await runCl(["help", "alias"]);
    const viaFlag = await runCl(["alias", "--help"]);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toContain("usage: cl alias");
    expect(viaFlag.stdout).toBe(viaHelp.stdout);
  });

  it("exits 2 with one error line for usage errors", async () => {
    const unknownCommand = await runCl(["frobnicate"]);
    expect(unknownCommand.code).toBe(2);
    expectOneError(unknownCommand.stderr, 'unknown command "frobnicate"');
    const unknownFlag = await runCl(["alias", "--frob"]);
    expect(unknownFlag.code).toBe(2);
    expectOneError(unknownFlag.stderr, "unknown option --frob");
  });
});

describe("cl against a running instance", () => {
  let home: string;

  beforeAll(async () => {
    home = await makeClHome({ address: baseUrl, aliases: { test: baseUrl } });
  });

  it("status logs in from CODALAB_USERNAME/CODALAB_PASSWORD and shows the admin user", async () => {
    const { code, stdout, stderr } = await runCl(["status"], { home, env: admin });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain(`codalab_home: ${home}\n`);
    expect(stdout).toContain("session: e2e\n");
    expect(stdout).toContain(`client_version: ${CLIENT_VERSION}\n`);
    expect(stdout).toMatch(/\nserver_version: \d+\.\d+\.\d+\n/);
    expect(stdout).toContain(`address: ${baseUrl}\n`);
    expect(stdout).toMatch(new RegExp(`\\nuser: ${admin.CODALAB_USERNAME}\\(.+\\)\\n$`));
  });

  it("status --json prints the same facts as JSON", async () => {
    const { code, stdout } = await runCl(["st", "--json"], { home, env: admin });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      session: "e2e",
      address: baseUrl,
      client_version: CLIENT_VERSION,
      user: { user_name: admin.CODALAB_USERNAME, is_admin: true },
    });
  });

  it("keeps the cached tokens in a state file only the user can read", async () => {
    await runCl(["login"], { home, env: admin });
    const state = JSON.parse(await readFile(join(home, "state.json"), "utf8"));
    expect(state.auth[baseUrl]).toMatchObject({ user_name: admin.CODALAB_USERNAME, access_token: expect.any(String) });
    expect((await stat(join(home, "state.json"))).mode & 0o777).toBe(0o600);
  });

  it("later commands reuse the cached token without credentials", async () => {
    await runCl(["login"], { home, env: admin });
    const { code, stdout } = await runCl(["status"], { home });
    expect(code).toBe(0);
    expect(stdout).toContain(`user: ${admin.CODALAB_USERNAME}(`);
  });

  it("refreshes an expired access token transparently", async () => {
    const fresh = await makeClHome({ address: baseUrl });
    await runCl(["login"], { home: fresh, env: admin });
    const path = join(fresh, "state.json");
    const state = JSON.parse(await readFile(path, "utf8"));
    const before = state.auth[baseUrl].refresh_token;
    state.auth[baseUrl].expires_at = 0;
    await writeFile(path, JSON.stringify(state));
    const { code, stderr } = await runCl(["status"], { home: fresh });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const after = JSON.parse(await readFile(path, "utf8")).auth[baseUrl];
    expect(after.refresh_token).not.toBe(before);
    expect(after.expires_at).toBeGreaterThan(Date.now() / 1000);
  });

  it("login with a wrong password fails with one error line and exit status 1", async () => {
    const fresh = await makeClHome({ address: baseUrl });
    const { code, stdout, stderr } = await runCl(["login"], {
      home: fresh,
      env: { CODALAB_USERNAME: admin.CODALAB_USERNAME, CODALAB_PASSWORD: "definitely-not-the-password" },
    });
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expectOneError(stderr, /^error: .+/);
  });

  it("logout revokes the session: status then needs a login, and the old tokens are dead", async () => {
    const fresh = await makeClHome({ address: baseUrl });
    expect((await runCl(["login"], { home: fresh, env: admin })).code).toBe(0);
    const statePath = join(fresh, "state.json");
    const loggedIn = await readFile(statePath, "utf8");

    const logout = await runCl(["logout"], { home: fresh });
    expect(logout).toMatchObject({ code: 0, stdout: `Logged out of ${baseUrl}.\n`, stderr: "" });

    const status = await runCl(["status"], { home: fresh });
    expect(status.code).toBe(1);
    expectOneError(status.stderr, `not logged in to ${baseUrl}`);

    // Put the old tokens back: the server must refuse them now.
    await writeFile(statePath, loggedIn);
    const revoked = await runCl(["status"], { home: fresh });
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toBe(
      "error: your session has expired or was revoked\nhint: run `cl login` to log in again\n",
    );
  });

  it("logout of an alias nobody is logged in to says so", async () => {
    const fresh = await makeClHome({ aliases: { test: baseUrl } });
    expect(await runCl(["logout", "test"], { home: fresh })).toEqual({
      code: 0,
      stdout: `Not logged in to ${baseUrl}.\n`,
      stderr: "",
    });
  });
});

describe("cl alias and cl config", () => {
  it("sets, lists, shows and removes aliases", async () => {
    const home = await makeClHome();
    expect((await runCl(["alias", "dev", "http://dev.example.org:8787/"], { home })).code).toBe(0);
    expect((await runCl(["alias"], { home })).stdout).toBe(
      "localhost: http://localhost:8787\ndev: http://dev.example.org:8787\n",
    );
    expect((await runCl(["alias", "dev"], { home })).stdout).toBe("dev: http://dev.example.org:8787\n");
    expect((await runCl(["alias", "-r", "dev"], { home })).code).toBe(0);
    const missing = await runCl(["alias", "dev"], { home });
    expect(missing.code).toBe(1);
    expectOneError(missing.stderr, 'no alias named "dev"');
  });

  it("sets, shows and removes nested config keys with typed values", async () => {
    const home = await makeClHome();
    expect((await runCl(["config", "cli/verbose", "2"], { home })).code).toBe(0);
    expect((await runCl(["config", "cli/verbose", "--json"], { home })).stdout).toBe("2\n");
    expect((await runCl(["config", "editor/name", "vim"], { home })).code).toBe(0);
    expect((await runCl(["config", "editor"], { home })).stdout).toBe('{\n  "name": "vim"\n}\n');
    const config = JSON.parse(await readFile(join(home, "config.json"), "utf8"));
    expect(config).toMatchObject({ cli: { verbose: 2 }, editor: { name: "vim" } });
    expect((await runCl(["config", "-r", "editor/name"], { home })).code).toBe(0);
    const gone = await runCl(["config", "editor/name"], { home });
    expect(gone.code).toBe(1);
    expectOneError(gone.stderr, 'config key "editor/name" is not set');
  });
});

describe("cl work", () => {
  it("switches the session to an instance by alias (its home worksheet), and later commands use it", async () => {
    const home = await makeClHome();
    expect((await runCl(["alias", "test", baseUrl], { home })).code).toBe(0);
    const switched = await runCl(["work", "test::"], { home, env: admin });
    expect(switched.stderr).toBe("");
    expect(switched.stdout).toMatch(
      new RegExp(`^Switched to worksheet: ${baseUrl}/worksheets/0x[0-9a-f]{32} \\(home-codalab\\)\n$`),
    );
    expect((await runCl(["work"], { home, env: admin })).stdout).toBe(
      switched.stdout.replace("Switched to", "Currently on"),
    );
    const status = await runCl(["status"], { home, env: admin });
    expect(status.stdout).toContain(`address: ${baseUrl}\n`);
  });

  it("keeps sessions apart: another session still uses the default instance", async () => {
    const home = await makeClHome({ aliases: { test: baseUrl } });
    await runCl(["work", "test::"], { home, env: { ...admin, CODALAB_SESSION: "one" } });
    expect((await runCl(["work"], { home, env: { ...admin, CODALAB_SESSION: "one" } })).stdout).toContain(baseUrl);
    const other = await runCl(["work"], { home, env: { ...admin, CODALAB_SESSION: "two" } });
    expectOneError(other.stderr, "cannot reach http://localhost:8787");
  });
});

describe("an unreachable instance", () => {
  it("is reported in one line with a hint, never a stack trace", async () => {
    const nowhere = await unusedAddress();
    const home = await makeClHome({ address: nowhere });
    const { code, stdout, stderr } = await runCl(["status"], { home, env: admin });
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe(`error: cannot reach ${nowhere}\nhint: is the instance running? start it with \`npm start\`\n`);
  });

  it("cannot become the session's instance", async () => {
    const nowhere = await unusedAddress();
    const home = await makeClHome();
    const { code, stderr } = await runCl(["work", `${nowhere}::`], { home, env: admin });
    expect(code).toBe(1);
    expectOneError(stderr, `cannot reach ${nowhere}`);
    // The session stayed on the default instance.
    expectOneError((await runCl(["work"], { home, env: admin })).stderr, "cannot reach http://localhost:8787");
  });
});
