import { describe, expect, it } from "vitest";
import { editableFields, formatMetadataValue, inputValue } from "./metadata-fields.ts";

describe("bundle metadata on the page", () => {
  it("offers run requests only while the run waits, and nothing without `all`", () => {
    const keys = (state: string) => editableFields("run", state, "all", false).map((field) => field.key);
    expect(keys("staged")).toContain("request_memory");
    expect(keys("running")).toEqual(["name", "description", "tags"]);
    expect(editableFields("dataset", "ready", "all", false).map((field) => field.key)).toEqual([
      "name",
      "description",
      "tags",
      "license",
      "source_url",
    ]);
    expect(editableFields("dataset", "ready", "read", false)).toEqual([]);
    expect(editableFields("dataset", "ready", "all", true)).toEqual([]);
  });

  it("shows sizes, durations, dates, lists and flags for people", () => {
    expect(formatMetadataValue("request_memory", 2 * 1024 ** 3)).toBe("2 GiB");
    expect(formatMetadataValue("time", 75)).toBe("1m 15s");
    expect(formatMetadataValue("tags", ["a", "b"])).toBe("a b");
    expect(formatMetadataValue("request_network", false)).toBe("no");
    expect(formatMetadataValue("license", null)).toBe("");
    expect(inputValue(["a", "b"])).toBe("a b");
    expect(inputValue(3)).toBe("3");
  });
});
