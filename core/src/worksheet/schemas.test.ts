import { describe, expect, it } from "vitest";
import { adHocColumn, BUILTIN_SCHEMAS, builtinSchemas, resolveColumns, schemaColumnFromArgs } from "./schemas.ts";

const shape = (name: string) => BUILTIN_SCHEMAS[name]?.map((c) => [c.name, c.genpath, c.post]);

describe("built-in schemas", () => {
  it("define CodaLab's single-column schemas with their post-processors", () => {
    expect(shape("uuid")).toEqual([["uuid", "uuid", "[0:8]"]]);
    expect(shape("name")).toEqual([["name", "name", null]]);
    expect(shape("summary")).toEqual([["summary", "summary", "[0:1024]"]]);
    expect(shape("data_size")).toEqual([["data_size", "data_size", "size"]]);
    expect(shape("time")).toEqual([["time", "time", "duration"]]);
    expect(shape("state")).toEqual([["state", "state", null]]);
    expect(shape("description")).toEqual([["description", "description", null]]);
    expect(shape("created")).toEqual([["created", "created", "date"]]);
  });

  it("compose default, program, dataset, make and run", () => {
    const names = (name: string) => BUILTIN_SCHEMAS[name]?.map((c) => c.name);
    expect(names("default")).toEqual(["uuid", "name", "summary", "data_size", "state", "description"]);
    expect(names("program")).toEqual(["uuid", "name", "data_size", "description"]);
    expect(names("dataset")).toEqual(["uuid", "name", "data_size", "description"]);
    expect(names("make")).toEqual(names("default"));
    expect(names("run")).toEqual(["uuid", "name", "summary", "data_size", "time", "state", "description"]);
  });

  it("are copied per interpretation so a worksheet cannot change them for others", () => {
    const mine = builtinSchemas();
    mine.get("default")?.push(schemaColumnFromArgs(["x"], null));
    expect(BUILTIN_SCHEMAS.default).toHaveLength(6);
    expect(builtinSchemas().get("default")).toHaveLength(6);
  });
});

describe("% add argument forms", () => {
  it("names a one-argument column after the basename and last : key", () => {
    expect(schemaColumnFromArgs(["name"], "s")).toEqual({
      name: "name",
      genpath: "name",
      post: null,
      from_schema_name: "s",
    });
    expect(schemaColumnFromArgs(["/stdout"], "s").name).toBe("stdout");
    expect(schemaColumnFromArgs(["/out/stats.json:train/acc"], "s").name).toBe("acc");
    expect(schemaColumnFromArgs(["/stats:errorRate"], "s").name).toBe("errorRate");
    expect(schemaColumnFromArgs(["dependencies/data"], "s").name).toBe("data");
  });

  it("takes a name and a post-processor in the longer forms", () => {
    expect(schemaColumnFromArgs(["output", "/stdout"], "simple1")).toEqual({
      name: "output",
      genpath: "/stdout",
      post: null,
      from_schema_name: "simple1",
    });
    expect(schemaColumnFromArgs(["time", "time", "duration"], null)).toMatchObject({ post: "duration" });
  });

  it("refuses other argument counts", () => {
    expect(() => schemaColumnFromArgs([], null)).toThrow(/got 0/);
    expect(() => schemaColumnFromArgs(["a", "b", "c", "d"], null)).toThrow(/got 4/);
  });
});

describe("ad-hoc columns in % display table", () => {
  it("read name:genpath and name:genpath:post", () => {
    expect(adHocColumn("owner:owner_name")).toMatchObject({ name: "owner", genpath: "owner_name", post: null });
    expect(adHocColumn("year:created:date | [0:4]")).toMatchObject({
      name: "year",
      genpath: "created",
      post: "date | [0:4]",
    });
    expect(adHocColumn("command")).toMatchObject({ name: "command", genpath: "command", post: null });
  });

  it("keep the :key of file genpaths unless a post-processor follows", () => {
    expect(adHocColumn("acc:/stats.json:acc")).toMatchObject({ name: "acc", genpath: "/stats.json:acc", post: null });
    expect(adHocColumn("acc:/stats.json:train/acc:%.3f")).toMatchObject({
      name: "acc",
      genpath: "/stats.json:train/acc",
      post: "%.3f",
    });
    expect(adHocColumn("head:/stdout:[0:4]")).toMatchObject({ genpath: "/stdout", post: "[0:4]" });
    expect(adHocColumn("out:/stdout")).toMatchObject({ name: "out", genpath: "/stdout", post: null });
  });

  it("read a bare file genpath as a one-column form", () => {
    expect(adHocColumn("/stats.json:acc")).toMatchObject({ name: "acc", genpath: "/stats.json:acc" });
  });

  it("concatenate with schema names, defaulting to the default schema", () => {
    const schemas = builtinSchemas();
    expect(resolveColumns(["uuid", "name", "owner:owner_name"], schemas).map((c) => c.name)).toEqual([
      "uuid",
      "name",
      "owner",
    ]);
    expect(resolveColumns([], schemas)).toHaveLength(6);
  });
});
