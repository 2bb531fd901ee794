import { describe, expect, it } from "vitest";
import type { FetchLike } from "../api/api-client.ts";
import { createFakeInstance, FAKE_ADDRESS } from "../testing/fake-instance.ts";
import { createTestClient } from "../testing/test-context.ts";

const ADMIN_ENV = { CODALAB_USERNAME: "admin", CODALAB_PASSWORD: "admin-password" };
const HOME = { uuid: `0x${"1".repeat(32)}`, name: "home-admin" };
const PROJECT = { uuid: `0x${"2".repeat(32)}`, name: "project" };

/** The fake instance, plus worksheet spec resolution over two worksheets (`/` is the home one). */
function withWorksheets() {
  const instance = createFakeInstance();
  const resolved: string[] = [];
  const fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url);
    if (!(url.startsWith(`${FAKE_ADDRESS}/`) && parsed.pathname === "/rest/worksheets"))
      return instance.fetch(url, init);
    const spec = parsed.searchParams.get("specs") ?? "";
    resolved.push(spec);
    const found = [HOME, PROJECT].find((w) => w.uuid === spec || w.name === spec) ?? (spec === "/" ? HOME : undefined);
    const body = found
      ? {
          worksheets: [
            {
              ...found,
              title: null,
              owner_id: "0",
              owner_name: "admin",
              frozen: null,
              is_anonymous: false,
              tags: [],
              version: 1,
              permission: "all",
              group_permissions: [],
            },
          ],
        }
      : { error: { code: "NOT_FOUND", message: `no worksheet found with name '${spec}'` } };
    return new Response(JSON.stringify(body), {
      status: found ? 200 : 404,
      headers: { "content-type": "application/json" },
    });
  };
  return { fetch, resolved };
}

describe("cl work", () => {
  it("shows the home worksheet when none was chosen, as CodaLab prints it", async () => {
    const { fetch, resolved } = withWorksheets();
    const client = createTestClient({ fetch, env: ADMIN_ENV, config: { cli: { default_address: FAKE_ADDRESS } } });
    expect(await client.run("work")).toBe(0);
    expect(client.out.stdout).toBe(`Currently on worksheet: ${FAKE_ADDRESS}/worksheets/${HOME.uuid} (home-admin)\n`);
    expect(resolved).toEqual(["/"]);
  });

  it("switches to a worksheet by name, remembers it, and prints only the uuid with -u", async () => {
    const { fetch } = withWorksheets();
    const client = createTestClient({ fetch, env: ADMIN_ENV, config: { cli: { default_address: FAKE_ADDRESS } } });
    expect(await client.run("work", "project")).toBe(0);
    expect(client.out.stdout).toBe(`Switched to worksheet: ${FAKE_ADDRESS}/worksheets/${PROJECT.uuid} (project)\n`);
    expect(client.stateFile.value).toMatchObject({
      sessions: { "test-session": { address: FAKE_ADDRESS, worksheet_uuid: PROJECT.uuid } },
    });
    expect(await client.run("w", "-u")).toBe(0);
    expect(client.out.stdout).toContain(`\n${PROJECT.uuid}\n`);
  });

  it("switches to the home worksheet of an aliased instance with <alias>::", async () => {
    const { fetch, resolved } = withWorksheets();
    const client = createTestClient({ fetch, env: ADMIN_ENV, config: { aliases: { fake: FAKE_ADDRESS } } });
    expect(await client.run("work", "fake::")).toBe(0);
    expect(client.out.stdout).toBe(`Switched to worksheet: ${FAKE_ADDRESS}/worksheets/${HOME.uuid} (home-admin)\n`);
    expect(resolved).toEqual(["/"]);
    expect(await client.run("work", "fake::project", "--json")).toBe(0);
    expect(client.out.stdout).toContain(`"worksheet_uuid": "${PROJECT.uuid}"`);
  });

  it("keeps the session where it was when the worksheet does not exist or the instance cannot be reached", async () => {
    const { fetch } = withWorksheets();
    const client = createTestClient({ fetch, env: ADMIN_ENV, config: { cli: { default_address: FAKE_ADDRESS } } });
    expect(await client.run("work", "nowhere-sheet")).toBe(1);
    expect(client.out.stderr).toContain("error: no worksheet found with name 'nowhere-sheet'");
    const offline = createTestClient({ env: ADMIN_ENV });
    expect(await offline.run("work", "localhost::")).toBe(1);
    expect(offline.out.stderr).toBe(
      "error: cannot reach http://localhost:8787\nhint: is the instance running? start it with `npm start`\n",
    );
    expect(client.stateFile.value).not.toMatchObject({
      sessions: { "test-session": { worksheet_uuid: expect.anything() } },
    });
  });

  it("refuses an unknown alias with a hint", async () => {
    const client = createTestClient();
    expect(await client.run("work", "nowhere::")).toBe(2);
    expect(client.out.stderr).toContain('error: unknown instance alias "nowhere"');
  });
});
