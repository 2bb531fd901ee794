import { describe, expect, it } from "vitest";
import { parseBundle, parseSearchResult, parseTargetInfoEnvelope, parseUploadStatus } from "./bundle-wire.ts";
import { parseResponse } from "./wire.ts";

const BUNDLE = {
  uuid: `0x${"a".repeat(32)}`,
  bundle_type: "dataset",
  state: "ready",
  command: null,
  owner_id: "1",
  owner_name: "alice",
  frozen: null,
  is_anonymous: false,
  is_dir: false,
  created: 1,
  data_size: 2,
  metadata: { name: "x", tags: ["t"] },
  dependencies: [],
  permission: "read",
  state_details: null,
};

describe("bundle responses", () => {
  it("parse a bundle and keep the original for --json", () => {
    const bundle = parseBundle(BUNDLE);
    expect(bundle).toMatchObject({ uuid: BUNDLE.uuid, state: "ready", metadata: { name: "x", tags: ["t"] } });
    expect(bundle.raw).toBe(BUNDLE);
  });

  it("name the field that does not fit", () => {
    expect(() =>
      parseResponse("GET /rest/bundles/x", { bundle: { ...BUNDLE, state: "sleeping" } }, (body) =>
        parseBundle((body as { bundle: unknown }).bundle),
      ),
    ).toThrow("unexpected response from GET /rest/bundles/x: bundle.state should be one of created");
    expect(() => parseBundle({ ...BUNDLE, dependencies: "none" })).toThrow("bundle.dependencies should be a list");
  });

  it("tell search results from aggregates", () => {
    expect(parseSearchResult({ result: 3 })).toEqual({ kind: "aggregate", result: 3 });
    expect(parseSearchResult({ bundles: [BUNDLE], total: 1 })).toMatchObject({ kind: "bundles", total: 1 });
  });

  it("parse upload status and nested target info", () => {
    expect(parseUploadStatus({ kind: "file", size: 1, part_size: 1, part_count: 1, received: [1] })).toEqual({
      part_size: 1,
      part_count: 1,
      received: [1],
    });
    expect(() => parseUploadStatus({ part_size: 1, part_count: 1, received: ["1"] })).toThrow("a part number");
    const info = parseTargetInfoEnvelope({
      info: {
        name: "",
        type: "directory",
        size: 0,
        perm: 0o755,
        contents: [{ name: "l", type: "link", size: 3, perm: 0o777, link: "x" }],
      },
    });
    expect(info.contents?.[0]).toEqual({ name: "l", type: "link", size: 3, perm: 0o777, link: "x" });
    expect(() => parseTargetInfoEnvelope({ info: { name: "", type: "socket", size: 0, perm: 0 } })).toThrow(
      "file, directory or link",
    );
  });
});
