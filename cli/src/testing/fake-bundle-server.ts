/**
 * An in-memory stand-in for the bundle endpoints (docs/design/bundles-api.md) in front of the fake
 * auth instance, so the bundle commands run end to end in unit tests: uploads in parts, spec
 * resolution, a small keyword search, contents info and blobs read back from the stored tar.
 */

import { planUploadParts } from "@codalab/core/api/bundles";
import { type BundleIndex, buildBundleTree, getTargetInfo, parseBundleIndex } from "@codalab/core/archive/bundle-index";
import { readTar } from "@codalab/core/archive/tar-reader";
import { TarWriter } from "@codalab/core/archive/tar-writer";
import { NAME_REGEX, NAME_RULE_TEXT } from "@codalab/core/constants";
import type { FetchLike } from "../api/api-client.ts";
import { isRecord } from "../parse/json-fields.ts";
import { createFakeInstance, FAKE_ADDRESS, type FakeInstance } from "./fake-instance.ts";

type Contents = { kind: "file"; bytes: Uint8Array } | { kind: "directory"; tar: Uint8Array; index: BundleIndex };
type Upload = {
  kind: "file" | "directory";
  size: number;
  part_size: number;
  part_count: number;
  parts: Map<number, Uint8Array>;
};

export type FakeBundle = {
  uuid: string;
  state: string;
  metadata: Record<string, unknown>;
  frozen: number | null;
  is_anonymous: boolean;
  created: number;
  data_size: number | null;
  is_dir: boolean | null;
  contents?: Contents;
  upload?: Upload;
  /** The body of `POST …/upload/url`, when the bundle was filled from a URL. */
  fromUrl?: { url: string; unpack: boolean };
};

export type FakeBundleServer = {
  fetch: FetchLike;
  instance: FakeInstance;
  readonly bundles: Map<string, FakeBundle>;
  /** "METHOD /path" of every bundle request, in order. */
  readonly calls: string[];
  /** The next `count` requests to a route fail with the response given. */
  failNext(route: string, response: () => Response, count?: number): void;
  /** Makes a bundle directly (tests of reading commands). */
  addBundle(name: string, contents: Contents, extra?: Partial<FakeBundle>): Promise<FakeBundle>;
};

/** The worksheet spec `/` resolves to. */
export const FAKE_HOME_WORKSHEET = {
  uuid: `0x${"f".repeat(32)}`,
  name: "home-admin",
  title: null,
  owner_id: "0",
  owner_name: "admin",
  frozen: null,
  is_anonymous: false,
  tags: [],
  version: 0,
  permission: "all",
  group_permissions: [],
};

let counter = 0;

export function createFakeBundleServer(): FakeBundleServer {
  const instance = createFakeInstance();
  const bundles = new Map<string, FakeBundle>();
  const calls: string[] = [];
  const failures = new Map<string, { response: () => Response; count: number }>();

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const path = url.pathname;
    const route = `${request.method} ${path}`;
    calls.push(route);
    const failure = failures.get(route);
    if (failure) {
      failure.count -= 1;
      if (failure.count <= 0) failures.delete(route);
      return failure.response();
    }
    const parts = path.split("/").slice(3);
    const [uuid, section, ...rest] = parts;
    if (path === "/rest/bundles" && request.method === "POST") return create(await request.json());
    if (path === "/rest/bundles" && request.method === "GET") {
      const specs = url.searchParams.getAll("specs");
      return specs.length > 0 ? resolve(specs) : search(url.searchParams.getAll("keywords"));
    }
    if (path === "/rest/bundles/delete" && request.method === "POST") return remove(await request.json());
    const bundle = uuid === undefined ? undefined : bundles.get(uuid);
    if (bundle === undefined) return failure404(`bundle ${uuid} not found`);
    if (section === undefined) {
      if (request.method === "GET") return json(200, { bundle: render(bundle, url.searchParams.get("include")) });
      if (request.method === "PATCH") return patch(bundle, await request.json());
    }
    if (section === "upload") return upload(bundle, request, rest);
    if (section === "contents") return contents(bundle, rest, url.searchParams);
    return json(404, { error: { code: "ROUTE_NOT_FOUND", message: `no route ${route}` } });
  };

  const create = (body: unknown): Response => {
    const metadata = isRecord(body) && isRecord(body.metadata) ? body.metadata : {};
    const name = String(metadata.name ?? "");
    if (!NAME_REGEX.test(name)) {
      return json(400, {
        error: { code: "INVALID_NAME", message: `invalid name ${JSON.stringify(name)}: it ${NAME_RULE_TEXT}` },
      });
    }
    const bundle = newBundle(metadata);
    return json(201, { bundle: render(bundle, null) });
  };

  const newBundle = (metadata: Record<string, unknown>): FakeBundle => {
    counter += 1;
    const uuid = `0x${counter.toString(16).padStart(4, "0")}${"ab".repeat(14)}`;
    const bundle: FakeBundle = {
      uuid,
      state: "uploading",
      metadata: { description: "", tags: [], license: null, source_url: null, ...metadata },
      frozen: null,
      is_anonymous: false,
      created: 1_700_000_000 + counter,
      data_size: null,
      is_dir: null,
    };
    bundles.set(uuid, bundle);
    return bundle;
  };

  const resolveOne = (spec: string): FakeBundle | Response => {
    const all = [...bundles.values()].reverse();
    if (/^0x[0-9a-f]{32}$/.test(spec)) return bundles.get(spec) ?? failure404(`no bundle with uuid ${spec}`);
    if (spec.startsWith("0x")) {
      const matches = all.filter((bundle) => bundle.uuid.startsWith(spec));
      if (matches.length > 1) {
        return json(409, {
          error: { code: "AMBIGUOUS_SPEC", message: `more than one bundle has a uuid starting with ${spec}` },
        });
      }
      return matches[0] ?? failure404(`no bundle has a uuid starting with ${spec}`);
    }
    return all.find((bundle) => bundle.metadata.name === spec) ?? failure404(`no bundle named ${JSON.stringify(spec)}`);
  };

  const resolve = (specs: string[]): Response => {
    const found = [];
    for (const spec of specs) {
      const bundle = resolveOne(spec);
      if (bundle instanceof Response) return bundle;
      found.push(render(bundle, null));
    }
    return json(200, { bundles: found });
  };

  const search = (keywords: string[]): Response => {
    let matches = [...bundles.values()].reverse();
    let limit = 10;
    let count = false;
    for (const keyword of keywords) {
      if (keyword === ".count") count = true;
      else if (keyword.startsWith(".limit=")) limit = Number(keyword.slice(7));
      else if (keyword.includes("=")) {
        const [key = "", value] = keyword.split("=");
        matches = matches.filter(
          (bundle) => String(bundle.metadata[key] ?? (bundle as Record<string, unknown>)[key]) === value,
        );
      } else
        matches = matches.filter(
          (bundle) => String(bundle.metadata.name).includes(keyword) || bundle.uuid.includes(keyword),
        );
    }
    if (count) return json(200, { result: matches.length });
    return json(200, { bundles: matches.slice(0, limit).map((bundle) => render(bundle, null)), total: matches.length });
  };

  const patch = (bundle: FakeBundle, body: unknown): Response => {
    if (!isRecord(body)) return json(400, { error: { code: "BAD_REQUEST", message: "not an object" } });
    if (isRecord(body.metadata)) {
      const name = body.metadata.name;
      if (name !== undefined && !NAME_REGEX.test(String(name))) {
        return json(400, {
          error: { code: "INVALID_NAME", message: `invalid name ${JSON.stringify(name)}: it ${NAME_RULE_TEXT}` },
        });
      }
      Object.assign(bundle.metadata, body.metadata);
    }
    if (typeof body.frozen === "boolean") bundle.frozen = body.frozen ? 1_700_000_500 : null;
    if (typeof body.is_anonymous === "boolean") bundle.is_anonymous = body.is_anonymous;
    return json(200, { bundle: render(bundle, null) });
  };

  const remove = (body: unknown): Response => {
    const uuids = isRecord(body) && Array.isArray(body.uuids) ? body.uuids.map(String) : [];
    if (!(isRecord(body) && body.dry_run === true)) for (const uuid of uuids) bundles.delete(uuid);
    return json(200, { deleted: uuids });
  };

  const upload = async (bundle: FakeBundle, request: Request, rest: string[]): Promise<Response> => {
    const [what, number] = rest;
    if (what === undefined && request.method === "POST") {
      const body = (await request.json()) as { kind: "file" | "directory"; size: number; part_size?: number };
      const plan = planUploadParts(body.size, body.part_size);
      bundle.upload = { kind: body.kind, size: body.size, ...plan, parts: new Map() };
      return json(200, status(bundle.upload));
    }
    if (what === "url" && request.method === "POST") {
      // The "internet": a URL containing "missing" answers 404, any other holds its own text.
      const body = (await request.json()) as { url: string; unpack: boolean };
      bundle.fromUrl = body;
      if (body.url.includes("missing")) {
        const message = `could not download ${body.url}: the server answered HTTP 404 Not Found`;
        bundle.state = "failed";
        bundle.metadata.failure_message = message;
        return json(502, { error: { code: "DOWNLOAD_FAILED", message } });
      }
      const bytes = new TextEncoder().encode(`downloaded ${body.url}`);
      bundle.contents = { kind: "file", bytes };
      bundle.data_size = bytes.byteLength;
      bundle.is_dir = false;
      bundle.state = "ready";
      return json(200, { bundle: render(bundle, null) });
    }
    const current = bundle.upload;
    if (current === undefined || bundle.state !== "uploading") {
      return json(409, {
        error: { code: "INVALID_STATE", message: `bundle ${bundle.uuid} has no upload in progress` },
      });
    }
    if (what === undefined && request.method === "GET") return json(200, status(current));
    if (what === undefined && request.method === "DELETE") {
      bundle.state = "failed";
      bundle.upload = undefined;
      return new Response(null, { status: 204 });
    }
    if (what === "parts" && request.method === "PUT") {
      const partNumber = Number(number);
      const bytes = new Uint8Array(await request.arrayBuffer());
      const expected =
        partNumber < current.part_count
          ? current.part_size
          : current.size - (current.part_count - 1) * current.part_size;
      if (bytes.byteLength !== expected) {
        return json(400, {
          error: {
            code: "BAD_REQUEST",
            message: `part ${partNumber} should have ${expected} bytes, not ${bytes.byteLength}`,
          },
        });
      }
      current.parts.set(partNumber, bytes);
      return json(200, { part_number: partNumber, size: bytes.byteLength });
    }
    if (what === "complete" && request.method === "POST") {
      const body = (await request.json()) as { index?: unknown };
      const whole = new Uint8Array(current.size);
      for (let part = 1; part <= current.part_count; part += 1) {
        const bytes = current.parts.get(part);
        if (bytes === undefined)
          return json(400, { error: { code: "BAD_REQUEST", message: `part ${part} is missing` } });
        whole.set(bytes, (part - 1) * current.part_size);
      }
      if (current.kind === "directory") {
        const index = parseBundleIndex(body.index);
        if (index.tar_size !== whole.byteLength) {
          return json(400, { error: { code: "INVALID_ARCHIVE", message: "the index does not match the tar" } });
        }
        bundle.contents = { kind: "directory", tar: whole, index };
        bundle.data_size = index.entries.reduce((sum, entry) => sum + entry.size, 0);
        bundle.is_dir = true;
      } else {
        bundle.contents = { kind: "file", bytes: whole };
        bundle.data_size = whole.byteLength;
        bundle.is_dir = false;
      }
      bundle.state = "ready";
      bundle.upload = undefined;
      return json(200, { bundle: render(bundle, null) });
    }
    return json(404, { error: { code: "ROUTE_NOT_FOUND", message: "no such upload route" } });
  };

  const contents = async (bundle: FakeBundle, rest: string[], query: URLSearchParams): Promise<Response> => {
    const [kind, ...segments] = rest;
    const subpath = segments
      .map(decodeURIComponent)
      .filter((segment) => segment !== "")
      .join("/");
    const stored = bundle.contents;
    if (stored === undefined) return failure404(`bundle ${bundle.uuid} has no contents`);
    if (kind === "info") {
      const depth = Number(query.get("depth") ?? "1");
      if (stored.kind === "file") {
        if (subpath !== "") return failure404(`${subpath} not found`);
        return json(200, { info: { name: bundle.uuid, type: "file", size: stored.bytes.byteLength, perm: 0o644 } });
      }
      const info = getTargetInfo(buildBundleTree(stored.index), subpath, depth, bundle.uuid);
      return info === undefined ? failure404(`${subpath} not found in ${bundle.uuid}`) : json(200, { info });
    }
    if (stored.kind === "file") {
      if (subpath !== "") return failure404(`${subpath} not found`);
      return blob(lines(stored.bytes, query), "file");
    }
    const entry = stored.index.entries.find((candidate) => candidate.path === subpath);
    if (entry?.type === "file") {
      return blob(lines(stored.tar.subarray(entry.offset, entry.offset + entry.size), query), "file");
    }
    if (subpath === "") return blob(stored.tar, "directory");
    return blob(await subtreeTar(stored.tar, subpath), "directory");
  };

  return {
    instance,
    bundles,
    calls,
    fetch: async (url, init) => {
      if (new URL(url).pathname.startsWith("/rest/bundles")) return handle(new Request(url, init));
      // Uploads go to the current worksheet: here always the home one (cli/src/worksheets/).
      if (new URL(url).pathname === "/rest/worksheets") return json(200, { worksheets: [FAKE_HOME_WORKSHEET] });
      return instance.fetch(url, init);
    },
    failNext(route, response, count = 1) {
      failures.set(route, { response, count });
    },
    async addBundle(name, stored, extra = {}) {
      const bundle = newBundle({ name });
      bundle.contents = stored;
      bundle.state = "ready";
      bundle.is_dir = stored.kind === "directory";
      bundle.data_size = stored.kind === "file" ? stored.bytes.byteLength : stored.index.tar_size;
      Object.assign(bundle, extra);
      return bundle;
    },
  };
}

/** `?head=N` / `?tail=N` lines of a file, as the server summarizes them. */
function lines(bytes: Uint8Array, query: URLSearchParams): Uint8Array {
  const head = query.get("head");
  const tail = query.get("tail");
  if (head === null && tail === null) return bytes;
  const all = new TextDecoder().decode(bytes).split(/(?<=\n)/);
  const kept = [...all.slice(0, Number(head ?? 0)), ...(tail === null ? [] : all.slice(-Number(tail)))];
  return new TextEncoder().encode(kept.join(""));
}

async function subtreeTar(tar: Uint8Array, subpath: string): Promise<Uint8Array> {
  const writer = new TarWriter();
  const chunks: Uint8Array[] = [];
  const reading = (async () => {
    for await (const chunk of writer.readable) chunks.push(chunk);
  })();
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(tar);
      controller.close();
    },
  });
  for await (const entry of readTar(source)) {
    if (!entry.path.startsWith(`${subpath}/`)) continue;
    const path = entry.path.slice(subpath.length + 1);
    const member = { mode: entry.header.mode, mtime: entry.header.mtime };
    if (entry.header.type === "directory") await writer.addDirectory(path, member);
    else if (entry.header.type === "symlink") await writer.addSymlink(path, entry.header.linkTarget, member);
    else await writer.addFile(path, entry.body, { ...member, size: entry.header.size });
  }
  await writer.finish();
  await reading;
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function render(bundle: FakeBundle, include: string | null) {
  const rendered: Record<string, unknown> = {
    uuid: bundle.uuid,
    bundle_type: "dataset",
    state: bundle.state,
    command: null,
    owner_id: "0",
    owner_name: "admin",
    frozen: bundle.frozen,
    is_anonymous: bundle.is_anonymous,
    is_dir: bundle.is_dir,
    created: bundle.created,
    data_size: bundle.data_size,
    metadata: bundle.metadata,
    dependencies: [],
    permission: "all",
    state_details: null,
  };
  if (include?.includes("children")) rendered.children = [];
  if (include?.includes("host_worksheets")) rendered.host_worksheets = [];
  if (include?.includes("group_permissions")) rendered.group_permissions = [];
  return rendered;
}

function status(upload: Upload) {
  return {
    kind: upload.kind,
    size: upload.size,
    part_size: upload.part_size,
    part_count: upload.part_count,
    received: [...upload.parts.keys()].sort((a, b) => a - b),
  };
}

function blob(bytes: Uint8Array, type: "file" | "directory"): Response {
  return new Response(bytes, {
    status: 200,
    headers: {
      "content-type": "application/octet-stream",
      "x-codalab-target-type": type,
      "content-length": String(bytes.byteLength),
    },
  });
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function failure404(message: string): Response {
  return json(404, { error: { code: "NOT_FOUND", message, requestId: "req-test" } });
}

export { FAKE_ADDRESS };
