import { describe, expect, it } from "vitest";
import { MAX_COMMAND_BYTES } from "../runs/protocol.ts";
import { CreateDerivedRequestSchema, WriteRequestSchema } from "./runs.ts";

const PARENT = `0x${"a".repeat(32)}`;

describe("CreateDerivedRequestSchema", () => {
  it("reads a run with request fields as strings or numbers and defaults parent paths to the whole parent", () => {
    const parsed = CreateDerivedRequestSchema.parse({
      bundle_type: "run",
      command: "python train.py",
      dependencies: [{ child_path: "data", parent_uuid: PARENT }],
      metadata: { name: "train", request_memory: "4g", request_cpus: 2, request_network: true },
    });
    expect(parsed).toMatchObject({
      bundle_type: "run",
      dependencies: [{ child_path: "data", parent_uuid: PARENT, parent_path: "" }],
      metadata: { request_memory: "4g", request_cpus: 2 },
    });
  });

  it("refuses unknown metadata keys, and resource requests on make bundles", () => {
    const run = CreateDerivedRequestSchema.safeParse({
      bundle_type: "run",
      command: "x",
      metadata: { name: "r", colour: "blue" },
    });
    expect(run.success).toBe(false);
    const make = CreateDerivedRequestSchema.safeParse({
      bundle_type: "make",
      dependencies: [{ child_path: "", parent_uuid: PARENT }],
      metadata: { name: "m", request_cpus: 1 },
    });
    expect(make.success).toBe(false);
  });

  it("refuses a make without targets and a run without a command or with one too long to send", () => {
    expect(
      CreateDerivedRequestSchema.safeParse({ bundle_type: "make", dependencies: [], metadata: { name: "m" } }).success,
    ).toBe(false);
    expect(CreateDerivedRequestSchema.safeParse({ bundle_type: "run", metadata: { name: "r" } }).success).toBe(false);
    const long = CreateDerivedRequestSchema.safeParse({
      bundle_type: "run",
      command: "é".repeat(MAX_COMMAND_BYTES / 2 + 1),
      metadata: { name: "r" },
    });
    expect(long.success).toBe(false);
    expect(long.error?.issues[0]?.message).toContain("bytes");
  });

  it("takes at most a top-level name's worth of subpath in writes", () => {
    expect(WriteRequestSchema.safeParse({ subpath: "", string: "x" }).success).toBe(false);
    expect(WriteRequestSchema.safeParse({ subpath: "log", string: "x" }).success).toBe(true);
  });
});
