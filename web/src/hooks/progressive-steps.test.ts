import { describe, expect, it } from "vitest";
import { FIRST_ROWS, nextShownCount, ROWS_PER_FRAME } from "./progressive-steps.ts";

describe("nextShownCount", () => {
  it("draws a screenful first, then a batch per frame, never past the end", () => {
    expect(nextShownCount(0, 300)).toBe(FIRST_ROWS);
    expect(nextShownCount(FIRST_ROWS, 300)).toBe(FIRST_ROWS + ROWS_PER_FRAME);
    expect(nextShownCount(290, 300)).toBe(300);
    expect(nextShownCount(0, 5)).toBe(5);
    expect(nextShownCount(0, 0)).toBe(0);
  });
});
