import { createMemoryOutput } from "@codalab/cli/output/output";
import { runCli } from "@codalab/cli/run-cli";
import { describe, expect, it, vi } from "vitest";
import { UUID_A, UUID_B } from "../testing/blocks.ts";
import { createBrowserContext } from "./browser-context.ts";

const ORIGIN = "https://codalab.example";

function bundleJson(uuid: string, name: string) {
  return {
    uuid,
    bundle_type: "dataset",
    state: "ready",
    command: null,
    owner_id: "1",
    owner_name: "ada",
    frozen: null,
    is_anonymous: false,
    is_dir: false,
    created: 1_700_000_000,
    data_size: 5,
    metadata: { name, description: "", tags: [] },
    dependencies: [],
    permission: "all",
    state_details: null,
  };
}

function terminal(answer: (url: URL, init: RequestInit) => Response) {
  const fetch = vi.fn(async (url: string, init: RequestInit) => answer(new URL(url), init));
  const out = createMemoryOutput();
  const context = createBrowserContext({
    origin: ORIGIN,
    worksheetUuid: UUID_A,
    userName: "ada",
    out,
    fetch,
    cookies: () => "codalab_csrf=secret",
  });
  return { fetch, out, run: (argv: string[]) => runCli(argv, { out, debug: false, context: async () => context }) };
}

describe("the web terminal's command layer", () => {
  it("runs a cl command against the page's instance with the cookie session, not a token", async () => {
    const { fetch, out, run } = terminal((url) => {
      expect(url.pathname).toBe("/rest/bundles");
      expect(url.searchParams.getAll("keywords")).toEqual([".mine"]);
      return Response.json({ bundles: [bundleJson(UUID_B, "train-data")], total: 1 });
    });
    expect(await run(["search", ".mine"])).toBe(0);
    expect(out.stdout).toContain("train-data");
    const init = fetch.mock.calls[0]?.[1] as RequestInit;
    const headers = new Headers(init.headers);
    expect(headers.has("authorization")).toBe(false);
    expect(init.credentials).toBe("same-origin");
  });

  it("sends the CSRF header on changes and works on the current worksheet", async () => {
    const { fetch, out, run } = terminal((url, init) => {
      if (init.method === "GET" && url.pathname === "/rest/worksheets") {
        return Response.json({
          worksheets: [{ uuid: UUID_A, name: "exp", title: null, version: 1, permission: "all", tags: [] }],
        });
      }
      return Response.json({
        worksheet: { uuid: UUID_A, name: "exp", version: 2, permission: "all", tags: [] },
        added: [],
      });
    });
    const status = await run(["add", "text", "hello"]);
    expect(out.stderr).toBe("");
    expect(status).toBe(0);
    const post = fetch.mock.calls.find(([, init]) => init.method === "POST");
    expect(post?.[0]).toBe(`${ORIGIN}/rest/worksheets/${UUID_A}/items`);
    expect(new Headers(post?.[1].headers).get("X-CSRF-Token")).toBe("secret");
  });

  it("prints the CLI's one-line errors, and refuses local files", async () => {
    const { out, run } = terminal(() =>
      Response.json({ error: { code: "NOT_FOUND", message: "no bundle matches 'nope'" } }, { status: 404 }),
    );
    expect(await run(["info", "nope"])).not.toBe(0);
    expect(out.stderr).toMatch(/^error: .*nope/m);
    expect(await run(["upload", "data.csv"])).not.toBe(0);
    expect(out.stderr).toMatch(/local file paths are not allowed/);
  });
});
