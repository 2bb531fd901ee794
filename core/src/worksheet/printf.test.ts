import { describe, expect, it } from "vitest";
import { formatPrintf, pythonFloatRepr } from "./printf.ts";

describe("printf post-processor", () => {
  // Expected values come from Python 3 (`format % value`).
  it.each([
    ["%d", 3.7, "3"],
    ["%i", 3.7, "3"],
    ["%u", 12, "12"],
    ["%d", -0.5, "0"],
    ["%.3d", -0, "000"],
    ["%05d", -42.0, "-0042"],
    ["%-5d|", 7, "7    |"],
    ["%+d", 5.0, "+5"],
    ["% d", 5.0, " 5"],
    ["%.3d", 7.0, "007"],
    ["%.2f", 1.2345, "1.23"],
    ["%.3f", 0.1234567, "0.123"],
    ["%.0f", 2.5, "2"],
    ["%.0f", 3.5, "4"],
    ["%.2f", 1.005, "1.00"],
    ["%#.0f", 3.0, "3."],
    ["%10.3f", 2.71259, "     2.713"],
    ["%-8.1f|", 2.25, "2.2     |"],
    ["%e", 1234.5678, "1.234568e+03"],
    ["%.3e", 1.234e-5, "1.234e-05"],
    ["%.0e", 5e-324, "5e-324"],
    ["%#.0e", 5, "5.e+00"],
    ["%E", 0, "0.000000E+00"],
    ["%g", 1e-5, "1e-05"],
    ["%g", 123456.0, "123456"],
    ["%g", 1234567.0, "1.23457e+06"],
    ["%g", 0, "0"],
    ["%.0g", 15, "2e+01"],
    ["%.3g", 0.0001, "0.0001"],
    ["%#g", 1.0, "1.00000"],
    ["%G", 1e21, "1E+21"],
    ["%s", 1.0, "1.0"],
    ["%r", 2.5, "2.5"],
    ["%s", 1e16, "1e+16"],
    ["%s", 1.5e-7, "1.5e-07"],
    ["%.3s", 2.71259, "2.7"],
    ["%8s", 2.5, "     2.5"],
    ["%05s", 2.5, "  2.5"],
    ["%f", Number.NaN, "nan"],
    ["%F", Number.POSITIVE_INFINITY, "INF"],
    ["%+.1f", Number.NEGATIVE_INFINITY, "-inf"],
    ["%.20g", 0.1, "0.10000000000000000555"],
    ["%%%.1f", 50.0, "%50.0"],
    ["acc=%.3f%%", 0.9123, "acc=0.912%"],
    ["%ld", 42, "42"],
    ["%f", 1e21, "1000000000000000000000.000000"],
    ["%.2e", 9.999, "1.00e+01"],
    ["%.3g", 999.95, "1e+03"],
    ["%e", 1e23, "1.000000e+23"],
    ["%e", 1e-300, "1.000000e-300"],
    ["%.1e", 0.95, "9.5e-01"],
  ])("formats %s of %s as %s", (format, value, expected) => {
    expect(formatPrintf(format, value)).toBe(expected);
  });

  it("formats %x, %X and %o of the truncated integer", () => {
    expect(formatPrintf("%x", 255.7)).toBe("ff");
    expect(formatPrintf("%X", -255)).toBe("-FF");
    expect(formatPrintf("%#06x", 255)).toBe("0x00ff");
    expect(formatPrintf("%#X", 10)).toBe("0XA");
    expect(formatPrintf("%o", 8)).toBe("10");
    expect(formatPrintf("%#o", 8)).toBe("0o10");
    expect(formatPrintf("%.4x", -0.2)).toBe("0000");
  });

  it("fails where Python raises", () => {
    expect(formatPrintf("%d %d", 1)).toBeNull();
    expect(formatPrintf("no conversion", 1)).toBeNull();
    expect(formatPrintf("%%", 1)).toBeNull();
    expect(formatPrintf("%(name)s", 1)).toBeNull();
    expect(formatPrintf("%*d", 1)).toBeNull();
    expect(formatPrintf("%c", 65)).toBeNull();
    expect(formatPrintf("%d", Number.NaN)).toBeNull();
    expect(formatPrintf("%x", Number.POSITIVE_INFINITY)).toBeNull();
  });
});

describe("Python float repr", () => {
  it.each([
    [1, "1.0"],
    [-0, "-0.0"],
    [0.1, "0.1"],
    [1e16, "1e+16"],
    [123456789012345.6, "123456789012345.6"],
    [1e-4, "0.0001"],
    [1.234e-5, "1.234e-05"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [Number.NaN, "nan"],
    [Number.NEGATIVE_INFINITY, "-inf"],
    [Number.POSITIVE_INFINITY, "inf"],
  ])("writes %s as %s", (value, expected) => {
    expect(pythonFloatRepr(value)).toBe(expected);
  });
});
