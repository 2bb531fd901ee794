import { describe, expect, it } from "vitest";
import { parseIsoDateTime } from "./iso-date.ts";

const utc = (...parts: [number, number, number, number?, number?, number?]) =>
  Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3] ?? 0, parts[4] ?? 0, parts[5] ?? 0) / 1000;

describe("parseIsoDateTime", () => {
  it("reads a date as midnight UTC", () => {
    expect(parseIsoDateTime("2042-03-14")).toBe(utc(2042, 3, 14));
    expect(parseIsoDateTime("20420314")).toBe(utc(2042, 3, 14));
  });

  it("reads a year or a year and month alone", () => {
    expect(parseIsoDateTime("2020")).toBe(utc(2020, 1, 1));
    expect(parseIsoDateTime("2020-07")).toBe(utc(2020, 7, 1));
  });

  it("reads times with T or a space, with or without seconds", () => {
    expect(parseIsoDateTime("2020-10-15T09:30")).toBe(utc(2020, 10, 15, 9, 30));
    expect(parseIsoDateTime("2020-10-15 09:30:15")).toBe(utc(2020, 10, 15, 9, 30, 15));
    expect(parseIsoDateTime("2020-10-15T09")).toBe(utc(2020, 10, 15, 9));
    expect(parseIsoDateTime("20201015T093015")).toBe(utc(2020, 10, 15, 9, 30, 15));
  });

  it("rounds fractional seconds down", () => {
    expect(parseIsoDateTime("2020-10-15T09:30:15.999Z")).toBe(utc(2020, 10, 15, 9, 30, 15));
  });

  it("applies a zone offset", () => {
    expect(parseIsoDateTime("2120-10-15T00:00:00-08")).toBe(utc(2120, 10, 15, 8));
    expect(parseIsoDateTime("2020-01-01T05:30:00+05:30")).toBe(utc(2020, 1, 1));
    expect(parseIsoDateTime("2020-01-01T05:30:00+0530")).toBe(utc(2020, 1, 1));
    expect(parseIsoDateTime("2020-01-01T00:00:00Z")).toBe(utc(2020, 1, 1));
  });

  it("refuses text that is not a date, naming the keyword", () => {
    expect(() => parseIsoDateTime("yesterday", ".before")).toThrow(
      expect.objectContaining({
        code: "VALIDATION_FAILED",
        message: expect.stringMatching(/^\.before: cannot parse "yesterday" as a date; use ISO 8601/),
      }),
    );
  });

  it("refuses impossible dates and times", () => {
    for (const text of ["2021-02-30", "2021-13-01", "2021-01-01T24:00", "2021-01-01T10:60", "2021-01-01T10:00:61"]) {
      expect(() => parseIsoDateTime(text)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    }
  });
});
