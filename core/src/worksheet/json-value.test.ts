import { describe, expect, it } from "vitest";
import { isJsonObject, isJsonScalar, toJsonValue } from "./json-value.ts";

describe("normalizing values to JSON", () => {
  it("keeps JSON as is and turns other values into JSON", () => {
    expect(toJsonValue({ a: [1, "x", true, null] })).toEqual({ a: [1, "x", true, null] });
    expect(toJsonValue(undefined)).toBeNull();
    expect(toJsonValue(Number.POSITIVE_INFINITY)).toBe("Infinity");
    expect(toJsonValue(12n)).toBe("12");
    expect(toJsonValue(new Date(0))).toBe("1970-01-01T00:00:00.000Z");
    expect(toJsonValue(new Date(Number.NaN))).toBeNull();
    expect(toJsonValue(new Set(["a"]))).toEqual(["a"]);
    expect(toJsonValue(new Map([[1, new Map([["b", 2]])]]))).toEqual({ "1": { b: 2 } });
    expect(toJsonValue(() => 1)).toBeNull();
    expect(toJsonValue(Symbol("s"))).toBeNull();
  });

  it("tells objects and scalars apart", () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonScalar("x")).toBe(true);
    expect(isJsonScalar({})).toBe(false);
  });
});
