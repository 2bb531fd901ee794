import { describe, expect, it } from "vitest";
import { createTestClient } from "../testing/test-context.ts";

describe("cl alias", () => {
  it("lists the default alias when nothing was configured", async () => {
    const client = createTestClient();
    expect(await client.run("alias")).toBe(0);
    expect(client.out.stdout).toBe("localhost: http://localhost:8787\n");
  });

  it("binds a name to a normalised address, then shows it", async () => {
    const client = createTestClient();
    expect(await client.run("alias", "prod", "https://Prod.example.org/")).toBe(0);
    expect(client.out.stdout).toBe("");
    expect(client.configFile.value).toMatchObject({ aliases: { prod: "https://prod.example.org" } });
    expect(await client.run("alias", "prod")).toBe(0);
    expect(client.out.stdout).toBe("prod: https://prod.example.org\n");
  });

  it("removes an alias with -r", async () => {
    const client = createTestClient({ config: { aliases: { a: "http://a", b: "http://b" } } });
    expect(await client.run("alias", "-r", "a")).toBe(0);
    expect(client.configFile.value).toEqual({ aliases: { b: "http://b" }, cli: expect.any(Object) });
  });

  it("prints JSON with --json", async () => {
    const client = createTestClient({ config: { aliases: { a: "http://a" } } });
    await client.run("alias", "--json");
    await client.run("alias", "a", "--json");
    expect(client.out.stdout).toBe(
      `${JSON.stringify({ a: "http://a" }, null, 2)}\n${JSON.stringify({ name: "a", address: "http://a" }, null, 2)}\n`,
    );
  });

  it("fails with a hint for an unknown alias", async () => {
    const client = createTestClient();
    expect(await client.run("alias", "nope")).toBe(1);
    expect(client.out.stderr).toBe('error: no alias named "nope"\nhint: list the aliases with `cl alias`\n');
    expect(await client.run("alias", "-r", "nope")).toBe(1);
  });

  it("refuses bad names, bad addresses and confused -r use as usage errors", async () => {
    const client = createTestClient();
    expect(await client.run("alias", "bad::name", "http://x")).toBe(2);
    expect(client.out.stderr).toContain('error: invalid alias name "bad::name"');
    expect(await client.run("alias", "good", "not-an-address")).toBe(2);
    expect(await client.run("alias", "-r")).toBe(2);
    expect(await client.run("alias", "-r", "localhost", "http://x")).toBe(2);
    expect(client.configFile.value).toBeUndefined();
  });
});
