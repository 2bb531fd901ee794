import { describe, expect, it } from "vitest";
import { CreateMakeRequestSchema, CreateRunRequestSchema } from "../api/runs.ts";
import {
  makeMetadata,
  makeRequestBody,
  quotaRefusal,
  RUN_DEFAULTS,
  runMetadata,
  runRequestBody,
} from "./derived-request.ts";

const failure = (message: string, field?: string) =>
  expect.objectContaining({
    code: "VALIDATION_FAILED",
    message: expect.stringContaining(message),
    ...(field === undefined ? {} : { details: { field } }),
  });

describe("runMetadata", () => {
  it("fills CodaLab's defaults, a run offline unless it asks, and names the run after the command", () => {
    expect(runMetadata("python train.py --lr 3", {})).toEqual({
      name: "run-python",
      description: "",
      tags: [],
      allow_failed_dependencies: false,
      request_docker_image: null,
      request_time: null,
      request_memory: "2g",
      request_disk: null,
      request_cpus: 1,
      request_gpus: 0,
      request_queue: null,
      request_priority: null,
      request_network: false,
      exclude_patterns: [],
    });
    expect(RUN_DEFAULTS.request_network).toBe(false);
  });

  it("keeps every request as typed for the server to store in bytes and seconds", () => {
    const metadata = runMetadata("echo", {
      name: "mine",
      description: "d",
      tags: ["a", "b"],
      allowFailedDependencies: true,
      requestDockerImage: "img:1",
      requestTime: "1h30m",
      requestMemory: "512m",
      requestDisk: "3g",
      requestCpus: "4",
      requestGpus: "1",
      requestQueue: "tag=gpu",
      requestPriority: "-2",
      requestNetwork: true,
      excludePatterns: ["*.tmp", "cache/*"],
    });
    expect(metadata).toMatchObject({
      name: "mine",
      description: "d",
      tags: ["a", "b"],
      allow_failed_dependencies: true,
      request_docker_image: "img:1",
      request_time: "1h30m",
      request_memory: "512m",
      request_disk: "3g",
      request_cpus: "4",
      request_gpus: "1",
      request_queue: "tag=gpu",
      request_priority: "-2",
      request_network: true,
      exclude_patterns: ["*.tmp", "cache/*"],
    });
  });

  it("refuses malformed units and counts, naming the field", () => {
    expect(() => runMetadata("echo", { requestMemory: "2x" })).toThrow(
      failure('invalid request_memory: invalid size "2x"', "request_memory"),
    );
    expect(() => runMetadata("echo", { requestTime: "3 hours" })).toThrow(
      failure("invalid request_time: invalid duration", "request_time"),
    );
    expect(() => runMetadata("echo", { requestDisk: "-1g" })).toThrow(failure("request_disk", "request_disk"));
    expect(() => runMetadata("echo", { requestMemory: "1m" })).toThrow(
      failure("invalid request_memory: 1m is below the minimum of 4m", "request_memory"),
    );
    expect(() => runMetadata("echo", { requestCpus: "1.5" })).toThrow(
      failure('invalid request_cpus: "1.5" is not a non-negative integer', "request_cpus"),
    );
    expect(() => runMetadata("echo", { requestGpus: "-1" })).toThrow(failure("request_gpus", "request_gpus"));
    expect(() => runMetadata("echo", { requestPriority: "high" })).toThrow(
      failure("is not an integer", "request_priority"),
    );
    expect(() => runMetadata("echo", { requestDockerImage: "has space" })).toThrow(
      failure("is not a docker image reference", "request_docker_image"),
    );
  });

  it("refuses a name outside CodaLab's rule and empty tags or patterns", () => {
    expect(() => runMetadata("echo", { name: "1abc" })).toThrow(
      expect.objectContaining({ code: "INVALID_NAME", message: expect.stringContaining('"1abc"') }),
    );
    expect(() => runMetadata("echo", { tags: [" "] })).toThrow(failure("tags cannot be empty"));
    expect(() => runMetadata("echo", { excludePatterns: ["a\nb"] })).toThrow(
      failure("invalid exclude pattern", "exclude_patterns"),
    );
  });
});

describe("runRequestBody", () => {
  it("builds a body the server's schema accepts, with keys as child paths", () => {
    const body = runRequestBody({
      command: "cat b1/x",
      dependencies: [{ key: "b1", parent_uuid: `0x${"a".repeat(32)}`, parent_path: "sub" }],
      metadata: runMetadata("cat b1/x", {}),
      worksheetUuid: `0x${"b".repeat(32)}`,
    });
    expect(body.dependencies).toEqual([{ child_path: "b1", parent_uuid: `0x${"a".repeat(32)}`, parent_path: "sub" }]);
    expect(body.worksheet_uuid).toBe(`0x${"b".repeat(32)}`);
    expect(CreateRunRequestSchema.parse(body)).toEqual(body);
  });

  it("leaves out the worksheet when there is none", () => {
    const body = runRequestBody({ command: "true", dependencies: [], metadata: runMetadata("true", {}) });
    expect("worksheet_uuid" in body).toBe(false);
  });
});

describe("makeMetadata and makeRequestBody", () => {
  it("names a single-target make after the target and a keyed one after its targets", () => {
    expect(makeMetadata(["data/train.csv"], {}).name).toBe("train.csv");
    expect(makeMetadata(["a:x", "b:y"], {}).name).toBe("make-a-x-b-y");
    expect(makeMetadata(["a:x"], { name: "both", allowFailedDependencies: true })).toEqual({
      name: "both",
      description: "",
      tags: [],
      allow_failed_dependencies: true,
    });
  });

  it("builds a body the server's schema accepts", () => {
    const body = makeRequestBody({
      dependencies: [{ key: "", parent_uuid: `0x${"c".repeat(32)}`, parent_path: "f.txt" }],
      metadata: makeMetadata(["x/f.txt"], {}),
    });
    expect(CreateMakeRequestSchema.parse(body)).toEqual(body);
  });
});

describe("quotaRefusal", () => {
  const quota = { time_quota: 3600, time_used: 600, disk_quota: 10 * 1024 ** 3, disk_used: 1024 ** 3 };

  it("accepts requests within what is left of the quotas, and unset ones", () => {
    expect(quotaRefusal(runMetadata("echo", {}), quota)).toBeNull();
    expect(quotaRefusal(runMetadata("echo", { requestTime: "49m", requestDisk: "8g" }), quota)).toBeNull();
  });

  it("refuses more time or disk than is left, in the words the staged run would fail with", () => {
    expect(quotaRefusal(runMetadata("echo", { requestTime: "1h" }), quota)).toBe(
      "Requested more time (1h) than user time quota left (50m) by 10m",
    );
    expect(quotaRefusal(runMetadata("echo", { requestDisk: "10g" }), quota)).toBe(
      "Requested more disk (10g) than user disk quota left (9g) by 1g",
    );
  });

  it("refuses any run once the time quota is used up", () => {
    expect(quotaRefusal(runMetadata("echo", {}), { ...quota, time_used: 3600 })).toBe(
      "User time quota exceeded (used 1h of 1h)",
    );
  });
});
