import { describe, expect, it } from "vitest";
import { renderTable } from "./table.ts";

describe("renderTable", () => {
  it("pads columns two spaces apart under a line of dashes, right-aligning the chosen ones", () => {
    const lines = renderTable(
      ["name", "size"],
      [
        { name: "a", size: "10" },
        { name: "longer", size: "1.5k" },
      ],
      { rightAlign: ["size"] },
    );
    expect(lines).toEqual(["name    size", "------------", "a         10", "longer  1.5k"]);
  });

  it("counts unicode characters, not UTF-16 units, and fills missing cells", () => {
    expect(renderTable(["n", "x"], [{ n: "ünï😀" }], { indent: "  " })).toEqual(["  n     x", "  -------", "  ünï😀"]);
  });
});
