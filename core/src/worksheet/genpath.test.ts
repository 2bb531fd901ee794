import { describe, expect, it } from "vitest";
import { invalidBundle, privateBundle } from "./bundle-mask.ts";
import type { BundleDependency } from "./data-access.ts";
import {
  interpretGenpath,
  isFileGenpath,
  parseFileGenpath,
  renderDependencies,
  renderGroupPermissions,
} from "./genpath.ts";
import { makeBundleInfo } from "./memory-data-access.ts";

const PARENT = "0xaaaa1111aaaa1111aaaa1111aaaa1111";
const OTHER = "0xbbbb2222bbbb2222bbbb2222bbbb2222";

function dep(child_path: string, parent_name: string | null, parent_path = "", parent_uuid = PARENT): BundleDependency {
  return { child_path, parent_uuid, parent_path, parent_name };
}

const run = makeBundleInfo({
  uuid: "0x223abce2364c439596f05b5da0fa7e5d",
  bundle_type: "run",
  state: "running",
  command: 'python train.py --lr 0.1 --name "x"',
  name: "train",
  id: 17,
  metadata: {
    time: 61,
    memory: 2048,
    request_gpus: 1,
    request_memory: "4g",
    request_network: true,
    request_cpus: 0,
    request_queue: "gpu queue",
    request_priority: false,
    tags: ["a", "b"],
  },
  dependencies: [dep("data", "mnist"), dep("code", "code", "src")],
  host_worksheets: [{ uuid: "0xws", name: "home-alice" }],
  group_permissions: [
    { group_uuid: "0x1234567890abcdef", group_name: "public", permission: "read" },
    { group_uuid: "0xfedcba0987654321", group_name: "team", permission: "all" },
  ],
});

describe("genpaths for bundle fields and metadata", () => {
  it("reads bundle fields first, then metadata keys", () => {
    expect(interpretGenpath(run, "uuid")).toBe(run.uuid);
    expect(interpretGenpath(run, "bundle_type")).toBe("run");
    expect(interpretGenpath(run, "state")).toBe("running");
    expect(interpretGenpath(run, "command")).toBe(run.command);
    expect(interpretGenpath(run, "owner_id")).toBe("1");
    expect(interpretGenpath(run, "is_anonymous")).toBe(false);
    expect(interpretGenpath(run, "id")).toBe(17);
    expect(interpretGenpath(run, "name")).toBe("train");
    expect(interpretGenpath(run, "time")).toBe(61);
    expect(interpretGenpath(run, "memory")).toBe(2048);
    expect(interpretGenpath(run, "request_gpus")).toBe(1);
    expect(interpretGenpath(run, "tags")).toEqual(["a", "b"]);
  });

  it("gives null for unknown keys, null fields and object prototype names", () => {
    expect(interpretGenpath(run, "no_such_key")).toBeNull();
    expect(interpretGenpath(run, "frozen")).toBeNull();
    expect(interpretGenpath(run, "constructor")).toBeNull();
    expect(interpretGenpath(run, "__proto__")).toBeNull();
  });

  it("resolves `owner` (and the dashboard templates' `owner_name`) to the user name", () => {
    expect(interpretGenpath(run, "owner")).toBe("alice");
    expect(interpretGenpath(run, "owner_name")).toBe("alice");
  });

  it("renders permissions, group permissions and host worksheets", () => {
    expect(interpretGenpath(run, "permission")).toBe("all");
    expect(interpretGenpath(run, "group_permissions")).toBe("public(0x123456):read,team(0xfedcba):all");
    expect(renderGroupPermissions([])).toBe("-");
    expect(interpretGenpath(run, "host_worksheets")).toBe("home-alice(0xws)");
    const bare = makeBundleInfo({ uuid: "0x1" });
    expect(interpretGenpath(bare, "host_worksheets")).toBeNull();
    expect(interpretGenpath(bare, "group_permissions")).toBeNull();
  });
});

describe("the dependencies genpaths", () => {
  it("renders key:parent_name/path, with a bare : when the key is the parent's name", () => {
    expect(interpretGenpath(run, "dependencies")).toBe("data:mnist,:code/src");
    expect(renderDependencies([dep("", "mnist")])).toBe("mnist");
    expect(renderDependencies([dep("x", null)])).toBe("x:");
    expect(renderDependencies([])).toBe("");
  });

  it("renders one dependency by key without its key", () => {
    expect(interpretGenpath(run, "dependencies/code")).toBe("code/src");
    expect(interpretGenpath(run, "dependencies/data")).toBe("mnist");
    expect(interpretGenpath(run, "dependencies/missing")).toBe("<none>");
  });
});

describe("the args genpath", () => {
  it("reconstructs the run command line with dependency uuids and request flags", () => {
    expect(interpretGenpath(run, "args")).toBe(
      `run data:${PARENT} code:${PARENT}/src "python train.py --lr 0.1 --name \\"x\\"" --request-gpus 1 --request-memory 4g --request-network --request-queue "gpu queue"`,
    );
  });

  it("keeps an anonymous dependency without key and is null for uploads", () => {
    const make = makeBundleInfo({ uuid: "0x2", bundle_type: "make", dependencies: [dep("", "mnist")] });
    expect(interpretGenpath(make, "args")).toBe(`make ${PARENT}`);
    expect(interpretGenpath(makeBundleInfo({ uuid: "0x3" }), "args")).toBeNull();
  });
});

describe("the summary genpath", () => {
  it("marks ready uploads, and is empty while uploading", () => {
    expect(interpretGenpath(makeBundleInfo({ uuid: "0x1" }), "summary")).toBe("[uploaded]");
    expect(
      interpretGenpath(makeBundleInfo({ uuid: "0x1", bundle_type: "program", state: "uploading" }), "summary"),
    ).toBe("");
  });

  it("writes make bundles as = key{name:uuid4}", () => {
    const make = makeBundleInfo({
      uuid: "0x2",
      bundle_type: "make",
      dependencies: [dep("train", "mnist"), dep("", "code", "", OTHER), dep("x", null)],
    });
    expect(interpretGenpath(make, "summary")).toBe("= train{mnist:0xaa} code{0xbb} x{<none>:0xaa}");
  });

  it("writes runs as ! command, truncated to 1024 characters", () => {
    expect(interpretGenpath(run, "summary")).toBe(`! ${run.command}`);
    const long = makeBundleInfo({ uuid: "0x4", bundle_type: "run", command: "x".repeat(2000) });
    const summary = interpretGenpath(long, "summary");
    expect(summary).toBe(`! ${"x".repeat(1022)}...`);
  });
});

describe("genpaths of bundles the caller cannot see", () => {
  it("shows only the uuid and a placeholder name", () => {
    const hidden = privateBundle("0x9");
    expect(interpretGenpath(hidden, "name")).toBe("<private>");
    expect(interpretGenpath(hidden, "uuid")).toBe("0x9");
    expect(interpretGenpath(hidden, "dependencies")).toBe("");
    expect(interpretGenpath(hidden, "summary")).toBeNull();
    expect(interpretGenpath(hidden, "owner")).toBeNull();
    expect(interpretGenpath(invalidBundle("0x8"), "name")).toBe("<invalid>");
  });
});

describe("file genpaths", () => {
  it("are the ones starting with /", () => {
    expect(isFileGenpath("/stdout")).toBe(true);
    expect(isFileGenpath("stdout")).toBe(false);
  });

  it("split into a bundle subpath and a key path", () => {
    expect(parseFileGenpath("/stdout")).toEqual({ subpath: "stdout", key: null });
    expect(parseFileGenpath("/out/stats.json:train/acc")).toEqual({ subpath: "out/stats.json", key: "train/acc" });
    expect(parseFileGenpath("/log.tsv:loss")).toEqual({ subpath: "log.tsv", key: "loss" });
    expect(parseFileGenpath("/:x")).toEqual({ subpath: "", key: "x" });
  });

  it("refuse paths that leave the bundle", () => {
    expect(() => parseFileGenpath("/../other:x")).toThrow(/may not contain '..'/);
  });
});
