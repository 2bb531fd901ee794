import { describe, expect, it } from "vitest";
import { CLIENT_VERSION } from "./core-light.ts";
import { createMemoryOutput } from "./output/output.ts";
import { runCli } from "./run-cli.ts";
import { createTestClient } from "./testing/test-context.ts";

async function cl(...argv: string[]) {
  const out = createMemoryOutput();
  const code = await runCli(argv, {
    out,
    debug: false,
    context: async () => {
      throw new Error("this command line should not need a context");
    },
  });
  return { code, stdout: out.stdout, stderr: out.stderr };
}

describe("runCli", () => {
  it("prints the grouped command list with no arguments, --help or -h", async () => {
    for (const argv of [[], ["--help"], ["-h"]]) {
      const { code, stdout, stderr } = await cl(...argv);
      expect(code).toBe(0);
      expect(stderr).toBe("");
      expect(stdout).toContain("Usage: cl <command> <arguments>");
      expect(stdout).toContain("\nOther commands\n");
      expect(stdout).toMatch(/\n {2}status \(st\) +Show current client status\.\n/);
    }
  });

  it("lists the command groups in CodaLab's order", async () => {
    const { stdout } = await cl();
    const headings = [
      "Commands for bundles",
      "Commands for worksheets",
      "Commands for groups and permissions",
      "Commands for users",
      "Commands for managing the server",
      "Other commands",
    ].map((heading) => stdout.indexOf(heading));
    expect(headings.every((position) => position >= 0)).toBe(true);
    expect([...headings].sort((a, b) => a - b)).toEqual(headings);
  });

  it("prints the client version for -v and --version", async () => {
    expect(await cl("-v")).toEqual({ code: 0, stdout: `CodaLab CLI version ${CLIENT_VERSION}\n`, stderr: "" });
    expect((await cl("--version")).stdout).toBe(`CodaLab CLI version ${CLIENT_VERSION}\n`);
  });

  it("prints a command's usage for --help anywhere before --, without running it", async () => {
    const { code, stdout } = await cl("config", "cli/verbose", "--help");
    expect(code).toBe(0);
    expect(stdout).toContain("usage: cl config [-h] [-r] [--json] <key> [<value>]");
    expect(stdout).toContain("  -r, --remove  Remove this key.");
  });

  it("finds commands by alias", async () => {
    const { stdout } = await cl("st", "-h");
    expect(stdout).toContain("usage: cl status [-h] [--json]");
    expect(stdout).toContain("aliases: st");
  });

  it("refuses an unknown command with exit status 2 and a hint", async () => {
    expect(await cl("frobnicate")).toEqual({
      code: 2,
      stdout: "",
      stderr: 'error: unknown command "frobnicate"\nhint: run `cl help` to list the commands\n',
    });
  });

  it("refuses options before the command", async () => {
    const { code, stderr } = await cl("--json", "status");
    expect(code).toBe(2);
    expect(stderr).toContain("error: unknown option --json");
  });

  it("refuses unknown options, missing values and surplus arguments before touching any state", async () => {
    expect(await cl("alias", "--frob")).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: unknown option --frob\nhint: see `cl help alias`\n",
    });
    expect((await cl("alias", "-x")).stderr).toContain("error: unknown option -x");
    expect((await cl("alias", "-rx")).stderr).toContain("error: unknown option -x");
    expect((await cl("alias", "a", "b", "c")).stderr).toContain('error: unexpected argument "c"');
    expect((await cl("config")).stderr).toBe(
      "error: missing argument <key>\nhint: usage: cl config [-h] [-r] [--json] <key> [<value>]\n",
    );
  });

  it("passes arguments after -- through as positionals", async () => {
    const client = createTestClient();
    expect(await client.run("config", "cli/offset", "--", "-5")).toBe(0);
    expect(client.configFile.value).toMatchObject({ cli: { offset: -5 } });
  });

  it("accepts --no-<flag> for boolean options", async () => {
    const client = createTestClient();
    expect(await client.run("alias", "--no-json")).toBe(0);
    expect(client.out.stdout).toBe("localhost: http://localhost:8787\n");
  });

  it("turns a crash inside a command into one error line", async () => {
    const out = createMemoryOutput();
    const code = await runCli(["alias"], {
      out,
      debug: false,
      context: async () => {
        throw new TypeError("cannot read properties of undefined");
      },
    });
    expect(code).toBe(1);
    expect(out.stderr).toBe(
      "error: cannot read properties of undefined\nhint: this is a bug in cl: run again with CODALAB_DEBUG=1 to see where it happened\n",
    );
  });
});

describe("cl help", () => {
  it("lists the commands", async () => {
    const client = createTestClient();
    expect(await client.run("help")).toBe(0);
    expect(client.out.stdout).toContain("Commands for worksheets\n  new ");
  });

  it("shows one command's usage", async () => {
    const client = createTestClient();
    expect(await client.run("help", "work")).toBe(0);
    expect(client.out.stdout).toContain("usage: cl work [-h] [-u] [--json] [<worksheet_spec>]");
  });

  it("refuses an unknown command name", async () => {
    const client = createTestClient();
    expect(await client.run("help", "nope")).toBe(2);
    expect(client.out.stderr).toContain('error: unknown command "nope"');
  });

  it("prints every command's arguments with -v", async () => {
    const client = createTestClient();
    expect(await client.run("help", "-v")).toBe(0);
    expect(client.out.stdout).toContain("  alias\n    Manage CodaLab instance aliases.");
    expect(client.out.stdout).toContain("    Arguments:\n      name          Name of the alias");
  });

  it("prints a Markdown reference with -m", async () => {
    const client = createTestClient();
    expect(await client.run("help", "-v", "-m")).toBe(0);
    expect(client.out.stdout).toContain("## Other commands");
    expect(client.out.stdout).toContain("### `status` (`st`)");
    expect(client.out.stdout).toContain("- `-r, --remove`: Remove this alias.");
  });
});
