import { describe, expect, it } from "vitest";
import {
  CreateBundleRequestSchema,
  DEFAULT_UPLOAD_PART_BYTES,
  DeleteBundlesRequestSchema,
  expectedPartSize,
  MAX_UPLOAD_BYTES,
  MAX_UPLOAD_PART_BYTES,
  MAX_UPLOAD_PARTS,
  planUploadParts,
  StartUploadRequestSchema,
} from "./bundles.ts";

const MiB = 1024 * 1024;

describe("planUploadParts", () => {
  it("sends anything that fits in one part as one part of its own size", () => {
    expect(planUploadParts(0)).toEqual({ part_size: 0, part_count: 1 });
    expect(planUploadParts(100)).toEqual({ part_size: 100, part_count: 1 });
    expect(planUploadParts(DEFAULT_UPLOAD_PART_BYTES)).toEqual({ part_size: DEFAULT_UPLOAD_PART_BYTES, part_count: 1 });
  });

  it("splits larger uploads into equal parts of the requested size and a shorter last one", () => {
    const plan = planUploadParts(12 * MiB + 1, 5 * MiB);
    expect(plan).toEqual({ part_size: 5 * MiB, part_count: 3 });
    const status = { size: 12 * MiB + 1, ...plan };
    expect([1, 2, 3].map((n) => expectedPartSize(status, n))).toEqual([5 * MiB, 5 * MiB, 2 * MiB + 1]);
  });

  it("grows the part size when the parts would exceed R2's count, staying under the Worker's limit", () => {
    const plan = planUploadParts(MAX_UPLOAD_BYTES);
    expect(plan.part_count).toBeLessThanOrEqual(MAX_UPLOAD_PARTS);
    expect(plan.part_size).toBeLessThanOrEqual(MAX_UPLOAD_PART_BYTES);
    expect(plan.part_size % MiB).toBe(0);
  });
});

describe("request schemas", () => {
  it("defaults the bundle type to dataset and refuses unknown metadata at creation", () => {
    expect(CreateBundleRequestSchema.parse({ metadata: { name: "a" } }).bundle_type).toBe("dataset");
    expect(CreateBundleRequestSchema.safeParse({ metadata: { name: "a", data_size: 3 } }).success).toBe(false);
    expect(CreateBundleRequestSchema.safeParse({ bundle_type: "run", metadata: { name: "a" } }).success).toBe(false);
  });

  it("refuses part sizes R2 or the Worker cannot take", () => {
    expect(StartUploadRequestSchema.safeParse({ kind: "file", size: 1, part_size: MiB }).success).toBe(false);
    expect(StartUploadRequestSchema.safeParse({ kind: "file", size: 1, part_size: 65 * MiB }).success).toBe(false);
    expect(StartUploadRequestSchema.safeParse({ kind: "file", size: -1 }).success).toBe(false);
  });

  it("defaults every delete flag to false", () => {
    expect(DeleteBundlesRequestSchema.parse({ uuids: [`0x${"a".repeat(32)}`] })).toMatchObject({
      force: false,
      recursive: false,
      data_only: false,
      dry_run: false,
    });
    expect(DeleteBundlesRequestSchema.safeParse({ uuids: ["0xabc"] }).success).toBe(false);
  });
});
