/**
 * The bundle commands against a real local instance: upload in every shape, read back with cat,
 * info and download (compared byte for byte with the source tree), edit, search, rm, the errors a
 * user meets, and an interrupted upload resumed.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { makeClHome, runCl } from "./helpers/cli.ts";

const baseUrl = inject("baseUrl").replace(/\/+$/, "");
const admin = { CODALAB_USERNAME: inject("adminUsername"), CODALAB_PASSWORD: inject("adminPassword") };
const UUID = /^0x[0-9a-f]{32}$/;

let home: string;
let work: string;

beforeAll(async () => {
  home = await makeClHome({ address: baseUrl });
  work = await mkdtemp(join(tmpdir(), "cl-bundles-e2e-"));
});

function cl(args: string[], env: Record<string, string> = {}) {
  return runCl(args, { home, env: { ...admin, ...env } });
}

/** Uploads and returns the new uuid, failing the test with cl's own words otherwise. */
async function upload(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await cl(["upload", ...args]);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  const uuid = stdout.trim();
  expect(uuid).toMatch(UUID);
  return uuid;
}

/** stderr of a failed command: exactly one error line and at most one hint line, no stack trace. */
function expectOneError(stderr: string, message: string | RegExp) {
  const lines = stderr.trimEnd().split("\n");
  expect(lines.length).toBeLessThanOrEqual(2);
  if (typeof message === "string") expect(lines[0]).toBe(`error: ${message}`);
  else expect(lines[0]).toMatch(message);
  if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: /);
  expect(stderr).not.toMatch(/\n\s+at /);
}

type TreeEntry = { type: "file"; bytes: string } | { type: "dir" } | { type: "link"; target: string };

/** Every path under `root` with what it is: file contents (hex), link targets, directories. */
async function snapshot(root: string): Promise<Record<string, TreeEntry>> {
  const out: Record<string, TreeEntry> = {};
  const walk = async (directory: string, prefix: string) => {
    for (const name of (await readdir(directory)).sort()) {
      const path = join(directory, name);
      const relative = prefix ? `${prefix}/${name}` : name;
      const stats = await lstat(path);
      if (stats.isSymbolicLink()) out[relative] = { type: "link", target: await readlink(path) };
      else if (stats.isDirectory()) {
        out[relative] = { type: "dir" };
        await walk(path, relative);
      } else out[relative] = { type: "file", bytes: (await readFile(path)).toString("hex") };
    }
  };
  await walk(root, "");
  return out;
}

async function makeTree(name: string): Promise<string> {
  const root = join(work, name);
  await mkdir(join(root, "nested/deeper"), { recursive: true });
  await writeFile(join(root, "top.txt"), "top level\n");
  await writeFile(join(root, "nested/deeper/random.bin"), randomBytes(300_000));
  await writeFile(join(root, "nested/empty"), "");
  await writeFile(join(root, `it's a "quoted" file.txt`), "quotes\n");
  await writeFile(join(root, "spa ce.txt"), "space\n");
  await writeFile(join(root, "ünïcødé ✓.txt"), "unicode\n");
  await writeFile(join(root, "-leading-dash"), "dash\n");
  await symlink("/etc/passwd", join(root, "passwd"));
  await symlink("nested/deeper", join(root, "relative-link"));
  return root;
}

describe("cl upload, cat, info and download", () => {
  it("uploads a file and reads it back", async () => {
    const file = join(work, "hello.txt");
    await writeFile(file, "hello, world\n");
    const uuid = await upload(file);
    expect((await cl(["cat", uuid])).stdout).toBe("hello, world\n");
    const info = await cl(["info", uuid]);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain("bundle_type               : dataset\n");
    expect(info.stdout).toContain(`uuid                      : ${uuid}\n`);
    expect(info.stdout).toContain("state                     : ready\n");
    expect(info.stdout).toContain("name                      : hello.txt\n");
    expect(info.stdout).toContain("data_size                 : 13\n");
    expect((await cl(["info", uuid, "-f", "name,state,data_size"])).stdout).toBe("hello.txt\tready\t13\n");
  });

  it("uploads -c text as a bundle named contents", async () => {
    const uuid = await upload("-c", "inline text");
    expect((await cl(["info", uuid, "-f", "name"])).stdout).toBe("contents\n");
    expect((await cl(["cat", uuid])).stdout).toBe("inline text");
  });

  it("uploads a directory with nested files, odd names and symlinks, and downloads it byte-identical", async () => {
    const root = await makeTree("tree");
    const uuid = await upload(root, "-n", "tree", "-d", "a test tree", "--tags", "e2e", "tree");
    const listing = await cl(["cat", uuid]);
    expect(listing.code).toBe(0);
    expect(listing.stdout).toMatch(/^name +perm +size\n-+\n/);
    expect(listing.stdout).toContain("passwd -> /etc/passwd");
    expect(listing.stdout).toContain("relative-link -> nested/deeper");
    expect(listing.stdout).toMatch(/nested +0o755 +dir/);
    // The link itself, never the file it points to.
    expect((await cl(["cat", `${uuid}/passwd`])).stdout).toBe(" -> /etc/passwd\n");
    for (const [name, text] of [
      [`it's a "quoted" file.txt`, "quotes\n"],
      ["spa ce.txt", "space\n"],
      ["ünïcødé ✓.txt", "unicode\n"],
      ["-leading-dash", "dash\n"],
      ["nested/empty", ""],
    ]) {
      expect((await cl(["cat", `${uuid}/${name}`])).stdout).toBe(text);
    }
    const out = join(work, "tree-download");
    const download = await cl(["download", uuid, "-o", out]);
    expect(download.stderr).toBe("");
    expect(download.code).toBe(0);
    expect(await snapshot(out)).toEqual(await snapshot(root));

    const again = await cl(["download", uuid, "-o", out]);
    expect(again.code).toBe(1);
    expectOneError(again.stderr, `local file/directory '${out}' already exists`);
    expect((await cl(["download", uuid, "-o", out, "-f"])).code).toBe(0);
    const single = join(work, "random.bin");
    expect((await cl(["download", `${uuid}/nested/deeper/random.bin`, "-o", single])).code).toBe(0);
    expect(Buffer.compare(await readFile(single), await readFile(join(root, "nested/deeper/random.bin")))).toBe(0);
  });

  it("derives valid default names from file names with spaces, quotes, unicode and a leading dash", async () => {
    const root = await makeTree("names");
    const cases: [string, string][] = [
      [`it's a "quoted" file.txt`, "it-s-a-quoted-file.txt"],
      ["spa ce.txt", "spa-ce.txt"],
      ["-leading-dash", "_-leading-dash"],
    ];
    for (const [file, name] of cases) {
      const uuid = await upload("--", join(root, file));
      expect((await cl(["info", uuid, "-f", "name"])).stdout).toBe(`${name}\n`);
    }
  });

  it("prints random text files with cat exactly, with --head and --tail", async () => {
    const root = join(work, "texts");
    await mkdir(root);
    const texts: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const text = `${Array.from({ length: 1 + i * 7 }, () => randomBytes(12).toString("base64")).join("\n")}\n`;
      texts.push(text);
      await writeFile(join(root, `t${i}.txt`), text);
    }
    const uuid = await upload(root);
    for (const [i, text] of texts.entries()) {
      expect((await cl(["cat", `${uuid}/t${i}.txt`])).stdout).toBe(text);
    }
    const lines = (texts[4] ?? "").split("\n");
    expect((await cl(["cat", `${uuid}/t4.txt`, "--head", "2"])).stdout).toBe(`${lines.slice(0, 2).join("\n")}\n`);
    expect((await cl(["cat", `${uuid}/t4.txt`, "-t", "1"])).stdout).toBe(`${lines.at(-2)}\n`);
  });

  it("unpacks .tar.gz and .zip archives unless --pack, and excludes with -x", async () => {
    const source = join(work, "archived");
    await mkdir(join(source, "inner"), { recursive: true });
    await writeFile(join(source, "inner/keep.txt"), "keep\n");
    await writeFile(join(source, "inner/drop.pyc"), "drop\n");
    execFileSync("tar", ["-czf", join(work, "archived.tar.gz"), "-C", source, "."]);
    execFileSync("zip", ["-qr", join(work, "archived.zip"), "inner"], { cwd: source });

    const fromTar = await upload(join(work, "archived.tar.gz"), "-x", "*.pyc");
    expect((await cl(["info", fromTar, "-f", "name"])).stdout).toBe("archived\n");
    expect((await cl(["cat", `${fromTar}/inner/keep.txt`])).stdout).toBe("keep\n");
    expect((await cl(["cat", `${fromTar}/inner`])).stdout).not.toContain("drop.pyc");

    const fromZip = await upload(join(work, "archived.zip"));
    expect((await cl(["cat", `${fromZip}/inner/drop.pyc`])).stdout).toBe("drop\n");

    const packed = await upload(join(work, "archived.zip"), "--pack");
    expect((await cl(["info", packed, "-f", "name"])).stdout).toBe("archived.zip\n");
    const copy = join(work, "packed-copy.zip");
    expect((await cl(["download", packed, "-o", copy])).code).toBe(0);
    expect(Buffer.compare(await readFile(copy), await readFile(join(work, "archived.zip")))).toBe(0);
  });

  it("reads file genpaths with info -f", async () => {
    const root = join(work, "stats");
    await mkdir(root);
    await writeFile(join(root, "stats.json"), JSON.stringify({ train: { acc: 0.91 } }));
    await writeFile(join(root, "stdout"), "first line\nsecond line\n");
    const uuid = await upload(root);
    // Two lines of text read as YAML fold into one, as in CodaLab.
    expect((await cl(["info", uuid, "-f", "/stats.json:train/acc,/stdout"])).stdout).toBe(
      "0.91\tfirst line second line\n",
    );
    const verbose = await cl(["info", "-v", uuid]);
    expect(verbose.stdout).toContain("=== contents preview ===\n");
    expect(verbose.stdout).toContain("=== stdout preview ===\nfirst line\nsecond line\n");
  });
});

describe("cl edit, search and rm", () => {
  it("edits metadata and finds the bundle by it", async () => {
    const tag = `tag${randomBytes(4).toString("hex")}`;
    const uuid = await upload("-c", "to edit", "-n", "before-edit");
    const edit = await cl(["edit", uuid, "-n", "after-edit", "-d", "new description", "-T", tag, "other"]);
    expect(edit).toMatchObject({ code: 0, stdout: `Saved metadata for bundle ${uuid}.\n` });
    expect((await cl(["info", uuid, "-f", "name,description,tags"])).stdout).toBe(
      `after-edit\tnew description\t["${tag}","other"]\n`,
    );
    expect((await cl(["search", `tags=${tag}`, "-u"])).stdout).toBe(`${uuid}\n`);
    expect((await cl(["search", `tags=${tag}`, ".count"])).stdout).toBe("1\n");
    const table = await cl(["search", `tags=${tag}`]);
    expect(table.stdout).toMatch(/^uuid +name +summary +owner +created +data_size +state\n-+\n/);
    expect(table.stdout).toContain(`${uuid.slice(0, 8)}  after-edit`);
    const none = await cl(["search", `tags=${tag}-none`]);
    expect(none).toMatchObject({ code: 0, stdout: "", stderr: "No results found\n" });
  });

  it("freezes a bundle, which rm then refuses", async () => {
    const uuid = await upload("-c", "frozen", "-n", "frozen");
    expect((await cl(["edit", uuid, "--freeze"])).code).toBe(0);
    expect((await cl(["info", uuid])).stdout).toMatch(/\nfrozen {20}: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n/);
    const refused = await cl(["rm", uuid]);
    expect(refused.code).toBe(1);
    expectOneError(refused.stderr, /^error: .*frozen/);
    expect((await cl(["edit", uuid, "--unfreeze"])).code).toBe(0);
    expect((await cl(["rm", uuid])).stdout).toBe(`${uuid}\n`);
  });

  it("removes a bundle, after which it cannot be found", async () => {
    const uuid = await upload("-c", "short-lived");
    const dry = await cl(["rm", "-i", uuid]);
    expect(dry.stdout).toMatch(/^This command would permanently remove the following bundles \(not doing so yet\):\n/);
    expect((await cl(["rm", uuid])).stdout).toBe(`${uuid}\n`);
    const gone = await cl(["info", uuid]);
    expect(gone.code).toBe(1);
    expectOneError(gone.stderr, /^error: .*/);
    const catGone = await cl(["cat", uuid]);
    expect(catGone.code).toBe(1);
    expectOneError(catGone.stderr, /^error: .*/);
  });
});

describe("bad input", () => {
  it("reports a missing path, an invalid name, an ambiguous prefix and a bad spec in one line each", async () => {
    const missing = await cl(["upload", join(work, "does/not/exist")]);
    expect(missing.code).toBe(1);
    expectOneError(missing.stderr, `${join(work, "does/not/exist")} does not exist`);

    await writeFile(join(work, "named.txt"), "x");
    const invalid = await cl(["upload", join(work, "named.txt"), "-n", "bad name!"]);
    expect(invalid.code).toBe(1);
    expectOneError(invalid.stderr, /^error: invalid name "bad name!"/);

    const uuids: string[] = [];
    for (let i = 0; i < 17; i += 1) uuids.push(await upload("-c", `prefix ${i}`));
    const byDigit = new Map<string, number>();
    for (const uuid of uuids) byDigit.set(uuid.slice(0, 3), (byDigit.get(uuid.slice(0, 3)) ?? 0) + 1);
    const shared = [...byDigit.entries()].find(([, count]) => count > 1)?.[0] ?? "";
    const ambiguous = await cl(["info", shared]);
    expect(ambiguous.code).toBe(1);
    expectOneError(ambiguous.stderr, /^error: .*/);

    const many = await cl(["search", "name=contents"]);
    expect(many.stderr).toBe("Only 10 results are shown. Use .limit=N to show the first N results.\n");
    expect(many.stdout.trimEnd().split("\n")).toHaveLength(12);

    await writeFile(join(work, "target.txt"), "t");
    await symlink(join(work, "target.txt"), join(work, "source-link"));
    const linked = await cl(["upload", join(work, "source-link")]);
    expect(linked.code).toBe(1);
    expectOneError(linked.stderr, `${join(work, "source-link")} is a symbolic link`);

    const badSpec = await cl(["cat", "not a spec!"]);
    expect(badSpec.code).toBe(1);
    expectOneError(badSpec.stderr, /^error: invalid (bundle|target) spec/);
    const unknown = await cl(["info", "no-bundle-has-this-name"]);
    expect(unknown.code).toBe(1);
    expectOneError(unknown.stderr, /^error: .*no-bundle-has-this-name/);
  });
});

describe("resumable uploads", () => {
  it("continues an interrupted upload with the parts that are missing", async () => {
    const file = join(work, "big.bin");
    await writeFile(file, randomBytes(12 * 1024 * 1024 + 123));
    const name = `resumed-${randomBytes(3).toString("hex")}`;
    const env = { CODALAB_UPLOAD_PART_SIZE: "5m" };
    const interrupted = await cl(["upload", file, "-n", name], { ...env, CODALAB_TEST_STOP_AFTER_PARTS: "1" });
    expect(interrupted.code).toBe(1);
    expectOneError(interrupted.stderr, /^error: upload of 0x[0-9a-f]{32} interrupted: stopped after 1 parts/);
    expect(interrupted.stderr).toContain("hint: run the same command again to resume");

    const resumed = await cl(["upload", file, "-n", name], env);
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    const uuid = resumed.stdout.trim();
    expect(interrupted.stderr).toContain(uuid);
    expect((await cl(["search", `name=${name}`, ".count"])).stdout).toBe("1\n");
    const copy = join(work, "big-copy.bin");
    expect((await cl(["download", uuid, "-o", copy])).code).toBe(0);
    expect(Buffer.compare(await readFile(copy), await readFile(file))).toBe(0);
  });
});
