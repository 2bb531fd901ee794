import { gunzipStream, readAllBytes, readTar } from "@codalab/core";
import { beforeAll, describe, expect, it } from "vitest";
import { api, signUpAndLogIn } from "./helpers/api.ts";
import {
  type BundleBody,
  buildTar,
  createBundle,
  type ErrorBody,
  raw,
  readyDirectoryBundle,
  readyFileBundle,
  uploadBytes,
} from "./helpers/bundles.ts";

type Info = { name: string; type: string; size: number; perm: number; link?: string; contents?: Info[] };

let token: string;
let dir: string;
let file: string;
const lines = Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`).join("\n");

beforeAll(async () => {
  token = (await signUpAndLogIn()).accessToken;
  dir = (
    await readyDirectoryBundle(token, [
      { type: "file", path: "README.md", data: "# hi\n" },
      { type: "directory", path: "src" },
      { type: "file", path: "src/main.py", data: "print('hi')\n", mode: 0o755 },
      { type: "file", path: "src/deep/x.bin", data: new Uint8Array([0, 1, 2, 255]) },
      { type: "hardlink", path: "src/copy.py", target: "src/main.py" },
      { type: "symlink", path: "passwd", target: "/etc/passwd" },
      { type: "symlink", path: "srclink", target: "src" },
      { type: "file", path: "page.html", data: "<script>alert(1)</script>" },
      { type: "file", path: "lines.txt", data: lines },
    ])
  ).uuid;
  file = (await readyFileBundle(token, "one\ntwo\nthree\n", "notes")).uuid;
});

const blob = (uuid: string, path: string, headers: Record<string, string> = {}) =>
  raw("GET", `/rest/bundles/${uuid}/contents/blob/${path}`, { token, headers });
const info = (uuid: string, path: string, query = "") =>
  api<{ info: Info } & ErrorBody>("GET", `/rest/bundles/${uuid}/contents/info/${path}${query}`, { token });

async function tarMembers(bytes: Uint8Array, gzipped = false): Promise<Record<string, string>> {
  let stream = new Blob([bytes]).stream() as ReadableStream<Uint8Array>;
  if (gzipped) stream = gunzipStream(stream);
  const out: Record<string, string> = {};
  for await (const entry of readTar(stream)) {
    const data = await readAllBytes(entry.body);
    out[entry.path] =
      entry.header.type === "symlink"
        ? `-> ${entry.header.linkTarget}`
        : entry.header.type === "hardlink"
          ? `=> ${entry.header.linkTarget}`
          : new TextDecoder().decode(data);
  }
  return out;
}

describe("contents info", () => {
  it("lists the bundle root one level deep, named by the uuid, links shown with their targets", async () => {
    const res = await info(dir, "");
    expect(res.status).toBe(200);
    expect(res.body.info).toMatchObject({ name: dir, type: "directory" });
    const names = res.body.info.contents?.map((entry) => entry.name);
    expect(names).toEqual(["README.md", "lines.txt", "page.html", "passwd", "src", "srclink"]);
    const link = res.body.info.contents?.find((entry) => entry.name === "passwd");
    expect(link).toMatchObject({ type: "link", link: "/etc/passwd" });
    expect(res.body.info.contents?.find((entry) => entry.name === "src")?.contents).toBeUndefined();
  });

  it("goes as deep as asked and reports sizes and permissions of files", async () => {
    const res = await info(dir, "src", "?depth=2");
    expect(res.body.info.name).toBe("src");
    const main = res.body.info.contents?.find((entry) => entry.name === "main.py");
    expect(main).toMatchObject({ type: "file", size: 12, perm: 0o755 });
    expect(res.body.info.contents?.find((entry) => entry.name === "deep")?.contents?.[0]?.name).toBe("x.bin");
  });

  it("describes a symbolic link without following it", async () => {
    const res = await info(dir, "passwd");
    expect(res.body.info).toEqual({ name: "passwd", type: "link", size: 11, perm: 0o777, link: "/etc/passwd" });
  });

  it("describes a file bundle as one file", async () => {
    const res = await info(file, "");
    expect(res.body.info).toMatchObject({ name: file, type: "file", size: 14 });
  });

  it("answers 404 for a path that is not there, and for paths inside a file bundle", async () => {
    expect((await info(dir, "nope.txt")).status).toBe(404);
    const inFile = await info(file, "x");
    expect(inFile.status).toBe(404);
    expect(inFile.body.error.message).toContain("single file");
  });

  it("refuses a depth out of range", async () => {
    const res = await info(dir, "", "?depth=-1");
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
  });

  it("answers 404 while the bundle has no contents yet", async () => {
    const bundle = await createBundle(token, { name: "empty" });
    const res = await info(bundle.uuid, "");
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain("uploading");
  });
});

describe("contents blob of files", () => {
  it("serves a file inside a directory as an attachment with a safe type and nosniff", async () => {
    const res = await blob(dir, "src/main.py");
    expect(res.status).toBe(200);
    expect(res.text).toBe("print('hi')\n");
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="main.py"; filename*=UTF-8''main.py`);
    expect(res.headers.get("x-codalab-target-type")).toBe("file");
    expect(res.headers.get("x-codalab-target-size")).toBe("12");
  });

  it("answers HEAD with the headers alone", async () => {
    const res = await raw("HEAD", `/rest/bundles/${dir}/contents/blob/src/main.py`, { token });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-codalab-target-size")).toBe("12");
    expect(res.bytes.byteLength).toBe(0);
  });

  it("serves binary data as octet-stream and HTML as plain text, never text/html", async () => {
    const bin = await blob(dir, "src/deep/x.bin");
    expect([...bin.bytes]).toEqual([0, 1, 2, 255]);
    expect(bin.headers.get("content-type")).toBe("application/octet-stream");
    const html = await blob(dir, "page.html");
    expect(html.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(html.headers.get("content-disposition")).toMatch(/^attachment;/);
  });

  it("serves a hardlink with the data of the file it shares", async () => {
    expect((await blob(dir, "src/copy.py")).text).toBe("print('hi')\n");
  });

  it("serves a file bundle whole, named after the bundle", async () => {
    const res = await blob(file, "");
    expect(res.text).toBe("one\ntwo\nthree\n");
    expect(res.headers.get("content-disposition")).toContain('filename="notes"');
  });

  it("answers a byte range with 206 and Content-Range, and an impossible one with 416", async () => {
    const part = await blob(file, "", { range: "bytes=4-6" });
    expect(part.status).toBe(206);
    expect(part.text).toBe("two");
    expect(part.headers.get("content-range")).toBe("bytes 4-6/14");
    const suffix = await blob(dir, "src/main.py", { range: "bytes=-3" });
    expect(suffix.status).toBe(206);
    expect(suffix.text).toBe("')\n");
    const open = await blob(dir, "lines.txt", { range: "bytes=7-" });
    expect(open.text).toBe(lines.slice(7));
    const bad = await blob(file, "", { range: "bytes=100-200" });
    expect(bad.status).toBe(416);
    expect(bad.headers.get("content-range")).toBe("bytes */14");
    expect(JSON.parse(bad.text).error.code).toBe("RANGE_NOT_SATISFIABLE");
  });

  it("summarizes the head and tail lines of a large file, marking the cut", async () => {
    const head = await blob(dir, "lines.txt?head=2");
    expect(head.text).toBe("line 1\nline 2\n");
    const tail = await blob(dir, "lines.txt?tail=2");
    expect(tail.text).toBe("line 999\nline 1000\n");
    const both = await blob(dir, "lines.txt?head=1&tail=1&truncation_text=...%0A");
    expect(both.text).toBe("line 1\n...\nline 1000\n");
  });

  it("summarizes a small file by whole lines", async () => {
    expect((await blob(file, "?head=1&tail=1&truncation_text=[cut]")).text).toBe("one\n[cut]three\n");
    expect((await blob(file, "?head=5")).text).toBe("one\ntwo\nthree\n");
  });
});

describe("symbolic links and paths that try to escape", () => {
  it("shows a link to /etc/passwd as a link and never serves its target", async () => {
    const res = await blob(dir, "passwd");
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text) as ErrorBody;
    expect(body.error.code).toBe("INVALID_PATH");
    expect(body.error.message).toBe('"passwd" is a symbolic link to "/etc/passwd"; links are never followed');
    expect(res.text).not.toContain("root:");
  });

  it("never follows a link inside the bundle either", async () => {
    const res = await blob(dir, "srclink/main.py");
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.message).toContain("goes through the symbolic link");
  });

  it("refuses .. in a path, plain or URL-encoded, with 400 INVALID_PATH", async () => {
    for (const path of ["src/..%2F..%2Fetc%2Fpasswd", "src%2F..%2F..%2Fx", `..%2f${dir}`, "%2e%2e%2F%2e%2e%2Fx"]) {
      const res = await blob(dir, path);
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.text).error.code).toBe("INVALID_PATH");
    }
  });

  it("lets the URL parser resolve literal .. segments, so they can only ever name another bundle's route", async () => {
    const other = await readyFileBundle((await signUpAndLogIn()).accessToken, "secret", "secret");
    for (const path of [`../../../${other.uuid}/contents/blob/`, `%2e%2e/%2e%2e/%2e%2e/${other.uuid}/contents/blob/`]) {
      const res = await blob(dir, path);
      expect(res.status).toBe(403);
      expect(res.text).not.toContain("secret\n");
    }
  });

  it("refuses an absolute subpath", async () => {
    const res = await blob(dir, "%2Fetc%2Fpasswd");
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.message).toContain("relative to the bundle");
  });
});

describe("contents blob of directories", () => {
  it("streams the whole bundle as its tar, or gzipped", async () => {
    const res = await blob(dir, "");
    expect(res.headers.get("content-type")).toBe("application/x-tar");
    expect(res.headers.get("x-codalab-target-type")).toBe("directory");
    expect(res.headers.get("content-disposition")).toContain('filename="dir.tar"');
    const members = await tarMembers(res.bytes);
    expect(members["src/main.py"]).toBe("print('hi')\n");
    expect(members.passwd).toBe("-> /etc/passwd");
    const gz = await blob(dir, "?format=tar.gz");
    expect(gz.headers.get("content-type")).toBe("application/gzip");
    expect(gz.headers.get("content-disposition")).toContain('filename="dir.tar.gz"');
    expect((await tarMembers(gz.bytes, true))["README.md"]).toBe("# hi\n");
  });

  it("builds a tar of a subdirectory with paths relative to it, keeping hardlinks", async () => {
    const res = await blob(dir, "src?format=tar.gz");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain('filename="src.tar.gz"');
    expect(await tarMembers(res.bytes, true)).toEqual({
      "main.py": "print('hi')\n",
      "deep/x.bin": new TextDecoder().decode(new Uint8Array([0, 1, 2, 255])),
      "copy.py": "=> main.py",
    });
  });

  it("refuses head/tail on a directory", async () => {
    const res = await blob(dir, "src?head=3");
    expect(res.status).toBe(400);
  });
});

describe("an index that lies", () => {
  it("serves nothing for an entry whose offsets point at another member", async () => {
    const { tar, index } = await buildTar([
      { type: "file", path: "a.txt", data: "AAAA" },
      { type: "file", path: "b.txt", data: "BBBB" },
    ]);
    const [a, b] = index.entries;
    if (a === undefined || b === undefined) throw new Error("two entries expected");
    const lying = { ...index, entries: [{ ...a, header_offset: b.header_offset, offset: b.offset }, b] };
    const bundle = await createBundle(token, { name: "liar" });
    const done = await uploadBytes(token, bundle.uuid, tar, { kind: "directory", index: lying });
    expect(done.status).toBe(200);
    const res = await blob(bundle.uuid, "a.txt");
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text) as ErrorBody;
    expect(body.error.code).toBe("INVALID_ARCHIVE");
    expect(body.error.message).toContain("does not match");
    expect(res.text).not.toContain("BBBB");
    expect((await blob(bundle.uuid, "b.txt")).text).toBe("BBBB");
  });
});

describe("file names that need care", () => {
  it("round-trips quotes, spaces, unicode, a leading dash and newlines through upload, listing and download", async () => {
    const names = ['say "hi".txt', "two words.txt", "naïve-日本.txt", "-rf", "line\nbreak.txt"];
    const bundle = await readyDirectoryBundle(
      token,
      names.map((name, i) => ({ type: "file" as const, path: name, data: `data ${i}` })),
      "names",
    );
    const listing = await info(bundle.uuid, "");
    expect(listing.body.info.contents?.map((entry) => entry.name).sort()).toEqual([...names].sort());
    for (const [i, name] of names.entries()) {
      const res = await blob(bundle.uuid, encodeURIComponent(name));
      expect(res.status, name).toBe(200);
      expect(res.text).toBe(`data ${i}`);
      const disposition = res.headers.get("content-disposition") ?? "";
      expect(disposition).not.toContain("\n");
      const encoded = /filename\*=UTF-8''(.*)$/.exec(disposition)?.[1] ?? "";
      expect(decodeURIComponent(encoded)).toBe(name);
    }
    const members = await tarMembers((await blob(bundle.uuid, "")).bytes);
    expect(Object.keys(members).sort()).toEqual([...names].sort());
  });
});

describe("reading another user's bundle", () => {
  it("is refused with 403 for info and blob, and for anonymous callers", async () => {
    const other = await signUpAndLogIn();
    const secret = await readyFileBundle(other.accessToken, "top secret", "secret");
    for (const kind of ["info", "blob"]) {
      const res = await raw("GET", `/rest/bundles/${secret.uuid}/contents/${kind}/`, { token });
      expect(res.status).toBe(403);
      expect(JSON.parse(res.text).error.message).toBe(`you do not have read permission on bundle ${secret.uuid}`);
      const anonymous = await raw("GET", `/rest/bundles/${secret.uuid}/contents/${kind}/`);
      expect(anonymous.status).toBe(403);
    }
  });
});

describe("bundle json after upload", () => {
  it("reports the directory's data size", async () => {
    const res = await api<BundleBody>("GET", `/rest/bundles/${dir}`, { token });
    expect(res.body.bundle.is_dir).toBe(true);
  });
});
