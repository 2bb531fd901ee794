import { describe, expect, it } from "vitest";
import { createTestClient } from "../testing/test-context.ts";

describe("cl config", () => {
  it("shows default values", async () => {
    const client = createTestClient();
    expect(await client.run("config", "cli/verbose")).toBe(0);
    expect(await client.run("config", "cli/default_address")).toBe(0);
    expect(client.out.stdout).toBe("1\nhttp://localhost:8787\n");
  });

  it("sets nested keys, typing true/false and numbers like CodaLab", async () => {
    const client = createTestClient();
    await client.run("config", "cli/verbose", "2");
    await client.run("config", "cli/ratio", "0.5");
    await client.run("config", "cli/color", "false");
    await client.run("config", "editor/name", "vim");
    expect(client.configFile.value).toMatchObject({
      cli: { verbose: 2, ratio: 0.5, color: false },
      editor: { name: "vim" },
    });
  });

  it("prints sections as JSON, and any value as JSON with --json", async () => {
    const client = createTestClient({ config: { cli: { verbose: 1 }, aliases: {} } });
    await client.run("config", "cli");
    await client.run("config", "cli/verbose", "--json");
    expect(client.out.stdout).toBe('{\n  "verbose": 1\n}\n1\n');
  });

  it("removes keys with -r", async () => {
    const client = createTestClient({ config: { cli: { verbose: 1, x: 2 }, aliases: {} } });
    expect(await client.run("config", "-r", "cli/x")).toBe(0);
    expect(client.configFile.value).toEqual({ cli: { verbose: 1 }, aliases: {} });
  });

  it("fails with a hint for keys that are not set", async () => {
    const client = createTestClient();
    expect(await client.run("config", "cli/nothing")).toBe(1);
    expect(client.out.stderr).toBe(
      'error: config key "cli/nothing" is not set\nhint: set it with `cl config <key> <value>`\n',
    );
    expect(await client.run("config", "-r", "cli/nothing")).toBe(1);
  });

  it("refuses edits that would break the config file", async () => {
    const client = createTestClient();
    expect(await client.run("config", "aliases", "3")).toBe(2);
    expect(client.out.stderr).toContain('error: cannot change "aliases" that way: aliases should be an object');
    expect(await client.run("config", "aliases/prod", "7")).toBe(2);
    expect(await client.run("config", "cli/verbose/level", "1")).toBe(2);
    expect(await client.run("config", "-r", "cli/verbose", "2")).toBe(2);
    expect(client.configFile.value).toBeUndefined();
  });

  it("reports a config file that is not valid", async () => {
    const client = createTestClient({ config: { aliases: "oops" } });
    expect(await client.run("config", "cli/verbose")).toBe(1);
    expect(client.out.stderr).toBe(
      "error: /home/test/.codalab/config.json is not a valid CodaLab config: aliases should be an object\n" +
        "hint: fix the file, or delete it to start again from the defaults\n",
    );
  });
});
