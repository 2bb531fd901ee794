import { describe, expect, it } from "vitest";
import { assertUserSearchAllowed, parseUserKeywords } from "./user-keywords.ts";

const failure = (message: string) =>
  expect.objectContaining({ code: "VALIDATION_FAILED", message: expect.stringContaining(message) });

describe("parseUserKeywords", () => {
  it("gives the defaults for no keywords", () => {
    expect(parseUserKeywords([""])).toMatchObject({
      terms: [],
      filters: [],
      limit: 10,
      offset: 0,
      aggregate: null,
      rootOnlyKeywords: [],
    });
  });

  it("collects bare words as name/id terms", () => {
    expect(parseUserKeywords(["ali", "b.*b"]).terms).toEqual(["ali", "b%b"]);
  });

  it("reads public field filters without needing root", () => {
    const query = parseUserKeywords(["user_name=alice,bob", "affiliation=Stan%", "user_id=0x1"]);
    expect(query.filters).toEqual([
      { field: "user_name", rootOnly: false, op: "in", values: ["alice", "bob"] },
      { field: "affiliation", rootOnly: false, op: "like", values: ["Stan%"] },
      { field: "id", rootOnly: false, op: "eq", values: ["0x1"] },
    ]);
    expect(query.rootOnlyKeywords).toEqual([]);
  });

  it("marks filters on private fields as root-only", () => {
    const query = parseUserKeywords(["email=%@cs.edu", "disk_used=.sort-"]);
    expect(query.filters).toEqual([{ field: "email", rootOnly: true, op: "like", values: ["%@cs.edu"] }]);
    expect(query.sort).toEqual([{ field: "disk_used", desc: true, numeric: true }]);
    expect(query.rootOnlyKeywords).toEqual(["email=%@cs.edu", "disk_used=.sort-"]);
  });

  it("reads .joined_before/.joined_after for anyone", () => {
    const query = parseUserKeywords([
      ".joined_before=2024-01-01",
      ".joined_after=2020",
      ".joined_before=2023",
      ".joined_after=2021",
    ]);
    expect(query.joinedBefore).toBe(Date.UTC(2023, 0, 1) / 1000);
    expect(query.joinedAfter).toBe(Date.UTC(2021, 0, 1) / 1000);
    expect(query.rootOnlyKeywords).toEqual([]);
  });

  it("reads .active_before/.active_after as root-only", () => {
    const query = parseUserKeywords([".active_before=2024-01-01", ".active_after=2020-01-01"]);
    expect(query.activeBefore).toBe(Date.UTC(2024, 0, 1) / 1000);
    expect(query.activeAfter).toBe(Date.UTC(2020, 0, 1) / 1000);
    expect(query.rootOnlyKeywords).toHaveLength(2);
  });

  it("reads usage bounds as fractions or percentages, root-only", () => {
    const query = parseUserKeywords([
      ".disk_used_less_than=70%",
      ".time_used_more_than=0.3",
      ".disk_used_more_than=.5",
    ]);
    expect(query.usage).toEqual([
      { resource: "disk", bound: "at_most", fraction: 0.7 },
      { resource: "time", bound: "at_least", fraction: 0.3 },
      { resource: "disk", bound: "at_least", fraction: 0.5 },
    ]);
    expect(query.rootOnlyKeywords).toHaveLength(3);
  });

  it("refuses a usage bound that is not a number", () => {
    expect(() => parseUserKeywords([".time_used_less_than=most"])).toThrow(
      failure(".time_used_less_than: expected a fraction"),
    );
  });

  it("reads sorting, .last, .count, .format, .limit and .offset", () => {
    const query = parseUserKeywords(["user_name=.sort", ".last", ".count", ".format=size", ".limit=20", ".offset=40"]);
    expect(query.sort).toEqual([
      { field: "user_name", desc: false, numeric: false },
      { field: "date_joined", desc: true, numeric: true },
    ]);
    expect(query).toMatchObject({ aggregate: { kind: "count" }, format: "size", limit: 20, offset: 40 });
  });

  it("refuses unknown keys and bad numbers", () => {
    expect(() => parseUserKeywords(["password=x"])).toThrow(failure("unknown user search key 'password'"));
    expect(() => parseUserKeywords([".limit=many"])).toThrow(failure(".limit"));
    expect(() => parseUserKeywords([".offset=many"])).toThrow(failure(".offset"));
    expect(() => parseUserKeywords([".joined_after=soon"])).toThrow(failure(".joined_after"));
  });
});

describe("assertUserSearchAllowed", () => {
  it("lets anyone run a public search and root run any search", () => {
    expect(() => assertUserSearchAllowed(parseUserKeywords(["alice"]), false)).not.toThrow();
    expect(() => assertUserSearchAllowed(parseUserKeywords(["email=a@b.c"]), true)).not.toThrow();
  });

  it("refuses private filters to non-root callers, naming them", () => {
    expect(() => assertUserSearchAllowed(parseUserKeywords(["email=a@b.c", ".active_after=2020"]), false)).toThrow(
      expect.objectContaining({
        code: "FORBIDDEN",
        message: "only the root user may search users by email=a@b.c, .active_after=2020",
      }),
    );
  });
});
