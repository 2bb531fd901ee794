/**
 * The worksheet commands against a real local instance, as a user types them: new, work (output
 * exactly as CodaLab's, scripts parse it), upload onto the current worksheet, add, ls with ^N,
 * print (rendered and raw), wedit (metadata, -f FILE, -f -, $EDITOR, a stale save), detach, wadd,
 * wls, wrm; the bad inputs a user meets; and spec §5 examples printed through `cl print`.
 */
import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { makeClHome, runCl } from "./helpers/cli.ts";

const baseUrl = inject("baseUrl").replace(/\/+$/, "");
const admin = { CODALAB_USERNAME: inject("adminUsername"), CODALAB_PASSWORD: inject("adminPassword") };
const UUID = /^0x[0-9a-f]{32}$/;
const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

let home: string;
let work: string;
let counter = 0;

beforeAll(async () => {
  home = await makeClHome({ address: baseUrl });
  work = await mkdtemp(join(tmpdir(), "cl-worksheets-e2e-"));
});

function cl(args: string[], options: { env?: Record<string, string>; input?: string; session?: string } = {}) {
  return runCl(args, {
    home,
    input: options.input,
    env: { ...admin, CODALAB_SESSION: options.session ?? "worksheets", ...options.env },
  });
}

/** Runs a command that must succeed and returns its stdout. */
async function ok(args: string[], options: Parameters<typeof cl>[1] = {}): Promise<string> {
  const result = await cl(args, options);
  expect(result.stderr, `cl ${args.join(" ")}`).toBe("");
  expect(result.code).toBe(0);
  return result.stdout;
}

/** A command that must fail with exactly one error line (and at most a hint). */
async function fails(args: string[], message: string | RegExp, options: Parameters<typeof cl>[1] = {}) {
  const { code, stdout, stderr } = await cl(args, options);
  expect(code).not.toBe(0);
  expect(stdout).toBe("");
  const lines = stderr.trimEnd().split("\n");
  expect(lines.length).toBeLessThanOrEqual(2);
  if (typeof message === "string") expect(lines[0]).toBe(`error: ${message}`);
  else expect(lines[0]).toMatch(message);
  if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: /);
  return lines;
}

function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/** A new worksheet, switched to in this session. */
async function freshWorksheet(prefix = "ws", session = "worksheets"): Promise<{ name: string; uuid: string }> {
  const name = uniqueName(prefix);
  const uuid = (await ok(["new", name], { session })).trim();
  expect(uuid).toMatch(UUID);
  await ok(["work", name], { session });
  return { name, uuid };
}

describe("cl new and cl work", () => {
  it("creates a worksheet without switching, then switches and shows it as CodaLab does", async () => {
    const before = await ok(["work"], { session: "new-work" });
    expect(before).toMatch(
      new RegExp(`^Currently on worksheet: ${baseUrl}/worksheets/0x[0-9a-f]{32} \\(home-codalab\\)\\n$`),
    );
    const name = uniqueName("project");
    const uuid = (await ok(["new", name], { session: "new-work" })).trim();
    expect(uuid).toMatch(UUID);
    expect(await ok(["work"], { session: "new-work" })).toBe(before);
    expect(await ok(["work", name], { session: "new-work" })).toBe(
      `Switched to worksheet: ${baseUrl}/worksheets/${uuid} (${name})\n`,
    );
    expect(await ok(["work", "-u"], { session: "new-work" })).toBe(`${uuid}\n`);
    expect(await ok(["w"], { session: "new-work" })).toBe(
      `Currently on worksheet: ${baseUrl}/worksheets/${uuid} (${name})\n`,
    );
  });

  it("refuses a name that is invalid or taken", async () => {
    await fails(["new", "1-bad-name"], /^error: invalid worksheet name "1-bad-name": it must start with a letter/);
    const name = uniqueName("taken");
    await ok(["new", name]);
    await fails(["new", name], `a worksheet named "${name}" already exists: worksheet names are unique on an instance`);
    await fails(["work", "no-such-worksheet-here"], "no worksheet found with name 'no-such-worksheet-here'");
  });
});

describe("bundles on the current worksheet", () => {
  it("uploads onto the current worksheet, lists them with ^N and resolves names and ^N there", async () => {
    const { name, uuid } = await freshWorksheet("lsws");
    const first = (await ok(["upload", "-c", "one", "-n", "first"])).trim();
    const second = (await ok(["upload", "-c", "two", "-n", "second"])).trim();
    const listing = (await ok(["ls"])).split("\n");
    expect(listing.slice(0, 5)).toEqual([
      `### Worksheet: ${baseUrl}/worksheets/${uuid} (${name})`,
      "### Title: <none>",
      "### Tags: ",
      expect.stringMatching(/^### Owner: codalab\(0x[0-9a-f]{32}\)$/),
      "### Permissions: public(0x000000):read",
    ]);
    expect(listing[5]).toMatch(/^ref {2}uuid {6}name {4}summary +owner +created +data_size {2}state$/);
    expect(listing[7]).toMatch(new RegExp(`^ \\^2  ${first.slice(0, 8)}  first `));
    expect(listing[8]).toMatch(new RegExp(`^ \\^1  ${second.slice(0, 8)}  second`));
    expect(await ok(["ls", "-u"])).toBe(`${first}\n${second}\n`);
    expect(await ok(["cat", "^2"])).toBe("one");
    expect(await ok(["cat", "first"])).toBe("one");
    // Another worksheet does not see them by name, but ws//name reaches them.
    await freshWorksheet("elsewhere");
    await fails(["cat", "first"], "no bundle found matching 'first' on this worksheet");
    expect(await ok(["cat", `${name}//second`])).toBe("two");
    const other = (await ok(["upload", "-c", "three", "-n", "third", "-w", name])).trim();
    expect(await ok(["ls", "-u", "-w", name])).toBe(`${first}\n${second}\n${other}\n`);
  });

  it("adds text, directives, bundles and worksheets, detaches, and copies with wadd", async () => {
    const source = await freshWorksheet("src");
    const bundle = (await ok(["upload", "-c", "data", "-n", "data"])).trim();
    const sub = await freshWorksheet("sub");
    await ok(["work", source.name]);
    await ok(["add", "text", "# Title", "% display table name", "--dest-worksheet", sub.name]);
    await ok(["add", "bundle", "data", "--dest-worksheet", sub.name]);
    await ok(["add", "bundle", "^1"]);
    await ok(["add", "worksheet", sub.name]);
    expect(await ok(["print", "-r", sub.name])).toBe(`# Title\n% display table name\n[dataset data]{${bundle}}\n`);
    expect(await ok(["print", "-r"])).toBe(
      `[dataset data]{${bundle}}\n[dataset data]{${bundle}}\n[worksheet ${sub.name}]{{${sub.uuid}}}\n`,
    );
    await fails(["detach", "data"], `bundle ${bundle} shows up more than once, need to specify index`);
    await ok(["detach", "data", "-n", "1"]);
    expect(await ok(["print", "-r"])).toBe(`[dataset data]{${bundle}}\n[worksheet ${sub.name}]{{${sub.uuid}}}\n`);
    const copy = await freshWorksheet("copy");
    await ok(["add", "text", "old line"]);
    expect(await ok(["wadd", sub.name, copy.name])).toBe(`Copied 3 worksheet items to ${copy.uuid}.\n`);
    expect(await ok(["print", "-r"])).toBe(`old line\n# Title\n% display table name\n[dataset data]{${bundle}}\n`);
    await ok(["wadd", "-r", source.name, copy.name]);
    expect(await ok(["print", "-r"])).toBe(`[dataset data]{${bundle}}\n[worksheet ${sub.name}]{{${sub.uuid}}}\n`);
    await fails(["add", "bundle", "no-such-bundle"], "no bundle found matching 'no-such-bundle' on this worksheet");
    await fails(["add", "colour", "x"], 'invalid item_type "colour"');
  });
});

describe("cl print renders spec §5 examples", () => {
  it("prints the header, markup, tables with file genpaths and post-processors, records and contents", async () => {
    const { name, uuid } = await freshWorksheet("printed");
    const dir = join(work, "run1");
    await writeFile(join(work, "stats.json"), JSON.stringify({ train: { acc: 0.91234 } }));
    const { mkdir } = await import("node:fs/promises");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "stats.json"), JSON.stringify({ train: { acc: 0.91234, loss: 0.25 } }));
    await writeFile(join(dir, "stdout"), "epoch 1\nepoch 2\nepoch 3\n");
    const run1 = (await ok(["upload", dir, "-n", "run1", "-d", "first run"])).trim();
    const file = join(work, "page.md");
    await writeFile(
      file,
      [
        "# Results",
        "// hidden comment",
        "% schema s",
        "% add name",
        "% add acc /stats.json:train/acc %.2f",
        "% add loss /stats.json:train/loss",
        "% add desc description [0:5]",
        "% display table s",
        "[]{run1}",
        "% display record name desc:description",
        "[]{run1}",
        "% display contents /stdout maxlines=2",
        "[]{run1}",
        "% bogus",
        "",
      ].join("\n"),
    );
    expect(await ok(["wedit", "-f", file])).toBe(`Saved worksheet items for ${name}(${uuid}).\n`);
    const printed = await ok(["print"]);
    expect(printed.split("\n").slice(5).join("\n")).toBe(
      [
        "",
        "# Results",
        "",
        "[Schema s]",
        "",
        "  name  acc   loss  desc",
        "  -----------------------",
        "  run1  0.91  0.25  first",
        "",
        "  name:  run1",
        "  desc:  first run",
        "",
        "epoch 1",
        "epoch 2",
        "",
        "Error in source line 14: unknown directive `bogus`",
        "",
      ].join("\n"),
    );
    expect(await ok(["print", "-r"])).toContain(`[dataset run1]{${run1}}\n`);
  });
});

describe("cl wedit", () => {
  it("edits metadata, refuses changes while frozen, and unfreezes", async () => {
    const { name, uuid } = await freshWorksheet("meta");
    const renamed = uniqueName("renamed");
    expect(await ok(["wedit", "-n", renamed, "-t", "My title", "-T", "paper", "nlp"])).toBe(
      `Saved worksheet metadata for ${name}(${uuid}).\n`,
    );
    const header = await ok(["ls"]);
    expect(header).toContain(
      `### Worksheet: ${baseUrl}/worksheets/${uuid} (${renamed})\n### Title: My title\n### Tags: nlp paper\n`,
    );
    await ok(["wedit", "--freeze"]);
    expect(await ok(["ls"])).toContain("### Permissions: public(0x000000):read [frozen]\n");
    await fails(["add", "text", "late"], /^error: cannot change its items: worksheet 0x[0-9a-f]{32} is frozen/);
    await fails(["wedit", "-f", "-"], /is frozen/, { input: "x\n" });
    await ok(["wedit", "--unfreeze"]);
    await ok(["add", "text", "fine now"]);
  });

  it("replaces the source from standard input and from $EDITOR", async () => {
    const { name } = await freshWorksheet("editor");
    await ok(["wedit", "-f", "-"], { input: "line one   \nline two\n" });
    expect(await ok(["print", "-r"])).toBe("line one\nline two\n");
    const editor = join(work, "editor.sh");
    await writeFile(editor, '#!/bin/sh\nsed -i "s/two/2/" "$1"\n');
    await chmod(editor, 0o755);
    await ok(["wedit", name], { env: { EDITOR: editor } });
    expect(await ok(["print", "-r"])).toBe("line one\nline 2\n");
  });

  it("keeps the user's text when someone else saved meanwhile", async () => {
    const { name } = await freshWorksheet("race");
    await ok(["add", "text", "original"]);
    const editor = join(work, "racing-editor.sh");
    // While the editor is open, another client adds an item; then the user's edit is saved.
    await writeFile(
      editor,
      `#!/bin/sh\n"${join(REPO_ROOT, "node_modules/.bin/node")}" "${join(REPO_ROOT, "cli/bin/cl.js")}" add text meanwhile >/dev/null\necho "my precious edit" >> "$1"\n`,
    );
    await chmod(editor, 0o755);
    const lines = await fails(["wedit"], /changed by someone else.*; your text is saved in (\S+\.md)$/, {
      env: { EDITOR: editor },
    });
    const saved = /saved in (\S+\.md)$/.exec(lines[0] ?? "")?.[1] ?? "";
    expect(await readFile(saved, "utf8")).toBe("original\nmy precious edit\n");
    expect(lines[1]).toBe(
      `hint: merge it with the current source (cl print -r ${name}), then: cl wedit ${name} -f ${saved}`,
    );
    expect(await ok(["print", "-r"])).toBe("original\nmeanwhile\n");
  });

  it("refuses a 5 MB source and a spec that matches nothing", async () => {
    await freshWorksheet("limits");
    const big = join(work, "big.md");
    await writeFile(big, `${"x".repeat(99)}\n`.repeat(50_000));
    await fails(["wedit", "-f", big], /^error: the worksheet source has 5000000 bytes; at most 1048576 \(1 MiB\)/);
    await fails(["wedit", "-f", "-"], "line 1 ([]{ghost}): no bundle found matching 'ghost' on this worksheet", {
      input: "[]{ghost}\n",
    });
  });
});

describe("cl wls and cl wrm", () => {
  it("searches worksheets and deletes them by the rules", async () => {
    const stem = uniqueName("listed");
    const a = (await ok(["new", `${stem}-a`])).trim();
    await ok(["new", `${stem}-b`]);
    const listing = (await ok(["wls", stem])).split("\n");
    expect(listing[0]).toMatch(/^uuid {6}name +owner +permissions$/);
    expect(listing.slice(2, 4).map((line) => line.split(/\s+/)[1])).toEqual(
      expect.arrayContaining([`${stem}-a`, `${stem}-b`]),
    );
    expect(await ok(["wls", "-u", `${stem}-a`])).toBe(`${a}\n`);
    await fails(["wls", "colour=blue"], /^error: unknown worksheet search key 'colour'/);
    const { name } = await freshWorksheet("doomed", "wrm");
    await ok(["add", "text", "content"], { session: "wrm" });
    await fails(["wrm", name], /is not empty \(1 items\): detach them first, or use --force$/, { session: "wrm" });
    expect(await ok(["wrm", "--force", name], { session: "wrm" })).toMatch(
      /^Switched to worksheet: .*\(home-codalab\)\n$/,
    );
    await ok(["wrm", `${stem}-a`, `${stem}-b`]);
    const { stderr } = await cl(["wls", stem]);
    expect(stderr).toBe("No results found\n");
  });
});
