import { describe, expect, it } from "vitest";
import { CodalabError } from "../errors.ts";
import {
  DEFAULT_RUN_LIMITS,
  normalizeQueue,
  parseRunRequests,
  type ResolvedRequirements,
  type RunLimits,
  type RunRequirements,
  resolveRunRequirements,
  runLimitsFromSettings,
  type UserRunQuota,
  withDefaultTag,
} from "./resources.ts";

const GiB = 1024 ** 3;
const quota: UserRunQuota = { time_quota: 365 * 86400, time_used: 0, disk_quota: 1024 * GiB, disk_used: 0 };

function resolved(result: ResolvedRequirements): RunRequirements {
  if (!result.ok) throw new Error(`expected requirements, got failure: ${result.failure_message}`);
  return result.requirements;
}

function failure(result: ResolvedRequirements): string {
  if (result.ok) throw new Error("expected a failure");
  return result.failure_message;
}

describe("request defaults", () => {
  it("gives a run with no requests CodaLab's defaults, without network", () => {
    expect(resolved(resolveRunRequirements({}, quota))).toEqual({
      docker_image: "codalab/default-cpu:latest",
      time: 365 * 86400 - 1,
      memory: 2 * GiB,
      disk: 1024 * GiB - 1,
      disk_requested: false,
      cpus: 1,
      gpus: 0,
      network: false,
      queue: null,
      priority: null,
    });
  });

  it("uses the GPU image when GPUs are requested and no image is", () => {
    expect(resolved(resolveRunRequirements({ request_gpus: 2 }, quota)).docker_image).toBe(
      "codalab/default-gpu:latest",
    );
  });

  it("caps default time and disk at the server maximum", () => {
    const limits: RunLimits = { ...DEFAULT_RUN_LIMITS, max_request_time: 3600, max_request_disk: 10 * GiB };
    const requirements = resolved(resolveRunRequirements({}, quota, limits));
    expect(requirements.time).toBe(3600);
    expect(requirements.disk).toBe(10 * GiB);
  });

  it("defaults time and disk to what is left of the owner's quota", () => {
    const partlyUsed = { ...quota, time_used: quota.time_quota - 100, disk_used: quota.disk_quota - 1000 };
    const requirements = resolved(resolveRunRequirements({}, partlyUsed));
    expect(requirements.time).toBe(99);
    expect(requirements.disk).toBe(999);
  });

  it("treats 0 and empty values as unset, as CodaLab does", () => {
    const requirements = resolved(
      resolveRunRequirements({ request_cpus: 0, request_memory: "0", request_disk: "", request_time: null }, quota),
    );
    expect(requirements.cpus).toBe(1);
    expect(requirements.memory).toBe(2 * GiB);
    expect(requirements.disk_requested).toBe(false);
  });

  it("lets the server choose network for runs that do not say", () => {
    const limits = { ...DEFAULT_RUN_LIMITS, default_request_network: true };
    expect(resolved(resolveRunRequirements({}, quota, limits)).network).toBe(true);
  });
});

describe("explicit requests", () => {
  it("reads sizes, durations, counts and booleans written the CodaLab way", () => {
    const requirements = resolved(
      resolveRunRequirements(
        {
          request_docker_image: "python:3.12",
          request_time: "3h",
          request_memory: "4g",
          request_disk: "10g",
          request_cpus: "2",
          request_gpus: 1,
          request_network: "True",
          request_queue: "tag=gpu",
          request_priority: "-2",
        },
        quota,
      ),
    );
    expect(requirements).toEqual({
      docker_image: "python:3.12",
      time: 3 * 3600,
      memory: 4 * GiB,
      disk: 10 * GiB,
      disk_requested: true,
      cpus: 2,
      gpus: 1,
      network: true,
      queue: "gpu",
      priority: -2,
    });
  });

  it("accepts numbers as stored in typed columns", () => {
    const requirements = resolved(
      resolveRunRequirements({ request_time: 60, request_memory: 8 * GiB, request_network: false }, quota),
    );
    expect(requirements.time).toBe(60);
    expect(requirements.memory).toBe(8 * GiB);
    expect(requirements.network).toBe(false);
  });

  it("appends :latest to an image without a tag", () => {
    expect(resolved(resolveRunRequirements({ request_docker_image: "ubuntu" }, quota)).docker_image).toBe(
      "ubuntu:latest",
    );
  });
});

describe("withDefaultTag", () => {
  it("keeps tags and digests and does not mistake a registry port for a tag", () => {
    expect(withDefaultTag("ubuntu:22.04")).toBe("ubuntu:22.04");
    expect(withDefaultTag("localhost:5000/team/image")).toBe("localhost:5000/team/image:latest");
    expect(withDefaultTag("localhost:5000/team/image:v2")).toBe("localhost:5000/team/image:v2");
    expect(withDefaultTag("image@sha256:abcd")).toBe("image@sha256:abcd");
  });
});

describe("normalizeQueue", () => {
  it("strips the tag= prefix and treats blanks as no queue", () => {
    expect(normalizeQueue("tag=big")).toBe("big");
    expect(normalizeQueue(" big ")).toBe("big");
    expect(normalizeQueue("tag=")).toBeNull();
    expect(normalizeQueue(undefined)).toBeNull();
  });

  it("refuses a queue that is not text", () => {
    expect(() => normalizeQueue(3)).toThrow(/invalid request_queue/);
  });
});

describe("limits", () => {
  const limits: RunLimits = {
    ...DEFAULT_RUN_LIMITS,
    max_request_time: 3600,
    max_request_memory: 4 * GiB,
    max_request_disk: 10 * GiB,
  };

  it("fails a run asking for more memory than the server allows, in CodaLab's words", () => {
    expect(failure(resolveRunRequirements({ request_memory: "8g" }, quota, limits))).toBe(
      "Requested more memory (8g) than maximum limit (4g) by 4g",
    );
  });

  it("fails a run asking for less than 4 MiB of memory", () => {
    expect(failure(resolveRunRequirements({ request_memory: "1m" }, quota))).toBe(
      "Requested less memory (1m) than minimum limit (4m) by 3m",
    );
  });

  it("fails a run asking for more time or disk than the server maximum", () => {
    expect(failure(resolveRunRequirements({ request_time: "2h" }, quota, limits))).toBe(
      "Maximum job time (2h) exceeded (1h)",
    );
    expect(failure(resolveRunRequirements({ request_disk: "20g" }, quota, limits))).toBe(
      "Maximum job disk size (20g) exceeded (10g)",
    );
  });

  it("fails a run asking for more than the owner's quota left, naming each problem", () => {
    const small = { time_quota: 100, time_used: 40, disk_quota: 10 * GiB, disk_used: 9 * GiB };
    expect(
      failure(resolveRunRequirements({ request_time: "2m", request_disk: "2g", request_memory: "1m" }, small)),
    ).toBe(
      "Requested more disk (2g) than user disk quota left (1g) by 1g. " +
        "Requested more time (2m) than user time quota left (1m) by 1m. " +
        "Requested less memory (1m) than minimum limit (4m) by 3m",
    );
  });

  it("fails a run of an owner with no quota left at all", () => {
    const spent = { time_quota: 100, time_used: 100, disk_quota: 1000, disk_used: 2000 };
    expect(failure(resolveRunRequirements({}, spent))).toBe(
      "User disk quota exceeded (used 2.0k of 1000). User time quota exceeded (used 1m40s of 1m40s)",
    );
  });
});

describe("server limits from the operator's settings", () => {
  const names = {
    max_request_time: "MAX_REQUEST_TIME",
    max_request_memory: "MAX_REQUEST_MEMORY",
    max_request_disk: "MAX_REQUEST_DISK",
  };

  it("reads durations and sizes in CodaLab's units; unset or empty means no maximum", () => {
    expect(runLimitsFromSettings({})).toEqual(DEFAULT_RUN_LIMITS);
    expect(
      runLimitsFromSettings({ max_request_time: "7d", max_request_memory: " 64g ", max_request_disk: "" }, names),
    ).toEqual({ ...DEFAULT_RUN_LIMITS, max_request_time: 7 * 86400, max_request_memory: 64 * GiB });
  });

  it("refuses a malformed value, 0, or a memory maximum no run could meet, naming the setting", () => {
    expect(() => runLimitsFromSettings({ max_request_memory: "lots" }, names)).toThrow(
      /^MAX_REQUEST_MEMORY = "lots": invalid size "lots"/,
    );
    expect(() => runLimitsFromSettings({ max_request_time: "soon" }, names)).toThrow(
      /^MAX_REQUEST_TIME = "soon": invalid duration/,
    );
    expect(() => runLimitsFromSettings({ max_request_disk: "0" }, names)).toThrow(
      'MAX_REQUEST_DISK = "0": a maximum must be more than 0 (e.g. 100g); leave it unset for none',
    );
    expect(() => runLimitsFromSettings({ max_request_memory: "1m" }, names)).toThrow(
      'MAX_REQUEST_MEMORY = "1m": below the 4m every run needs, so every run would fail',
    );
  });

  it("makes staging fail requests above them", () => {
    const limits = runLimitsFromSettings({ max_request_memory: "16g" });
    expect(failure(resolveRunRequirements({ request_memory: "32g" }, quota, limits))).toBe(
      "Requested more memory (32g) than maximum limit (16g) by 16g",
    );
  });
});

describe("malformed requests", () => {
  it.each([
    [{ request_memory: "lots" }, /invalid request_memory: invalid size "lots"/],
    [{ request_time: "forever" }, /invalid request_time: invalid duration/],
    [{ request_cpus: "1.5" }, /invalid request_cpus: "1.5" is not a non-negative integer/],
    [{ request_gpus: -1 }, /invalid request_gpus/],
    [{ request_priority: "high" }, /invalid request_priority: "high" is not an integer/],
    [{ request_network: "maybe" }, /invalid request_network/],
    [{ request_network: {} }, /invalid request_network/],
    [{ request_docker_image: "bad image" }, /invalid request_docker_image/],
    [{ request_docker_image: 7 }, /invalid request_docker_image: expected a string/],
    [{ request_disk: -5 }, /invalid request_disk: -5 is not a non-negative number/],
    [{ request_disk: true }, /invalid request_disk: expected a string or a number/],
  ])("fails %j with a message naming the field", (metadata, pattern) => {
    expect(failure(resolveRunRequirements(metadata, quota))).toMatch(pattern);
  });

  it("throws VALIDATION_FAILED from parseRunRequests so the API can refuse the run up front", () => {
    try {
      parseRunRequests({ request_memory: "lots" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CodalabError);
      expect((error as CodalabError).code).toBe("VALIDATION_FAILED");
    }
  });

  it("reads booleans written as numbers", () => {
    expect(parseRunRequests({ request_network: 1 }).network).toBe(true);
    expect(parseRunRequests({ request_network: "off" }).network).toBe(false);
  });
});
