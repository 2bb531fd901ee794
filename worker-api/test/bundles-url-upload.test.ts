/**
 * `POST /rest/bundles/{uuid}/upload/url` (`cl upload <URL>`): the Worker downloads the URL into
 * R2. The remote server is a stub behind the global fetch the Worker uses (tests and Worker share
 * one isolate), so each test says exactly what "the internet" answers.
 */
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, signUpAndLogIn } from "./helpers/api.ts";
import {
  type BundleBody,
  buildTar,
  createBundle,
  diskUsed,
  type ErrorBody,
  raw,
  sendPart,
  userIdOf,
} from "./helpers/bundles.ts";

const HOST = "files.example.org";
const MiB = 1024 * 1024;

type Handler = (url: URL, init: RequestInit | undefined) => Response | Promise<Response>;
let routes: Map<string, Handler>;
let requested: string[];

beforeEach(() => {
  routes = new Map();
  requested = [];
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname !== HOST) return realFetch(input, init);
    requested.push(url.pathname + url.search);
    const handler = routes.get(url.pathname);
    return handler ? handler(url, init) : new Response("no such file", { status: 404, statusText: "Not Found" });
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

function serve(path: string, body: BodyInit | null, headers: Record<string, string> = {}): string {
  routes.set(path, () => new Response(body, { headers }));
  return `https://${HOST}${path}`;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Response(bytes).body?.pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const text = (value: string) => new TextEncoder().encode(value);

function fromUrl(token: string, uuid: string, body: Record<string, unknown>) {
  return api<BundleBody & ErrorBody>("POST", `/rest/bundles/${uuid}/upload/url`, { token, body });
}

const getBundle = (token: string, uuid: string) => api<BundleBody>("GET", `/rest/bundles/${uuid}`, { token });

async function uploadingRow(uuid: string) {
  return env.DB.prepare("select r2_key, r2_upload_id, manifest from bundle_uploads where bundle_uuid = ?")
    .bind(uuid)
    .first<{ r2_key: string; r2_upload_id: string; manifest: string }>();
}

describe("uploading from a URL", () => {
  it("downloads a plain file into a file bundle, sets source_url and charges the quota exactly", async () => {
    const { accessToken } = await signUpAndLogIn();
    const url = serve("/data/hello.txt", "hello from the web\n", { "content-type": "text/plain" });
    const bundle = await createBundle(accessToken, { name: "hello.txt" });
    const before = await diskUsed(accessToken);

    const res = await fromUrl(accessToken, bundle.uuid, { url: `${url}?token=abc` });
    expect(res.status).toBe(200);
    expect(res.body.bundle).toMatchObject({ state: "ready", is_dir: false, data_size: 19 });
    expect(res.body.bundle.metadata.source_url).toBe(`${url}?token=abc`);
    // The query string is part of what is fetched; only the name ignores it.
    expect(requested).toEqual(["/data/hello.txt?token=abc"]);
    const contents = await raw("GET", `/rest/bundles/${bundle.uuid}/contents/blob/`, { token: accessToken });
    expect(contents.text).toBe("hello from the web\n");
    expect(await diskUsed(accessToken)).toBe(before + 19);
    expect(await uploadingRow(bundle.uuid)).toBeNull();
  });

  it("keeps a source_url the uploader gave", async () => {
    const { accessToken } = await signUpAndLogIn();
    const url = serve("/x.txt", "x");
    const bundle = await createBundle(accessToken, { name: "x", source_url: "https://example.org/paper" });
    const res = await fromUrl(accessToken, bundle.uuid, { url });
    expect(res.body.bundle.metadata.source_url).toBe("https://example.org/paper");
  });

  it("unpacks a .tar.gz into a directory bundle through core's extract policy", async () => {
    const { accessToken } = await signUpAndLogIn();
    const { tar } = await buildTar([
      { type: "directory", path: "src" },
      { type: "file", path: "src/main.py", data: "print('hi')\n" },
      { type: "file", path: "README", data: "read me\n" },
      { type: "symlink", path: "latest", target: "src/main.py" },
    ]);
    const url = serve("/releases/code.tar.gz", await gzip(tar), { "content-type": "application/gzip" });
    const bundle = await createBundle(accessToken, { name: "code" });
    const before = await diskUsed(accessToken);

    const res = await fromUrl(accessToken, bundle.uuid, { url });
    expect(res.status).toBe(200);
    expect(res.body.bundle).toMatchObject({ state: "ready", is_dir: true });
    const dataSize = 12 + 8 + "src/main.py".length;
    expect(res.body.bundle.data_size).toBe(dataSize);
    expect(await diskUsed(accessToken)).toBe(before + dataSize);
    const info = await api<{ info: { contents: { name: string; type: string }[] } }>(
      "GET",
      `/rest/bundles/${bundle.uuid}/contents/info/?depth=2`,
      { token: accessToken },
    );
    expect(info.body.info.contents.map((entry) => `${entry.name}:${entry.type}`).sort()).toEqual([
      "README:file",
      "latest:link",
      "src:directory",
    ]);
    const main = await raw("GET", `/rest/bundles/${bundle.uuid}/contents/blob/src/main.py`, { token: accessToken });
    expect(main.text).toBe("print('hi')\n");
  });

  it("unpacks a plain .tar, and a .gz into the file it compresses", async () => {
    const { accessToken } = await signUpAndLogIn();
    const { tar } = await buildTar([{ type: "file", path: "a.txt", data: "A" }]);
    const tarBundle = await createBundle(accessToken, { name: "t" });
    const tarRes = await fromUrl(accessToken, tarBundle.uuid, { url: serve("/t.tar", tar) });
    expect(tarRes.body.bundle).toMatchObject({ state: "ready", is_dir: true, data_size: 1 });

    const gzBundle = await createBundle(accessToken, { name: "notes.txt" });
    const gzRes = await fromUrl(accessToken, gzBundle.uuid, {
      url: serve("/notes.txt.gz", await gzip(text("line 1\nline 2\n"))),
    });
    expect(gzRes.body.bundle).toMatchObject({ state: "ready", is_dir: false, data_size: 14 });
    const contents = await raw("GET", `/rest/bundles/${gzBundle.uuid}/contents/blob/`, { token: accessToken });
    expect(contents.text).toBe("line 1\nline 2\n");
  });

  it("keeps an archive packed as one file with unpack: false", async () => {
    const { accessToken } = await signUpAndLogIn();
    const packed = await gzip((await buildTar([{ type: "file", path: "a", data: "A" }])).tar);
    const bundle = await createBundle(accessToken, { name: "packed.tar.gz" });
    const res = await fromUrl(accessToken, bundle.uuid, { url: serve("/packed.tar.gz", packed), unpack: false });
    expect(res.body.bundle).toMatchObject({ state: "ready", is_dir: false, data_size: packed.byteLength });
  });

  it("takes a gzip body the runtime already decoded (Content-Encoding) as it is", async () => {
    const { accessToken } = await signUpAndLogIn();
    const { tar } = await buildTar([{ type: "file", path: "inside.txt", data: "decoded" }]);
    const bundle = await createBundle(accessToken, { name: "enc" });
    const res = await fromUrl(accessToken, bundle.uuid, {
      url: serve("/enc.tar.gz", tar, { "content-encoding": "gzip" }),
    });
    expect(res.body.bundle).toMatchObject({ state: "ready", is_dir: true, data_size: 7 });
  });

  it("follows redirects, and stores a download larger than one part through a multipart upload", async () => {
    const { accessToken } = await signUpAndLogIn();
    const size = 17 * MiB + 123;
    const chunk = new Uint8Array(MiB);
    for (let i = 0; i < chunk.length; i += 1) chunk[i] = i % 251;
    routes.set("/big.bin", () => {
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const take = Math.min(chunk.length, size - sent);
          if (take === 0) controller.close();
          else controller.enqueue(chunk.slice(0, take));
          sent += take;
        },
      });
      return new Response(body, { headers: { "content-length": String(size) } });
    });
    routes.set("/latest", () => new Response(null, { status: 302, headers: { location: "/big.bin" } }));
    const bundle = await createBundle(accessToken, { name: "big" });

    const res = await fromUrl(accessToken, bundle.uuid, { url: `https://${HOST}/latest` });
    expect(res.status).toBe(200);
    expect(res.body.bundle).toMatchObject({ state: "ready", data_size: size });
    expect(requested).toEqual(["/latest", "/big.bin"]);
    const tail = await raw("GET", `/rest/bundles/${bundle.uuid}/contents/blob/`, {
      token: accessToken,
      headers: { range: `bytes=${size - 3}-` },
    });
    expect([...tail.bytes]).toEqual([...chunk.slice(123 - 3, 123)]);
  });
});

describe("a download that fails", () => {
  it("fails the bundle with the HTTP status, keeps no upload and charges nothing", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await createBundle(accessToken, { name: "missing" });
    const before = await diskUsed(accessToken);
    const url = `https://${HOST}/missing.txt`;

    const res = await fromUrl(accessToken, bundle.uuid, { url });
    expect(res.status).toBe(502);
    const message = `could not download ${url}: the server answered HTTP 404 Not Found`;
    expect(res.body.error).toMatchObject({ code: "DOWNLOAD_FAILED", message });
    const after = await getBundle(accessToken, bundle.uuid);
    expect(after.body.bundle).toMatchObject({ state: "failed", state_details: message, data_size: null });
    expect(await uploadingRow(bundle.uuid)).toBeNull();
    expect(await diskUsed(accessToken)).toBe(before);
  });

  it("names network errors and redirects to hosts it will not visit", async () => {
    const { accessToken } = await signUpAndLogIn();
    routes.set("/flaky", () => {
      throw new TypeError("Network connection lost.");
    });
    const flaky = await createBundle(accessToken, { name: "flaky" });
    const res = await fromUrl(accessToken, flaky.uuid, { url: `https://${HOST}/flaky` });
    expect(res.status).toBe(502);
    expect(res.body.error.message).toBe(`could not download https://${HOST}/flaky: Network connection lost.`);

    routes.set("/inside", () => new Response(null, { status: 301, headers: { location: "http://169.254.169.254/" } }));
    const inside = await createBundle(accessToken, { name: "inside" });
    const redirected = await fromUrl(accessToken, inside.uuid, { url: `https://${HOST}/inside` });
    expect(redirected.status).toBe(502);
    expect(redirected.body.error.message).toBe(
      `could not download https://${HOST}/inside: it redirects to 169.254.169.254, and the host is a link-local address`,
    );
    expect((await getBundle(accessToken, inside.uuid)).body.bundle.state).toBe("failed");
  });

  it("fails on archives that are not what their name says, or that would escape the bundle", async () => {
    const { accessToken } = await signUpAndLogIn();
    const notGzip = await createBundle(accessToken, { name: "fake" });
    const res = await fromUrl(accessToken, notGzip.uuid, { url: serve("/fake.tgz", "<html>login</html>") });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVALID_ARCHIVE");
    expect(res.body.error.message).toMatch(
      /^could not unpack https:\/\/.*\/fake\.tgz: its name says gzip, but it is not gzip data/,
    );

    // A tar whose member climbs out: written by hand, TarWriter refuses to build one.
    const header = new Uint8Array(512);
    header.set(text("../evil"), 0);
    header.set(text("0000644\0"), 100);
    header.set(text("00000000001\0"), 124);
    header.set(text("00000000000\0"), 136);
    header[156] = "0".charCodeAt(0);
    header.set(text("ustar\0"), 257);
    header.set(text("00"), 263);
    header.fill(32, 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.set(text(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
    const evilTar = new Uint8Array(512 * 4);
    evilTar.set(header, 0);
    evilTar[512] = "x".charCodeAt(0);
    const evil = await createBundle(accessToken, { name: "evil" });
    const refused = await fromUrl(accessToken, evil.uuid, { url: serve("/evil.tar", evilTar) });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/^could not unpack https:\/\/.*\/evil\.tar: .*\.\.\/evil/);
    const failed = await getBundle(accessToken, evil.uuid);
    expect(failed.body.bundle.state).toBe("failed");
    expect(await env.BUNDLES.head(`bundles/${evil.uuid}/contents.tar`)).toBeNull();
    expect(await env.BUNDLES.head(`bundles/${evil.uuid}/index.json`)).toBeNull();
  });

  it("stops at the owner's disk quota, from Content-Length or while the bytes arrive", async () => {
    const { accessToken } = await signUpAndLogIn();
    const userId = await userIdOf(accessToken);
    await env.DB.prepare("update users set disk_quota = disk_used + 1000 where id = ?").bind(userId).run();
    const before = await diskUsed(accessToken);

    const declared = await createBundle(accessToken, { name: "declared" });
    const res = await fromUrl(accessToken, declared.uuid, { url: serve("/big.txt", "x".repeat(2000)) });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("QUOTA_EXCEEDED");
    expect((await getBundle(accessToken, declared.uuid)).body.bundle).toMatchObject({
      state: "failed",
      state_details: expect.stringMatching(/^disk quota exceeded/),
    });

    const { tar } = await buildTar([
      { type: "file", path: "a", data: "a".repeat(600) },
      { type: "file", path: "b", data: "b".repeat(600) },
    ]);
    const unpacked = await createBundle(accessToken, { name: "unpacked" });
    const streamed = await fromUrl(accessToken, unpacked.uuid, { url: serve("/two.tar.gz", await gzip(tar)) });
    expect(streamed.status).toBe(403);
    expect(streamed.body.error.message).toMatch(/^disk quota exceeded: 1.2k more would not fit: 0 of 1000 used/);
    expect(await env.BUNDLES.head(`bundles/${unpacked.uuid}/contents.tar`)).toBeNull();
    expect(await diskUsed(accessToken)).toBe(before);
  });
});

describe("refusals that leave the bundle uploading", () => {
  it("refuses other schemes, credentials, private hosts and archives the server cannot unpack", async () => {
    const { accessToken } = await signUpAndLogIn();
    const bundle = await createBundle(accessToken, { name: "untouched" });
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["ftp", { url: "ftp://example.org/x" }, /only http and https URLs can be uploaded \(not ftp\)/],
      ["file", { url: "file:///etc/passwd" }, /only http and https/],
      ["credentials", { url: "https://u:p@example.org/x" }, /URLs with a user name or password are refused/],
      ["loopback", { url: "http://127.0.0.1:8080/x" }, /refusing to download .*the host is a loopback address/],
      ["localhost", { url: "http://localhost/x" }, /localhost is this machine/],
      ["zip", { url: `https://${HOST}/data.zip` }, /cannot unpack .*data\.zip on the server: \.zip archives/],
      ["bz2", { url: `https://${HOST}/data.tar.bz2` }, /\.tar\.bz2 archives are unpacked only when uploaded/],
    ];
    for (const [what, body, message] of cases) {
      const res = await fromUrl(accessToken, bundle.uuid, body);
      expect(res.status, what).toBe(400);
      expect(res.body.error.code, what).toBe("BAD_REQUEST");
      expect(res.body.error.message, what).toMatch(message);
    }
    expect(requested).toEqual([]);
    expect((await getBundle(accessToken, bundle.uuid)).body.bundle.state).toBe("uploading");
    expect(await uploadingRow(bundle.uuid)).toBeNull();
    // The zip itself can still be kept packed.
    routes.set("/data.zip", () => new Response("PK"));
    const packed = await fromUrl(accessToken, bundle.uuid, { url: `https://${HOST}/data.zip`, unpack: false });
    expect(packed.body.bundle).toMatchObject({ state: "ready", data_size: 2 });
  });

  it("refuses a bundle that is not uploading, another user's bundle and a missing URL", async () => {
    const owner = await signUpAndLogIn();
    const stranger = await signUpAndLogIn();
    const bundle = await createBundle(owner.accessToken, { name: "mine" });
    const url = serve("/f.txt", "f");
    expect((await fromUrl(stranger.accessToken, bundle.uuid, { url })).status).toBe(403);
    expect((await fromUrl(owner.accessToken, bundle.uuid, {})).status).toBe(400);
    expect((await fromUrl(owner.accessToken, bundle.uuid, { url })).status).toBe(200);
    const again = await fromUrl(owner.accessToken, bundle.uuid, { url });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/is ready: a bundle in a final state can never be uploaded again/);
  });
});

describe("while the server downloads", () => {
  it("shows the URL as the upload, refuses parts and a second download, and can be abandoned", async () => {
    const { accessToken } = await signUpAndLogIn();
    // Promises cannot be settled across the Worker's request contexts: both sides poll flags.
    let arrived = false;
    let released = false;
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    routes.set("/slow.txt", async () => {
      arrived = true;
      while (!released) await pause();
      return new Response("slow data");
    });
    const bundle = await createBundle(accessToken, { name: "slow" });
    const url = `https://${HOST}/slow.txt`;
    const pending = fromUrl(accessToken, bundle.uuid, { url });
    while (!arrived) await pause();

    const status = await api<Record<string, unknown>>("GET", `/rest/bundles/${bundle.uuid}/upload`, {
      token: accessToken,
    });
    expect(status.body).toEqual({ kind: "file", size: 0, part_size: 0, part_count: 0, received: [], source_url: url });
    const part = await sendPart(accessToken, bundle.uuid, 1, text("x"));
    expect(part.status).toBe(409);
    expect(part.body.error?.message).toMatch(/is being downloaded from https:\/\/.*slow\.txt by the server/);
    const start = await api<ErrorBody>("POST", `/rest/bundles/${bundle.uuid}/upload`, {
      token: accessToken,
      body: { kind: "file", size: 1 },
    });
    expect(start.status).toBe(409);
    const second = await fromUrl(accessToken, bundle.uuid, { url });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/already has an upload in progress/);

    const abandoned = await api<BundleBody>("DELETE", `/rest/bundles/${bundle.uuid}/upload`, { token: accessToken });
    expect(abandoned.body.bundle).toMatchObject({ state: "failed", state_details: "the upload was abandoned" });
    released = true;
    const res = await pending;
    expect(res.status).toBe(409);
    const after = await getBundle(accessToken, bundle.uuid);
    expect(after.body.bundle).toMatchObject({ state: "failed", state_details: "the upload was abandoned" });
    expect(await env.BUNDLES.head(`bundles/${bundle.uuid}/contents`)).toBeNull();
    expect(await uploadingRow(bundle.uuid)).toBeNull();
  });
});
