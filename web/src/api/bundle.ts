/**
 * Bundles as the API sends them (docs/design/bundles-api.md). The shapes are core's types; the
 * checks here are the light ones the page relies on, because core's zod schemas would add ~100 KB
 * of JavaScript to every page that shows a bundle.
 */
import type { BundleJson, UploadStatus } from "@codalab/core";
import { unexpectedResponse } from "./api-error.ts";
import { isRecord } from "./is-record.ts";

export type Bundle = BundleJson;
export type BundleDependency = BundleJson["dependencies"][number];

export type TargetInfo = {
  name: string;
  type: "file" | "directory" | "link";
  size: number;
  perm: number;
  link?: string;
  contents?: TargetInfo[];
};

/** Throws ApiError("INTERNAL") unless `value` looks like the bundle JSON of the contract. */
export function parseBundle(value: unknown): Bundle {
  if (
    !isRecord(value) ||
    typeof value.uuid !== "string" ||
    typeof value.bundle_type !== "string" ||
    typeof value.state !== "string" ||
    !isRecord(value.metadata) ||
    !Array.isArray(value.dependencies)
  ) {
    throw unexpectedResponse(200, "a bundle without uuid, type, state, metadata or dependencies");
  }
  return value as Bundle;
}

export function parseBundleEnvelope(body: unknown): Bundle {
  if (!isRecord(body)) throw unexpectedResponse(200, "no JSON object");
  return parseBundle(body.bundle);
}

export function parseBundleList(body: unknown): Bundle[] {
  if (!isRecord(body) || !Array.isArray(body.bundles)) throw unexpectedResponse(200, "no bundle list");
  return body.bundles.map(parseBundle);
}

export function parseTargetInfo(value: unknown): TargetInfo {
  if (!isRecord(value) || typeof value.name !== "string" || typeof value.type !== "string") {
    throw unexpectedResponse(200, "a contents entry without name or type");
  }
  if (value.contents !== undefined && !Array.isArray(value.contents)) {
    throw unexpectedResponse(200, "a directory listing that is not a list");
  }
  return value as TargetInfo;
}

export function parseUploadStatus(value: unknown): UploadStatus {
  if (
    !isRecord(value) ||
    typeof value.size !== "number" ||
    typeof value.part_size !== "number" ||
    typeof value.part_count !== "number" ||
    !Array.isArray(value.received)
  ) {
    throw unexpectedResponse(200, "an upload status without size, part_size, part_count or received");
  }
  return value as UploadStatus;
}

/** The bundle's name, or its short uuid when it has none. */
export function bundleName(bundle: Pick<Bundle, "uuid" | "metadata">): string {
  const name = bundle.metadata.name;
  return typeof name === "string" && name !== "" ? name : bundle.uuid.slice(0, 10);
}

/** `0x1234abcd`: the eight hex digits CodaLab shows in tables. */
export function shortUuid(uuid: string): string {
  return uuid.slice(0, 10);
}
