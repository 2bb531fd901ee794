/**
 * `cl upload <URL>` against a real local instance: the Worker downloads from a small HTTP server
 * this test starts (the instance runs with URL_UPLOADS_ALLOW_PRIVATE_HOSTS, see global-setup.ts).
 * A plain file, a .tar.gz unpacked into a directory, a 404 ending failed with a clear message, and
 * a URL mixed with a local path refused before anything is created.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { makeClHome, runCl } from "./helpers/cli.ts";

const baseUrl = inject("baseUrl").replace(/\/+$/, "");
const admin = { CODALAB_USERNAME: inject("adminUsername"), CODALAB_PASSWORD: inject("adminPassword") };
const UUID = /^0x[0-9a-f]{32}$/;

let home: string;
let work: string;
let server: Server;
let origin: string;
const files = new Map<string, Buffer>();
const served: string[] = [];

beforeAll(async () => {
  home = await makeClHome({ address: baseUrl });
  work = await mkdtemp(join(tmpdir(), "cl-url-e2e-"));
  const tree = join(work, "tree");
  await mkdir(join(tree, "sub"), { recursive: true });
  await writeFile(join(tree, "a.txt"), "alpha\n");
  await writeFile(join(tree, "sub", "b.txt"), "beta\n");
  execFileSync("tar", ["-czf", join(work, "tree.tar.gz"), "-C", tree, "."]);
  files.set("/data/notes.txt", Buffer.from("line one\nline two\n"));
  files.set("/releases/tree.tar.gz", await readFile(join(work, "tree.tar.gz")));

  server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://x").pathname;
    served.push(request.url ?? "");
    const body = files.get(path);
    if (body === undefined) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not here");
      return;
    }
    response.writeHead(200, { "content-length": String(body.byteLength) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function cl(args: string[]) {
  return runCl(args, { home, env: admin });
}

async function upload(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await cl(["upload", ...args]);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  const uuid = stdout.trim();
  expect(uuid).toMatch(UUID);
  return uuid;
}

async function info(uuid: string): Promise<Record<string, unknown>> {
  const { stdout } = await cl(["info", uuid, "--json"]);
  const [bundle] = JSON.parse(stdout) as Record<string, unknown>[];
  return bundle ?? {};
}

describe("cl upload <URL>", () => {
  it("downloads a plain file on the server, named after the URL, with source_url set", async () => {
    const url = `${origin}/data/notes.txt?version=2`;
    const uuid = await upload(url, "-d", "notes from the web");
    expect(served).toContain("/data/notes.txt?version=2");
    expect((await cl(["cat", uuid])).stdout).toBe("line one\nline two\n");
    const bundle = await info(uuid);
    expect(bundle).toMatchObject({ state: "ready", is_dir: false, data_size: 18 });
    expect(bundle.metadata).toMatchObject({ name: "notes.txt", description: "notes from the web", source_url: url });
  });

  it("unpacks a .tar.gz URL into a directory bundle", async () => {
    const uuid = await upload(`${origin}/releases/tree.tar.gz`);
    const bundle = await info(uuid);
    expect(bundle).toMatchObject({ state: "ready", is_dir: true, metadata: { name: "tree" } });
    expect((await cl(["cat", `${uuid}/a.txt`])).stdout).toBe("alpha\n");
    expect((await cl(["cat", `${uuid}/sub/b.txt`])).stdout).toBe("beta\n");
    const packed = await upload(`${origin}/releases/tree.tar.gz`, "--pack", "-n", "packed");
    expect(await info(packed)).toMatchObject({ is_dir: false, metadata: { name: "packed" } });
  });

  it("ends failed with the HTTP status when the URL answers 404, in one error line", async () => {
    const url = `${origin}/missing/data.csv`;
    const { code, stdout, stderr } = await cl(["upload", url]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    const lines = stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    const match =
      /^error: upload of (0x[0-9a-f]{32}) failed: could not download (\S+): the server answered HTTP 404 Not Found$/.exec(
        lines[0] ?? "",
      );
    expect(match?.[2]).toBe(url);
    expect(lines[1]).toMatch(/^hint: check that the URL downloads without logging in/);
    const bundle = await info(match?.[1] ?? "");
    expect(bundle).toMatchObject({ state: "failed", metadata: { name: "data.csv" } });
    expect(bundle.state_details).toBe(`could not download ${url}: the server answered HTTP 404 Not Found`);
  });

  it("refuses a URL mixed with a local path before creating anything", async () => {
    await writeFile(join(work, "local.txt"), "local");
    const before = await cl(["search", ".count"]);
    const { code, stderr } = await cl(["upload", `${origin}/data/notes.txt`, join(work, "local.txt")]);
    expect(code).toBe(2);
    expect(stderr.trimEnd().split("\n")).toEqual([
      "error: upload takes one URL and nothing else: no other URLs or local paths with it",
      "hint: upload each URL, and the local paths, with a command of their own",
    ]);
    expect((await cl(["search", ".count"])).stdout).toBe(before.stdout);
  });
});
