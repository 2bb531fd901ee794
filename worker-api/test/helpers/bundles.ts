/** Bundle fixtures for API tests: create, upload files and tars built with core's TarWriter, raw requests. */

import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { type BundleIndex, type BundleJson, readAllBytes, TarWriter } from "@codalab/core";
import { api } from "./api.ts";

export type ErrorBody = { error: { code: string; message: string; requestId?: string; details?: unknown } };
export type BundleBody = { bundle: BundleJson };

/** A request whose answer is kept as bytes (contents are not JSON). */
export async function raw(
  method: string,
  path: string,
  options: { token?: string; body?: Uint8Array | string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; bytes: Uint8Array; text: string }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await exports.default.fetch(
    new Request(`http://localhost${path}`, { method, headers, body: options.body }),
  );
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes, text: new TextDecoder().decode(bytes) };
}

export async function createBundle(
  token: string,
  metadata: Record<string, unknown> = { name: "data" },
  extra: Record<string, unknown> = {},
): Promise<BundleJson> {
  const res = await api<BundleBody>("POST", "/rest/bundles", { token, body: { metadata, ...extra } });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.bundle;
}

export async function sendPart(token: string, uuid: string, n: number, bytes: Uint8Array, length = bytes.byteLength) {
  const res = await raw("PUT", `/rest/bundles/${uuid}/upload/parts/${n}`, {
    token,
    body: bytes,
    headers: { "content-type": "application/octet-stream", "content-length": String(length) },
  });
  return { status: res.status, body: JSON.parse(res.text) as Record<string, unknown> & Partial<ErrorBody> };
}

/** Uploads `bytes` as the bundle's contents in parts of `partSize` and completes. */
export async function uploadBytes(
  token: string,
  uuid: string,
  bytes: Uint8Array,
  options: { kind?: "file" | "directory"; index?: BundleIndex; partSize?: number } = {},
) {
  const kind = options.kind ?? "file";
  const start = await api<{ part_size: number; part_count: number }>("POST", `/rest/bundles/${uuid}/upload`, {
    token,
    body: { kind, size: bytes.byteLength, ...(options.partSize ? { part_size: options.partSize } : {}) },
  });
  if (start.status !== 200) return { status: start.status, body: start.body as unknown as BundleBody & ErrorBody };
  const { part_size, part_count } = start.body;
  for (let n = 1; n <= part_count; n += 1) {
    const part = bytes.subarray((n - 1) * part_size, Math.min(n * part_size, bytes.byteLength));
    const sent = await sendPart(token, uuid, n, part);
    if (sent.status !== 200) throw new Error(`part ${n} failed: ${JSON.stringify(sent.body)}`);
  }
  return api<BundleBody & ErrorBody>("POST", `/rest/bundles/${uuid}/upload/complete`, {
    token,
    body: options.index ? { index: options.index } : {},
  });
}

export type Member =
  | { type: "file"; path: string; data: string | Uint8Array; mode?: number }
  | { type: "directory"; path: string }
  | { type: "symlink"; path: string; target: string }
  | { type: "hardlink"; path: string; target: string };

const MTIME = 1_700_000_000;

export async function buildTar(members: readonly Member[]): Promise<{ tar: Uint8Array; index: BundleIndex }> {
  const writer = new TarWriter();
  const collected = readAllBytes(writer.readable);
  for (const member of members) {
    if (member.type === "directory") await writer.addDirectory(member.path, { mtime: MTIME });
    else if (member.type === "symlink") await writer.addSymlink(member.path, member.target, { mtime: MTIME });
    else if (member.type === "hardlink") await writer.addHardlink(member.path, member.target);
    else {
      const data = typeof member.data === "string" ? new TextEncoder().encode(member.data) : member.data;
      await writer.addFile(member.path, data, { mtime: MTIME, size: data.byteLength, mode: member.mode });
    }
  }
  const index = await writer.finish();
  return { tar: await collected, index };
}

/** A ready file bundle with `contents`. */
export async function readyFileBundle(token: string, contents: string | Uint8Array, name = "file") {
  const bundle = await createBundle(token, { name });
  const bytes = typeof contents === "string" ? new TextEncoder().encode(contents) : contents;
  const done = await uploadBytes(token, bundle.uuid, bytes);
  if (done.status !== 200) throw new Error(`upload failed: ${JSON.stringify(done.body)}`);
  return done.body.bundle;
}

/** A ready directory bundle holding `members`. */
export async function readyDirectoryBundle(token: string, members: readonly Member[], name = "dir") {
  const bundle = await createBundle(token, { name });
  const { tar, index } = await buildTar(members);
  const done = await uploadBytes(token, bundle.uuid, tar, { kind: "directory", index });
  if (done.status !== 200) throw new Error(`upload failed: ${JSON.stringify(done.body)}`);
  return done.body.bundle;
}

export async function userIdOf(token: string): Promise<string> {
  const res = await api<{ user: { id: string } }>("GET", "/rest/user", { token });
  return res.body.user.id;
}

/** Worksheets, groups and memberships have no API yet: tests write them straight to D1. */
export async function insertWorksheet(
  ownerId: string,
  options: { name?: string; frozen?: boolean; anonymous?: boolean; permissions?: [string, number][] } = {},
): Promise<string> {
  const uuid = `0x${crypto.randomUUID().replaceAll("-", "")}`;
  await env.DB.prepare("insert into worksheets (uuid, name, owner_id, frozen, is_anonymous) values (?, ?, ?, ?, ?)")
    .bind(
      uuid,
      options.name ?? `ws-${uuid.slice(2, 14)}`,
      ownerId,
      options.frozen ? 1 : null,
      options.anonymous ? 1 : 0,
    )
    .run();
  for (const [group, permission] of options.permissions ?? []) {
    await env.DB.prepare(
      "insert into group_worksheet_permissions (group_uuid, worksheet_uuid, permission) values (?, ?, ?)",
    )
      .bind(group, uuid, permission)
      .run();
  }
  return uuid;
}

export async function insertGroup(ownerId: string, members: readonly string[] = []): Promise<string> {
  const uuid = `0x${crypto.randomUUID().replaceAll("-", "")}`;
  await env.DB.prepare("insert into groups (uuid, name, owner_id) values (?, ?, ?)")
    .bind(uuid, `g-${uuid.slice(2, 14)}`, ownerId)
    .run();
  for (const member of [ownerId, ...members]) {
    await env.DB.prepare("insert into user_groups (group_uuid, user_id) values (?, ?)").bind(uuid, member).run();
  }
  return uuid;
}

export async function shareBundle(bundleUuid: string, groupUuid: string, permission: 1 | 2): Promise<void> {
  await env.DB.prepare(
    "insert or replace into group_bundle_permissions (group_uuid, bundle_uuid, permission) values (?, ?, ?)",
  )
    .bind(groupUuid, bundleUuid, permission)
    .run();
}

export const PUBLIC_GROUP = "0x00000000000000000000000000000000";

export async function addDependency(childUuid: string, parentUuid: string, childPath = "in"): Promise<void> {
  await env.DB.prepare(
    "insert into bundle_dependencies (child_uuid, child_path, parent_uuid, parent_path) values (?, ?, ?, '')",
  )
    .bind(childUuid, childPath, parentUuid)
    .run();
}

export async function diskUsed(token: string): Promise<number> {
  const res = await api<{ user: { disk_used: number } }>("GET", "/rest/user", { token });
  return res.body.user.disk_used;
}
