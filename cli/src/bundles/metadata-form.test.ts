import { describe, expect, it } from "vitest";
import { changedFields, parseMetadataForm, renderMetadataForm, typedValue } from "./metadata-form.ts";
import { editableSpecsFor } from "./metadata-specs.ts";

const SPECS = editableSpecsFor("dataset");

describe("the metadata form of cl edit", () => {
  it("offers the editable fields with their descriptions and reads them back typed", () => {
    const form = renderMetadataForm("Edit it.", SPECS, { name: "data", tags: ["a", "b"], license: null });
    expect(SPECS.map((spec) => spec.key)).toEqual(["name", "description", "tags", "license", "source_url"]);
    expect(form).toContain("// Full description of the bundle (description).\ndescription: \n");
    expect(form).toContain("tags: a b\n");
    expect(parseMetadataForm(form, SPECS)).toEqual({
      name: "data",
      description: "",
      tags: ["a", "b"],
      license: "",
      source_url: "",
    });
  });

  it("keeps only what changed, treating empty and absent alike", () => {
    const current = { name: "data", description: "", tags: ["a"], license: null };
    expect(changedFields(current, { name: "data", description: "", tags: ["a"], license: "", source_url: "" })).toEqual(
      {},
    );
    expect(changedFields(current, { name: "new", tags: [] })).toEqual({ name: "new", tags: [] });
  });

  it("refuses lines it cannot read, unknown keys and a missing name", () => {
    expect(() => parseMetadataForm("name x", SPECS)).toThrow("malformed line (no colon): name x");
    expect(() => parseMetadataForm("name: x\nbogus: 1", SPECS)).toThrow("unexpected metadata key: bogus");
    expect(() => parseMetadataForm("// nothing\ndescription: d", SPECS)).toThrow("no name specified");
  });

  it("converts values by the field's type", () => {
    expect(typedValue("request_network", "bool", "False")).toBe(false);
    expect(typedValue("request_cpus", "int", "4")).toBe(4);
    expect(typedValue("cpu_usage", "float", "")).toBeNull();
    expect(() => typedValue("request_cpus", "int", "4.5")).toThrow("request_cpus must be an integer");
    expect(() => typedValue("request_network", "bool", "maybe")).toThrow("must be True or False");
  });
});
