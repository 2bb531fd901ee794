import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, readlink, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import { createFakeBundleServer, FAKE_ADDRESS, type FakeBundleServer } from "../testing/fake-bundle-server.ts";
import { createTestClient, type TestClient } from "../testing/test-context.ts";

const ADMIN_ENV = { CODALAB_USERNAME: "admin", CODALAB_PASSWORD: "admin-password" };

let work: string;
let home: string;
let server: FakeBundleServer;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "cl-bundles-work-"));
  home = await mkdtemp(join(tmpdir(), "cl-bundles-home-"));
  server = createFakeBundleServer();
});

function cl(options: { env?: Record<string, string>; statusLines?: string[] } = {}): TestClient {
  return createTestClient({
    fetch: server.fetch,
    env: ADMIN_ENV,
    config: { cli: { default_address: FAKE_ADDRESS }, aliases: {} },
    codalabHome: home,
    local: { cwd: work, env: options.env ?? {}, interactive: false },
    statusLines: options.statusLines,
  });
}

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const client = cl();
  const code = await client.run(...argv);
  return { code, stdout: client.out.stdout, stderr: client.out.stderr };
}

async function upload(...argv: string[]): Promise<string> {
  const result = await run("upload", ...argv);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return result.stdout.trim();
}

describe("cl upload", () => {
  it("uploads a file as a file bundle named after it and prints only the uuid", async () => {
    await writeFile(join(work, "data.csv"), "a,b\n1,2\n");
    const uuid = await upload("data.csv");
    expect(uuid).toMatch(/^0x[0-9a-f]{32}$/);
    const bundle = server.bundles.get(uuid);
    expect(bundle?.metadata.name).toBe("data.csv");
    expect(bundle?.state).toBe("ready");
    expect(bundle?.contents).toEqual({ kind: "file", bytes: new TextEncoder().encode("a,b\n1,2\n") });
  });

  it("uploads -c text as a file bundle named contents", async () => {
    const uuid = await upload("-c", "hello world");
    expect(server.bundles.get(uuid)?.metadata.name).toBe("contents");
    expect((await run("cat", uuid)).stdout).toBe("hello world");
  });

  it("packs a directory with nested files and symlinks kept as links", async () => {
    await mkdir(join(work, "tree/sub/deeper"), { recursive: true });
    await writeFile(join(work, "tree/a.txt"), "A");
    await writeFile(join(work, "tree/sub/deeper/b.bin"), new Uint8Array([0, 1, 2, 255]));
    await symlink("/etc/passwd", join(work, "tree/passwd"));
    const uuid = await upload("tree", "-n", "my-tree", "-d", "a tree", "--tags", "x", "y");
    const bundle = server.bundles.get(uuid);
    expect(bundle?.metadata).toMatchObject({ name: "my-tree", description: "a tree", tags: ["x", "y"] });
    const listing = await run("cat", uuid);
    expect(listing.stdout).toContain("passwd -> /etc/passwd");
    expect(listing.stdout).toMatch(/sub\s+0o755\s+dir/);
    expect((await run("cat", `${uuid}/passwd`)).stdout).toBe(" -> /etc/passwd\n");
    expect((await run("cat", `${uuid}/sub/deeper/b.bin`)).stdout).toBe(
      new TextDecoder().decode(new Uint8Array([0, 1, 2, 255])),
    );
  });

  it("uploads several paths as one directory holding each basename", async () => {
    await mkdir(join(work, "dir"));
    await writeFile(join(work, "dir/in.txt"), "in");
    await writeFile(join(work, "top.txt"), "top");
    const uuid = await upload("dir", "top.txt");
    expect(server.bundles.get(uuid)?.metadata.name).toBe("dir-top.txt");
    const entries = server.bundles.get(uuid)?.contents;
    expect(entries?.kind === "directory" && entries.index.entries.map((entry) => entry.path)).toEqual([
      "dir",
      "dir/in.txt",
      "top.txt",
    ]);
  });

  it("unpacks archives unless --pack, and strips the extension from the name", async () => {
    await mkdir(join(work, "src/inner"), { recursive: true });
    await writeFile(join(work, "src/inner/x.txt"), "x");
    await writeFile(join(work, "src/skip.pyc"), "compiled");
    execFileSync("tar", ["-czf", join(work, "data.tar.gz"), "-C", join(work, "src"), "."]);
    const unpacked = await upload("data.tar.gz", "-x", "*.pyc");
    const bundle = server.bundles.get(unpacked);
    expect(bundle?.metadata.name).toBe("data");
    expect(bundle?.contents?.kind === "directory" && bundle.contents.index.entries.map((entry) => entry.path)).toEqual([
      "inner",
      "inner/x.txt",
    ]);
    const packed = await upload("data.tar.gz", "--pack");
    expect(server.bundles.get(packed)?.metadata.name).toBe("data.tar.gz");
    expect(server.bundles.get(packed)?.contents?.kind).toBe("file");
  });

  it("unpacks a .gz into the single file it compresses", async () => {
    await writeFile(join(work, "notes.txt.gz"), gzipSync("compressed notes\n"));
    const uuid = await upload("notes.txt.gz");
    expect(server.bundles.get(uuid)?.metadata.name).toBe("notes.txt");
    expect((await run("cat", uuid)).stdout).toBe("compressed notes\n");
  });

  it("refuses a missing path, a symlinked source and an invalid name before creating anything", async () => {
    const missing = await run("upload", "nope.txt");
    expect(missing).toMatchObject({ code: 1, stdout: "", stderr: `error: ${join(work, "nope.txt")} does not exist\n` });
    await writeFile(join(work, "real.txt"), "r");
    await symlink(join(work, "real.txt"), join(work, "link.txt"));
    const linked = await run("upload", "link.txt");
    expect(linked.stderr).toMatch(/^error: .*link\.txt is a symbolic link\nhint: use -L/);
    const followed = await upload("link.txt", "-L");
    expect((await run("cat", followed)).stdout).toBe("r");
    const badName = await run("upload", "real.txt", "-n", "has space");
    expect(badName.code).toBe(1);
    expect(badName.stderr).toMatch(/^error: invalid name "has space"/);
    expect(server.calls.filter((call) => call === "POST /rest/bundles")).toHaveLength(1);
  });

  it("shows the server's quota refusal as one error line with a hint", async () => {
    await writeFile(join(work, "data.csv"), "a,b\n");
    server.failNext(
      "POST /rest/bundles",
      () =>
        new Response(
          JSON.stringify({ error: { code: "QUOTA_EXCEEDED", message: "time quota exceeded: 1y of 1y used" } }),
          { status: 403, headers: { "content-type": "application/json" } },
        ),
    );
    const refused = await run("upload", "data.csv");
    expect(refused).toMatchObject({
      code: 1,
      stdout: "",
      stderr:
        "error: time quota exceeded: 1y of 1y used\n" +
        "hint: `cl uinfo` shows your usage: delete bundles you no longer need (`cl rm`) or ask an administrator of the instance to raise your quota\n",
    });
  });

  it("shows a progress bar only when stderr is a terminal", async () => {
    await writeFile(join(work, "f.txt"), "x".repeat(100));
    const statusLines: string[] = [];
    const client = cl({ statusLines });
    expect(await client.run("upload", "f.txt")).toBe(0);
    expect(statusLines.slice(0, 2)).toEqual(["Preparing upload...", ""]);
    expect(statusLines[2]).toMatch(/^Uploading {2}100\/100 {2}\[#+\] {2}100%/);
    expect(statusLines.at(-1)).toBe("");
  });

  it("resumes an interrupted upload with the missing parts only", async () => {
    const size = 12 * 1024 * 1024 + 5;
    const pattern = new Uint8Array(251).map((_, i) => i);
    const bytes = new Uint8Array(size);
    for (let offset = 0; offset < size; offset += pattern.byteLength)
      bytes.set(pattern.subarray(0, size - offset), offset);
    await writeFile(join(work, "big.bin"), bytes);
    const env = { CODALAB_UPLOAD_PART_SIZE: "5m", CODALAB_TEST_STOP_AFTER_PARTS: "1" };
    const first = cl({ env });
    expect(await first.run("upload", "big.bin")).toBe(1);
    expect(first.out.stderr).toMatch(/^error: upload of 0x[0-9a-f]+ interrupted: stopped after 1 parts/);
    expect(first.out.stderr).toContain("hint: run the same command again to resume");
    expect(await readdir(join(home, "uploads"))).toHaveLength(1);

    const second = cl({ env: { CODALAB_UPLOAD_PART_SIZE: "5m" } });
    expect(await second.run("upload", "big.bin")).toBe(0);
    const uuid = second.out.stdout.trim();
    expect(server.bundles.size).toBe(1);
    expect(server.calls.filter((call) => call.startsWith("PUT "))).toEqual([
      `PUT /rest/bundles/${uuid}/upload/parts/1`,
      `PUT /rest/bundles/${uuid}/upload/parts/2`,
      `PUT /rest/bundles/${uuid}/upload/parts/3`,
    ]);
    const stored = server.bundles.get(uuid)?.contents;
    expect(stored?.kind === "file" && Buffer.compare(stored.bytes, bytes)).toBe(0);
    expect(await readdir(join(home, "uploads"))).toHaveLength(0);
  });

  it("resumes a directory upload with a byte-identical tar", async () => {
    await mkdir(join(work, "d"));
    for (let i = 0; i < 3; i += 1) {
      await writeFile(join(work, `d/f${i}`), new Uint8Array(4 * 1024 * 1024).fill(i + 1));
    }
    const env = { CODALAB_UPLOAD_PART_SIZE: "5m" };
    const first = cl({ env: { ...env, CODALAB_TEST_STOP_AFTER_PARTS: "1" } });
    expect(await first.run("upload", "d")).toBe(1);
    const second = cl({ env });
    expect(await second.run("upload", "d")).toBe(0);
    const uuid = second.out.stdout.trim();
    expect(server.bundles.size).toBe(1);
    expect((await run("cat", `${uuid}/f2`)).stdout).toBe("\u0003".repeat(4 * 1024 * 1024));
  });
});

describe("cl upload <URL>", () => {
  it("has the instance download the URL into a bundle named after its last segment, with source_url", async () => {
    const url = "https://example.org/files/data.csv?token=1";
    const uuid = await upload(url, "-d", "from the web", "--tags", "web", "--license", "MIT");
    const bundle = server.bundles.get(uuid);
    expect(bundle?.fromUrl).toEqual({ url, unpack: true });
    expect(bundle?.metadata).toMatchObject({
      name: "data.csv",
      description: "from the web",
      tags: ["web"],
      license: "MIT",
      source_url: url,
    });
    expect(bundle?.state).toBe("ready");
    expect(server.calls).toContain(`POST /rest/bundles/${uuid}/upload/url`);
  });

  it("strips the archive extension from the name unless --pack, which also keeps it packed", async () => {
    const unpacked = await upload("https://example.org/release/code.tar.gz");
    expect(server.bundles.get(unpacked)?.metadata.name).toBe("code");
    expect(server.bundles.get(unpacked)?.fromUrl?.unpack).toBe(true);
    const packed = await upload("https://example.org/release/code.zip", "-p", "-n", "mine", "--source-url", "x");
    expect(server.bundles.get(packed)?.metadata).toMatchObject({ name: "mine", source_url: "x" });
    expect(server.bundles.get(packed)?.fromUrl?.unpack).toBe(false);
  });

  it("reports a failed download as one error line with a hint, the bundle failed", async () => {
    const result = await run("upload", "https://example.org/missing.txt");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    const [line, hint, ...rest] = result.stderr.trimEnd().split("\n");
    expect(line).toMatch(
      /^error: upload of 0x[0-9a-f]{32} failed: could not download https:\/\/example.org\/missing.txt: the server answered HTTP 404 Not Found$/,
    );
    expect(hint).toMatch(/^hint: check that the URL downloads without logging in/);
    expect(rest).toEqual([]);
    const failed = [...server.bundles.values()].find((bundle) => bundle.metadata.name === "missing.txt");
    expect(failed?.state).toBe("failed");
  });

  it("refuses URLs mixed with paths, other schemes, --git and archives the instance cannot unpack", async () => {
    await writeFile(join(work, "local.txt"), "x");
    const refusals: [string[], RegExp, RegExp | undefined][] = [
      [["https://example.org/a", "local.txt"], /^error: upload takes one URL and nothing else/, /own/],
      [["https://example.org/a", "https://example.org/b"], /^error: upload takes one URL and nothing else/, /own/],
      [["ftp://example.org/a"], /only http and https URLs can be uploaded \(not ftp\)/, /http:\/\/ or https:/],
      [["https://example.org/repo.git", "--git"], /^error: cannot clone .*cannot run git/, /git clone/],
      [["local.txt", "-g"], /^error: -g\/--git needs the URL of a git repository/, undefined],
      [["https://example.org/a.zip"], /cannot unpack .*a\.zip on the server: \.zip archives/, /-p\/--pack/],
      [["https://example.org/a.tar.bz2"], /\.tar\.bz2 archives are unpacked only when uploaded/, /-p\/--pack/],
      [["https://example.org/a.tgz", "-x", "*.pyc"], /-x\/--exclude-patterns applies to local paths/, undefined],
    ];
    for (const [argv, message, hint] of refusals) {
      const result = await run("upload", ...argv);
      expect(result.code, argv.join(" ")).toBe(2);
      const [line, hintLine] = result.stderr.trimEnd().split("\n");
      expect(line, argv.join(" ")).toMatch(message);
      if (hint) expect(hintLine, argv.join(" ")).toMatch(hint);
    }
    // Nothing was created.
    expect(server.calls.filter((call) => call.startsWith("POST /rest/bundles"))).toEqual([]);
  });
});

describe("usage errors and --json", () => {
  it("refuses what cl upload cannot do", async () => {
    expect(await run("upload")).toMatchObject({
      code: 2,
      stderr: "error: nothing to upload\nhint: give paths to upload, or -c <text>\n",
    });
    expect((await run("upload", "-c", "x", "file")).stderr).toMatch(/^error: upload does not support mixing/);
    const noDisk = createTestClient({
      fetch: server.fetch,
      env: ADMIN_ENV,
      config: { cli: { default_address: FAKE_ADDRESS }, aliases: {} },
    });
    expect(await noDisk.run("upload", "file")).toBe(2);
    expect(noDisk.out.stderr).toBe("error: local file paths are not allowed without a filesystem\n");
    expect(await noDisk.run("upload", "-c", "fine without a disk")).toBe(0);
  });

  it("prints bundles as JSON for upload, search, rm and aggregates", async () => {
    const uploaded = JSON.parse((await run("upload", "-c", "j", "-n", "jsoned", "--json")).stdout);
    expect(uploaded).toMatchObject({ metadata: { name: "jsoned" }, state: "ready" });
    expect(JSON.parse((await run("search", "jsoned", "--json")).stdout)).toMatchObject({
      bundles: [{ uuid: uploaded.uuid }],
      total: 1,
    });
    expect(JSON.parse((await run("search", ".count", "--json")).stdout)).toEqual({ result: 1 });
    expect(JSON.parse((await run("info", uploaded.uuid, "-f", "name,/missing", "--json")).stdout)).toEqual([
      { name: "jsoned", "/missing": null },
    ]);
    expect(JSON.parse((await run("rm", uploaded.uuid, "--json")).stdout)).toEqual({
      deleted: [uploaded.uuid],
      dry_run: false,
    });
  });

  it("refuses contradicting edit flags and an edit with nothing to do", async () => {
    const uuid = await upload("-c", "x");
    expect((await run("edit", uuid, "--freeze", "--unfreeze")).stderr).toBe(
      "error: choose one of --freeze and --unfreeze\n",
    );
    expect((await run("edit", uuid, "--anonymous", "--not-anonymous")).code).toBe(2);
    const nothing = await run("edit", uuid);
    expect(nothing.stderr).toMatch(
      /^error: nothing to edit: no options given and no editor to open\nhint: give options/,
    );
    const unchanged = createTestClient({
      fetch: server.fetch,
      env: ADMIN_ENV,
      config: { cli: { default_address: FAKE_ADDRESS }, aliases: {} },
      local: { cwd: work, env: { EDITOR: "true" }, interactive: false },
    });
    expect(await unchanged.run("edit", uuid)).toBe(0);
    expect(unchanged.out.stderr).toBe(`No changes to bundle ${uuid}.\n`);
  });

  it("prints raw values with info -r and downloads a file bundle under its name", async () => {
    const uuid = await upload("-c", "raw", "-n", "rawfile");
    const raw = (await run("info", uuid, "-r")).stdout;
    expect(raw).toMatch(/\ncreated {19}: 17\d{8}\n/);
    expect(raw).toContain("license                   : <none>\n");
    expect((await run("download", "rawfile")).code).toBe(0);
    expect(await readFile(join(work, "rawfile"), "utf8")).toBe("raw");
  });
});

describe("cl info", () => {
  it("prints CodaLab's key/value dump", async () => {
    const uuid = await upload("-c", "x", "-n", "thing", "-d", "described");
    const { code, stdout } = await run("info", uuid);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe(`bundle_type               : dataset`);
    expect(lines).toContain(`uuid                      : ${uuid}`);
    expect(lines).toContain("state                     : ready");
    expect(lines).toContain("command                   : <none>");
    expect(lines).toContain("is_anonymous              : False");
    expect(lines).toContain("owner                     : admin(0)");
    expect(lines).toContain("name                      : thing");
    expect(lines).toContain("description               : described");
    expect(lines.some((line) => /^created {19}: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(line))).toBe(true);
    expect(lines).toContain("data_size                 : 1");
  });

  it("prints fields, file genpaths, several bundles and JSON", async () => {
    await mkdir(join(work, "run"));
    await writeFile(join(work, "run/stdout"), "line 1\nline 2\n");
    await writeFile(join(work, "run/stats.json"), JSON.stringify({ acc: 0.93, nested: { loss: [1, 2] } }));
    await writeFile(join(work, "run/log.tsv"), "epoch\t3\nloss\t0.5\n");
    const uuid = await upload("run");
    const fields = await run(
      "info",
      uuid,
      "-f",
      "name,state,/stats.json:acc,/stats.json:nested/loss/1,/log.tsv:loss,/missing,nokey",
    );
    expect(fields.stdout).toBe("run\tready\t0.93\t2\t0.5\t\tNone\n");
    const other = await upload("-c", "y", "-n", "other");
    const both = await run("info", uuid, other, "-f", "name");
    expect(both.stdout).toBe("run\nother\n");
    const json = JSON.parse((await run("info", other, "--json")).stdout);
    expect(json).toMatchObject([{ uuid: other, metadata: { name: "other" } }]);
  });

  it("adds children, permissions and previews with -v", async () => {
    await mkdir(join(work, "job"));
    await writeFile(join(work, "job/stdout"), Array.from({ length: 20 }, (_, i) => `out ${i}\n`).join(""));
    const uuid = await upload("job");
    const { stdout } = await run("info", "-v", uuid);
    expect(stdout).toContain("children:\nhost_worksheets:\npermission: all\ngroup_permissions:\n  -\n");
    expect(stdout).toContain("=== contents preview ===\nname    perm   size\n");
    expect(stdout).toContain("=== stdout preview ===\nout 0\n");
    expect(stdout).toContain("out 9\n");
    expect(stdout).not.toContain("out 10\n");
  });

  it("fails with the server's message for an unknown or ambiguous spec", async () => {
    const missing = await run("info", "nothing-here");
    expect(missing).toMatchObject({ code: 1, stderr: 'error: no bundle named "nothing-here"\n' });
    await upload("-c", "1");
    await upload("-c", "2");
    const ambiguous = await run("info", "0x0");
    expect(ambiguous.stderr).toBe("error: more than one bundle has a uuid starting with 0x0\n");
    const invalid = await run("info", "bad spec!");
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^error: invalid bundle spec 'bad spec!'/);
  });
});

describe("cl cat", () => {
  it("prints --head and --tail lines of a file, and refuses a missing target", async () => {
    await writeFile(join(work, "lines.txt"), "1\n2\n3\n4\n");
    const uuid = await upload("lines.txt");
    expect((await run("cat", uuid, "--head", "2")).stdout).toBe("1\n2\n");
    expect((await run("cat", uuid, "-t", "1")).stdout).toBe("4\n");
    const missing = await run("cat", `${uuid}/nope`);
    expect(missing.stderr).toBe(
      `error: target 'nope' doesn't exist in bundle ${uuid}\nhint: list what is there with \`cl cat ${uuid}\`\n`,
    );
    expect((await run("cat", uuid, "--head", "x")).code).toBe(2);
  });
});

describe("cl download", () => {
  it("downloads a directory byte-identical, links included, and refuses to overwrite without -f", async () => {
    await mkdir(join(work, "src/a/b"), { recursive: true });
    await writeFile(join(work, "src/a/b/c.txt"), "deep");
    await writeFile(join(work, "src/top.bin"), new Uint8Array([9, 8, 7]));
    await symlink("a/b/c.txt", join(work, "src/rel-link"));
    await symlink("/etc/passwd", join(work, "src/abs-link"));
    const uuid = await upload("src", "-n", "src");
    const out = join(work, "out");
    const first = await run("download", uuid, "-o", "out");
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`Downloading src(${uuid})/ => ${out}\n`);
    expect(await readFile(join(out, "a/b/c.txt"), "utf8")).toBe("deep");
    expect(new Uint8Array(await readFile(join(out, "top.bin")))).toEqual(new Uint8Array([9, 8, 7]));
    expect(await readlink(join(out, "rel-link"))).toBe("a/b/c.txt");
    expect(await readlink(join(out, "abs-link"))).toBe("/etc/passwd");
    const again = await run("download", uuid, "-o", "out");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists\nhint: use -f\/--force/);
    expect((await run("download", uuid, "-o", "out", "-f")).code).toBe(0);
  });

  it("downloads a file inside a bundle under its basename, and refuses links", async () => {
    await mkdir(join(work, "d"));
    await writeFile(join(work, "d/file.txt"), "inside");
    await symlink("file.txt", join(work, "d/link"));
    const uuid = await upload("d");
    expect((await run("download", `${uuid}/file.txt`)).code).toBe(0);
    expect(await readFile(join(work, "file.txt"), "utf8")).toBe("inside");
    const link = await run("download", `${uuid}/link`);
    expect(link).toMatchObject({ code: 2, stderr: "error: downloading symlinks is not allowed\n" });
  });
});

describe("cl edit, rm and search", () => {
  it("edits metadata with flags and -f KEY VALUE pairs", async () => {
    const uuid = await upload("-c", "x", "-n", "before");
    const { stdout } = await run(
      "edit",
      uuid,
      "-n",
      "after",
      "-T",
      "t1",
      "t2",
      "-f",
      "license",
      "MIT",
      "-f",
      "custom",
      "v",
    );
    expect(stdout).toBe(`Saved metadata for bundle ${uuid}.\n`);
    expect(server.bundles.get(uuid)?.metadata).toMatchObject({
      name: "after",
      tags: ["t1", "t2"],
      license: "MIT",
      custom: "v",
    });
    await run("edit", uuid, "--freeze", "--anonymous");
    expect(server.bundles.get(uuid)).toMatchObject({ frozen: 1_700_000_500, is_anonymous: true });
    const bad = await run("edit", uuid, "-n", "no good");
    expect(bad.stderr).toMatch(/^error: invalid name "no good"/);
  });

  it("edits in $EDITOR when no flags are given", async () => {
    const uuid = await upload("-c", "x", "-n", "orig");
    const client = createTestClient({
      fetch: server.fetch,
      env: ADMIN_ENV,
      config: { cli: { default_address: FAKE_ADDRESS }, aliases: {} },
      codalabHome: home,
      local: {
        cwd: work,
        env: { EDITOR: "sed -i -e 's/^description: .*/description: from the editor/'" },
        interactive: false,
      },
    });
    expect(await client.run("edit", uuid)).toBe(0);
    expect(server.bundles.get(uuid)?.metadata.description).toBe("from the editor");
    expect(server.calls.filter((call) => call.startsWith("PATCH"))).toHaveLength(1);
  });

  it("removes bundles, prints their uuids, and lists them on a dry run", async () => {
    const one = await upload("-c", "1", "-n", "one");
    const two = await upload("-c", "2", "-n", "two");
    const dry = await run("rm", "-i", one);
    expect(dry.stdout).toMatch(
      /^This command would permanently remove the following bundles \(not doing so yet\):\nuuid/,
    );
    expect(server.bundles.has(one)).toBe(true);
    expect((await run("rm", one, two)).stdout).toBe(`${one}\n${two}\n`);
    expect(server.bundles.size).toBe(0);
    const gone = await run("info", one);
    expect(gone.stderr).toBe(`error: no bundle with uuid ${one}\n`);
  });

  it("searches with a table, uuids only, aggregates and the .limit hint", async () => {
    const uuids = [];
    for (let i = 0; i < 11; i += 1) uuids.push(await upload("-c", String(i), "-n", `item${i}`));
    const table = await run("search", "item");
    expect(table.stderr).toBe("Only 10 results are shown. Use .limit=N to show the first N results.\n");
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^uuid\s+name\s+summary\s+owner\s+created\s+data_size\s+state$/);
    expect(lines[1]).toMatch(/^-+$/);
    expect(lines[2]).toMatch(
      /^0x[0-9a-f]{6}\s+item10\s+\[uploaded\]\s+admin\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+2\s+ready$/,
    );
    expect((await run("search", "item1", "-u")).stdout).toBe(`${uuids[10]}\n${uuids[1]}\n`);
    expect((await run("search", ".count")).stdout).toBe("11\n");
    expect((await run("search", "zzz")).stderr).toBe("No results found\n");
    expect((await run("search", "item3", "-f", "name,state")).stdout).toBe(
      "name   state\n------------\nitem3  ready\n",
    );
  });
});
