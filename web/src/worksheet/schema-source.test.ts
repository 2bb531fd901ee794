import { describe, expect, it } from "vitest";
import { rowsOfSchema, schemaSource } from "./schema-source.ts";

describe("schema source", () => {
  const fieldRows = [
    { field: "uuid", genpath: "uuid", post_processor: "[0:8]", from_schema_name: "default" },
    { field: "name", genpath: "name", post_processor: null, from_schema_name: "default" },
    { field: "acc", genpath: "/stats.json:acc", post_processor: "%.3f", from_schema_name: "exp" },
    { field: "loss curve", genpath: "/log.tsv", post_processor: null, from_schema_name: "exp" },
  ];

  it("groups rows copied from another schema into one addschema row", () => {
    expect(rowsOfSchema("exp", fieldRows)).toEqual([
      { kind: "addschema", schema: "default" },
      { kind: "add", field: "acc", genpath: "/stats.json:acc", post: "%.3f" },
      { kind: "add", field: "loss curve", genpath: "/log.tsv", post: "" },
    ]);
  });

  it("writes the rows back as directives, quoting what needs it", () => {
    expect(schemaSource("exp", rowsOfSchema("exp", fieldRows))).toBe(
      "% schema exp\n% addschema default\n% add acc /stats.json:acc %.3f\n% add 'loss curve' /log.tsv\n",
    );
  });

  it("drops rows left without a field or a path", () => {
    expect(
      schemaSource("s", [
        { kind: "add", field: "x", genpath: " ", post: "" },
        { kind: "addschema", schema: "" },
      ]),
    ).toBe("% schema s\n");
  });
});
