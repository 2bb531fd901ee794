import { describe, expect, it } from "vitest";
import { parseWorksheetKeywords } from "./worksheet-keywords.ts";

const failure = (message: string) =>
  expect.objectContaining({ code: "VALIDATION_FAILED", message: expect.stringContaining(message) });

describe("parseWorksheetKeywords", () => {
  it("gives the default order and limit for no keywords", () => {
    expect(parseWorksheetKeywords([""])).toEqual({
      terms: [],
      anyValues: [],
      filters: [],
      groups: [],
      flags: { mine: false, notmine: false, shared: false, last: false },
      sort: [],
      limit: 10,
      offset: 0,
    });
  });

  it("collects bare words as uuid/name/title terms", () => {
    expect(parseWorksheetKeywords(["nlp", "paper.*2020"]).terms).toEqual(["nlp", "paper%2020"]);
  });

  it("reads filters on columns, owner, tag, bundle and worksheet", () => {
    expect(
      parseWorksheetKeywords([
        "name=home-%",
        "title=A,B",
        "owner_id=0x1",
        "owner=alice",
        "tag=paper",
        "bundle=0xb",
        "worksheet=0xw",
        "id=3",
        "uuid=0xu",
      ]).filters,
    ).toEqual([
      { field: "name", op: "like", values: ["home-%"] },
      { field: "title", op: "in", values: ["A", "B"] },
      { field: "owner_id", op: "eq", values: ["0x1"] },
      { field: "owner", op: "eq", values: ["alice"] },
      { field: "tag", op: "eq", values: ["paper"] },
      { field: "bundle", op: "eq", values: ["0xb"] },
      { field: "worksheet", op: "eq", values: ["0xw"] },
      { field: "id", op: "eq", values: ["3"] },
      { field: "uuid", op: "eq", values: ["0xu"] },
    ]);
  });

  it("reads =value as a match that also searches item text", () => {
    expect(parseWorksheetKeywords(["=results"]).anyValues).toEqual(["results"]);
  });

  it("reads group=", () => {
    expect(parseWorksheetKeywords(["group=nlp"]).groups).toEqual(["nlp"]);
    expect(() => parseWorksheetKeywords(["group=a,b"])).toThrow(failure("group= takes one group"));
  });

  it("sets .mine, .notmine and .shared", () => {
    expect(parseWorksheetKeywords([".mine", ".notmine", ".shared"]).flags).toEqual({
      mine: true,
      notmine: true,
      shared: true,
      last: false,
    });
  });

  it("reads .last as newest id first", () => {
    const query = parseWorksheetKeywords([".last"]);
    expect(query.flags.last).toBe(true);
    expect(query.sort).toEqual([{ field: "id", desc: true, numeric: true }]);
  });

  it("sorts by columns only", () => {
    expect(parseWorksheetKeywords(["name=.sort", "id=.sort-"]).sort).toEqual([
      { field: "name", desc: false, numeric: false },
      { field: "id", desc: true, numeric: true },
    ]);
    expect(() => parseWorksheetKeywords(["tag=.sort"])).toThrow(
      failure("worksheets sort by id, uuid, name, title, owner_id"),
    );
  });

  it("reads .limit and .offset and refuses bad numbers", () => {
    expect(parseWorksheetKeywords([".limit=3", ".offset=6"])).toMatchObject({ limit: 3, offset: 6 });
    expect(() => parseWorksheetKeywords([".limit=x"])).toThrow(failure(".limit"));
    expect(() => parseWorksheetKeywords([".offset=x"])).toThrow(failure(".offset"));
  });

  it("refuses an unknown key, listing the known ones", () => {
    expect(() => parseWorksheetKeywords(["state=ready"])).toThrow(failure("unknown worksheet search key 'state'"));
    expect(() => parseWorksheetKeywords([".count=1"])).toThrow(
      failure("use id, uuid, name, title, owner_id, owner, tag, bundle, worksheet"),
    );
  });
});
