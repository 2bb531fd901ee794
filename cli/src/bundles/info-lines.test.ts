import { describe, expect, it } from "vitest";
import { parseBundle } from "../api/bundle-wire.ts";
import { basicInfoLines, pythonStr, verboseInfoLines } from "./info-lines.ts";

const RUN = parseBundle({
  uuid: `0x${"1".repeat(32)}`,
  bundle_type: "run",
  state: "ready",
  command: "python train.py",
  owner_id: "7",
  owner_name: "alice",
  frozen: null,
  is_anonymous: false,
  is_dir: true,
  created: 1_442_488_640,
  data_size: 4125,
  metadata: {
    name: "train",
    description: "",
    tags: ["a", "b"],
    time: 61,
    memory_max: 3 * 1024 ** 3,
    request_memory: "2g",
    custom: "yes",
    flag: true,
  },
  dependencies: [
    {
      child_path: "data",
      parent_uuid: `0x${"2".repeat(32)}`,
      parent_path: "train.csv",
      parent_name: "corpus",
      parent_state: "ready",
    },
  ],
  permission: "all",
  state_details: null,
});

describe("cl info rendering", () => {
  it("lists bundle fields, the owner, formatted standard metadata, custom keys and dependencies", () => {
    expect(basicInfoLines(RUN, { raw: false })).toEqual([
      "bundle_type               : run",
      `uuid                      : 0x${"1".repeat(32)}`,
      "state                     : ready",
      "command                   : python train.py",
      "frozen                    : <none>",
      "is_anonymous              : False",
      "owner                     : alice(7)",
      "name                      : train",
      "tags                      : a b",
      "created                   : 2015-09-17 11:17:20",
      "data_size                 : 4.0k",
      "request_memory            : 2g",
      "time                      : 1m1s",
      "memory_max                : 3g",
      "custom                    : yes",
      "flag                      : True",
      "dependencies:",
      `  data: corpus(0x${"2".repeat(32)})/train.csv`,
    ]);
  });

  it("prints raw values and every standard field with -r", () => {
    const raw = basicInfoLines(RUN, { raw: true });
    expect(raw).toContain("created                   : 1442488640");
    expect(raw).toContain("description               : ");
    expect(raw).toContain("request_gpus              : <none>");
    expect(raw).not.toContain("error_traceback           : <none>");
  });

  it("shows anonymous owners and the -v sections", () => {
    const anonymous = parseBundle({
      ...RUN.raw,
      owner_id: null,
      owner_name: null,
      group_permissions: [{ group_uuid: `0x${"3".repeat(32)}`, group_name: "public", permission: "read" }],
      children: [{ uuid: "0xc", name: "kid" }],
    });
    expect(basicInfoLines(anonymous, { raw: false })).toContain("owner                     : <anonymous>");
    expect(verboseInfoLines(anonymous)).toEqual([
      "children:",
      "  kid(0xc)",
      "host_worksheets:",
      "permission: all",
      "group_permissions:",
      "  public(0x333333):read",
    ]);
  });

  it("spells values the way Python prints them", () => {
    expect([pythonStr(null), pythonStr(false), pythonStr(2.5), pythonStr(["a"]), pythonStr({ k: 1 })]).toEqual([
      "None",
      "False",
      "2.5",
      '["a"]',
      '{"k":1}',
    ]);
  });
});
