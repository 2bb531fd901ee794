import { describe, expect, it } from "vitest";
import { emptyBundleSearchQuery, parseBundleKeywords } from "./bundle-keywords.ts";

const failure = (message: string) =>
  expect.objectContaining({ code: "VALIDATION_FAILED", message: expect.stringContaining(message) });

describe("parseBundleKeywords", () => {
  it("gives the default query for no keywords", () => {
    expect(parseBundleKeywords([])).toEqual(emptyBundleSearchQuery());
    expect(parseBundleKeywords([""]).limit).toBe(10);
  });

  it("collects bare words as uuid-or-name terms, turning .* into %", () => {
    expect(parseBundleKeywords(["mnist", "res.*net", ".txt"]).terms).toEqual(["mnist", "res%net", ".txt"]);
  });

  it("reads key=value on columns and metadata as equality filters", () => {
    expect(parseBundleKeywords(["state=ready", "name=train", "id=7"]).filters).toEqual([
      { field: "state", op: "eq", values: ["ready"] },
      { field: "name", op: "eq", values: ["train"] },
      { field: "id", op: "eq", values: ["7"] },
    ]);
  });

  it("expands the shortcuts type, size and worksheet", () => {
    const query = parseBundleKeywords(["type=run", "size=100", "worksheet=0xabc"]);
    expect(query.filters).toEqual([
      { field: "bundle_type", op: "eq", values: ["run"] },
      { field: "data_size", op: "eq", values: ["100"] },
    ]);
    expect(query.hostWorksheets).toEqual([{ op: "eq", values: ["0xabc"] }]);
  });

  it("keeps owner=<user name> for the server to map to owner_id", () => {
    expect(parseBundleKeywords(["owner=pliang"]).filters).toEqual([{ field: "owner", op: "eq", values: ["pliang"] }]);
  });

  it("reads a comma list as IN", () => {
    expect(parseBundleKeywords(["state=ready,failed"]).filters).toEqual([
      { field: "state", op: "in", values: ["ready", "failed"] },
    ]);
  });

  it("reads % or .* in a value as LIKE", () => {
    expect(parseBundleKeywords(["name=exp%", "command=python.*train"]).filters).toEqual([
      { field: "name", op: "like", values: ["exp%"] },
      { field: "command", op: "like", values: ["python%train"] },
    ]);
  });

  it("keeps = signs inside values", () => {
    expect(parseBundleKeywords(["command=a=b"]).filters).toEqual([{ field: "command", op: "eq", values: ["a=b"] }]);
  });

  it("reads =value as a match on uuid, command or any metadata value", () => {
    expect(parseBundleKeywords(["=glove", "=a.*b"]).anyValues).toEqual(["glove", "a%b"]);
  });

  it("reads dependency= and dependency/<key>=", () => {
    expect(parseBundleKeywords(["dependency=0x12", "dependency/in-data=0xab,0xcd"]).dependencies).toEqual([
      { key: null, op: "eq", values: ["0x12"] },
      { key: "in-data", op: "in", values: ["0xab", "0xcd"] },
    ]);
  });

  it("refuses dependency/ with an empty key", () => {
    expect(() => parseBundleKeywords(["dependency/=0x1"])).toThrow(failure("dependency/<key>=<uuid>"));
  });

  it("reads host_worksheet= and group=", () => {
    const query = parseBundleKeywords(["host_worksheet=0xw%", "group=nlp"]);
    expect(query.hostWorksheets).toEqual([{ op: "like", values: ["0xw%"] }]);
    expect(query.groups).toEqual(["nlp"]);
  });

  it("refuses group= with no group or a list", () => {
    expect(() => parseBundleKeywords(["group="])).toThrow(failure("group= takes one group"));
    expect(() => parseBundleKeywords(["group=a,b"])).toThrow(failure("group= takes one group"));
  });

  it("sets the flags .mine, .floating and .shared", () => {
    expect(parseBundleKeywords([".mine", ".floating", ".shared"]).flags).toEqual({
      mine: true,
      floating: true,
      shared: true,
      last: false,
    });
  });

  it("reads .last as newest first by id", () => {
    const query = parseBundleKeywords([".last"]);
    expect(query.flags.last).toBe(true);
    expect(query.sort).toEqual([{ field: "id", desc: true, numeric: true }]);
  });

  it("reads .before and .after as inclusive unix-second bounds", () => {
    const query = parseBundleKeywords([".before=2042-03-14", ".after=2020-01-01T00:00:00Z"]);
    expect(query.createdBefore).toBe(Date.UTC(2042, 2, 14) / 1000);
    expect(query.createdAfter).toBe(Date.UTC(2020, 0, 1) / 1000);
  });

  it("keeps the tightest bound when .before or .after repeats", () => {
    const query = parseBundleKeywords([".before=2030", ".before=2025", ".after=2010", ".after=2015"]);
    expect(query.createdBefore).toBe(Date.UTC(2025, 0, 1) / 1000);
    expect(query.createdAfter).toBe(Date.UTC(2015, 0, 1) / 1000);
  });

  it("refuses an unparseable date", () => {
    expect(() => parseBundleKeywords([".after=last week"])).toThrow(failure('.after: cannot parse "last week"'));
  });

  it("reads <field>=.sort and .sort- in order, numeric except text fields", () => {
    expect(parseBundleKeywords(["size=.sort-", "name=.sort", "time=.sort"]).sort).toEqual([
      { field: "data_size", desc: true, numeric: true },
      { field: "name", desc: false, numeric: false },
      { field: "time", desc: false, numeric: true },
    ]);
  });

  it("refuses sorting or summing special keys", () => {
    expect(() => parseBundleKeywords(["owner=.sort"])).toThrow(failure("cannot sort or sum by owner"));
    expect(() => parseBundleKeywords(["dependency/x=.sum"])).toThrow(failure("cannot sort or sum by dependency/x"));
    expect(() => parseBundleKeywords(["worksheet=.sort-"])).toThrow(failure("host_worksheet"));
  });

  it("reads .limit and .offset", () => {
    const query = parseBundleKeywords([".limit=50", ".offset=100"]);
    expect(query.limit).toBe(50);
    expect(query.offset).toBe(100);
  });

  it("refuses .limit and .offset that are not whole numbers", () => {
    expect(() => parseBundleKeywords([".limit=ten"])).toThrow(failure(".limit: expected a whole number"));
    expect(() => parseBundleKeywords([".offset=-1"])).toThrow(failure(".offset"));
    expect(() => parseBundleKeywords([".limit=99999999999999999999"])).toThrow(failure("too large"));
  });

  it("reads .count and <field>=.sum as aggregates, with .format", () => {
    expect(parseBundleKeywords([".count"]).aggregate).toEqual({ kind: "count" });
    const query = parseBundleKeywords(["size=.sum", ".format=size"]);
    expect(query.aggregate).toEqual({ kind: "sum", field: "data_size" });
    expect(query.format).toBe("size");
  });

  it("refuses two aggregates", () => {
    expect(() => parseBundleKeywords([".count", "size=.sum"])).toThrow(failure("only one aggregate"));
  });

  it("refuses unknown dot keywords with a value", () => {
    expect(() => parseBundleKeywords([".mine=1"])).toThrow(failure('unknown search keyword ".mine=1"'));
  });

  it("treats a keyword whose key has odd characters as a bare word", () => {
    expect(parseBundleKeywords(["a b=c"]).terms).toEqual(["a b=c"]);
  });

  it("combines everything in one query", () => {
    const query = parseBundleKeywords([
      "mnist",
      "type=run",
      "state=ready,failed",
      ".mine",
      "created=.sort-",
      ".limit=5",
    ]);
    expect(query).toMatchObject({
      terms: ["mnist"],
      filters: [
        { field: "bundle_type", op: "eq", values: ["run"] },
        { field: "state", op: "in", values: ["ready", "failed"] },
      ],
      flags: { mine: true },
      sort: [{ field: "created", desc: true, numeric: true }],
      limit: 5,
    });
  });
});
