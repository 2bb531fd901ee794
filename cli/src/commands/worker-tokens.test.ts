/**
 * `cl worker-tokens` against the in-memory instance, extended with the worker-token routes: what
 * the command sends, what it prints, and the one-line error and hint for bad input.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { FetchLike } from "../api/api-client.ts";
import { createFakeInstance, FAKE_ADDRESS } from "../testing/fake-instance.ts";
import { createTestClient } from "../testing/test-context.ts";

const TOKEN = "clw_secretsecretsecretsecretsecretsecretsecret";
const CREATED_AT = 1_767_225_600; // 2026-01-01 00:00:00 UTC

type Token = { id: string; worker_id: string; worker_name: string; created_at: number; revoked_at: number | null };
let tokens: Token[];
let requests: string[];

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function tokenFetch(): FetchLike {
  const instance = createFakeInstance();
  return async (url, init) => {
    const { pathname } = new URL(url);
    const route = `${init.method} ${pathname}`;
    if (!pathname.startsWith("/rest/workers/tokens")) return instance.fetch(url, init);
    requests.push(route);
    if (route === "POST /rest/workers/tokens") {
      const { worker_name } = JSON.parse(String(init.body)) as { worker_name: string };
      if (/\s/.test(worker_name)) {
        return json(400, {
          error: {
            code: "VALIDATION_FAILED",
            message: "the worker name may not contain spaces, slashes or control characters",
          },
        });
      }
      const token = {
        id: `t${tokens.length + 1}`,
        worker_id: "0xw1",
        worker_name,
        created_at: CREATED_AT,
        revoked_at: null,
      };
      tokens.push(token);
      return json(201, { ...token, token: TOKEN });
    }
    if (route === "GET /rest/workers/tokens") return json(200, { tokens });
    const revoke = /^DELETE \/rest\/workers\/tokens\/(.+)$/.exec(route);
    const token = tokens.find((entry) => entry.id === revoke?.[1]);
    if (token === undefined) {
      return json(404, { error: { code: "NOT_FOUND", message: `you have no worker token ${revoke?.[1]}` } });
    }
    token.revoked_at = CREATED_AT + 60;
    return json(200, token);
  };
}

async function cl(...argv: string[]) {
  const client = createTestClient({
    fetch: tokenFetch(),
    env: { CODALAB_USERNAME: "admin", CODALAB_PASSWORD: "admin-password" },
    config: { cli: { default_address: FAKE_ADDRESS }, aliases: {} },
  });
  const code = await client.run(...argv);
  return { code, stdout: client.out.stdout, stderr: client.out.stderr };
}

beforeEach(() => {
  tokens = [];
  requests = [];
});

describe("cl worker-tokens", () => {
  it("makes a token for a worker and prints only the secret on standard output, with how to use it", async () => {
    const result = await cl("worker-tokens", "--create", "gpu-box");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${TOKEN}\n`);
    expect(result.stderr).toContain("Worker token t1 for worker gpu-box, shown this once.");
    expect(result.stderr).toContain("cl-runner --id gpu-box --token-file FILE");
  });

  it("lists tokens without their secrets, and revokes one", async () => {
    await cl("worker-tokens", "--create", "gpu-box");
    const revoked = await cl("worker-tokens", "--revoke", "t1");
    expect(revoked.stdout).toBe("Revoked worker token t1 (worker gpu-box).\n");
    const listed = await cl("worker-tokens");
    expect(listed.code).toBe(0);
    expect(listed.stdout.split("\n")[0]).toMatch(/^id\s+worker\s+created\s+revoked$/);
    expect(listed.stdout).toContain("gpu-box");
    expect(listed.stdout).not.toContain(TOKEN);
    const asJson = await cl("worker-tokens", "--json");
    expect(JSON.parse(asJson.stdout)).toEqual({
      tokens: [expect.objectContaining({ id: "t1", revoked_at: CREATED_AT + 60 })],
    });
  });

  it("says what is wrong with a bad name, an unknown token or two actions at once", async () => {
    const bad = await cl("worker-tokens", "--create", "a b");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/^error: the worker name may not contain spaces/);
    const unknown = await cl("worker-tokens", "--revoke", "nope");
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/^error: you have no worker token nope/);
    const both = await cl("worker-tokens", "--create", "w", "--revoke", "t1");
    expect(both.stderr).toBe(
      "error: --create and --revoke cannot be combined\nhint: make and revoke tokens one command at a time\n",
    );
    expect(both.code).toBe(2);
    expect(requests.filter((route) => route.startsWith("DELETE"))).toEqual(["DELETE /rest/workers/tokens/nope"]);
  });
});
