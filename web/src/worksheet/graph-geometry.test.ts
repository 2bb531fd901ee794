import { describe, expect, it } from "vitest";
import { UUID_A, UUID_B } from "../testing/blocks.ts";
import { chartGeometry, niceTicks, seriesOf } from "./graph-geometry.ts";

const box = { width: 200, height: 100, left: 0, right: 0, top: 0, bottom: 0 };

describe("seriesOf", () => {
  it("takes x and y from the chosen columns and skips rows that are not numbers", () => {
    const series = seriesOf(
      [
        {
          bundle_uuid: UUID_A,
          display_name: "run-a",
          target_genpath: "/log.tsv",
          points: [
            ["1", "0.5", "x"],
            ["2", "0.25"],
            ["epoch", "loss"],
            ["3", ""],
          ],
        },
        { bundle_uuid: UUID_B, display_name: "run-b", target_genpath: "/log.tsv", points: null },
      ],
      0,
      1,
    );
    expect(series).toEqual([
      {
        name: "run-a",
        bundleUuid: UUID_A,
        points: [
          { x: 1, y: 0.5 },
          { x: 2, y: 0.25 },
        ],
      },
      { name: "run-b", bundleUuid: UUID_B, points: [] },
    ]);
  });
});

describe("niceTicks", () => {
  it("picks round steps", () => {
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 97)).toEqual([20, 40, 60, 80]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });
});

describe("chartGeometry", () => {
  it("maps the data range onto the box, y growing upwards", () => {
    const geometry = chartGeometry(
      [
        {
          name: "a",
          bundleUuid: UUID_A,
          points: [
            { x: 0, y: 0 },
            { x: 10, y: 1 },
          ],
        },
      ],
      box,
    );
    expect(geometry.hasData).toBe(true);
    expect(geometry.series[0]?.path).toBe("M0,100L200,0");
    expect(geometry.yTicks.map((tick) => [tick.label, tick.position])).toEqual([
      ["0", 100],
      ["0.2", 80],
      ["0.4", 60],
      ["0.6", 40],
      ["0.8", 20],
      ["1", 0],
    ]);
  });

  it("draws a single point in the middle and says when there is nothing to plot", () => {
    const one = chartGeometry([{ name: "a", bundleUuid: UUID_A, points: [{ x: 3, y: 3 }] }], box);
    expect(one.series[0]?.path).toBe("M100,50");
    expect(chartGeometry([{ name: "a", bundleUuid: UUID_A, points: [] }], box).hasData).toBe(false);
  });
});
