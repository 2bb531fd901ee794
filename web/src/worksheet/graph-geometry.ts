/**
 * Line charts for `% display graph` (spec §5.3): each trajectory is the header-less TSV of one
 * bundle, x and y taken from columns `x` and `y`. Rows whose x or y is not a number are skipped,
 * as CodaLab's chart did. This module turns them into SVG coordinates and axis ticks.
 */
import type { GraphTrajectory } from "@codalab/core/worksheet/blocks";

export type Point = { x: number; y: number };
export type Series = { name: string; bundleUuid: string; points: Point[] };
export type Tick = { value: number; position: number; label: string };

export type ChartBox = { width: number; height: number; left: number; right: number; top: number; bottom: number };

export type ChartGeometry = {
  series: (Series & { path: string })[];
  xTicks: Tick[];
  yTicks: Tick[];
  /** False when no trajectory has a plottable point. */
  hasData: boolean;
};

export function seriesOf(trajectories: readonly GraphTrajectory[], xColumn: number, yColumn: number): Series[] {
  return trajectories.map((trajectory) => ({
    name: trajectory.display_name,
    bundleUuid: trajectory.bundle_uuid,
    points: (trajectory.points ?? []).flatMap((row) => {
      const x = Number(row[xColumn]);
      const y = Number(row[yColumn]);
      return row[xColumn]?.trim() && row[yColumn]?.trim() && Number.isFinite(x) && Number.isFinite(y) ? [{ x, y }] : [];
    }),
  }));
}

/** Round tick values (1, 2 or 5 times a power of ten) covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  // d3's rule: the power of ten below the rough step, times 1, 2, 5 or 10, whichever is nearest.
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const error = rough / power;
  const step = (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1) * power;
  const ticks: number[] = [];
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) {
    // Strip floating-point noise (0.30000000000000004) by rounding to the step's precision.
    ticks.push(Number(value.toFixed(Math.max(0, -Math.floor(Math.log10(step))))));
  }
  return ticks;
}

function formatTick(value: number): string {
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-3)) return value.toExponential(1);
  return String(Number(value.toPrecision(6)));
}

export function chartGeometry(series: readonly Series[], box: ChartBox): ChartGeometry {
  const points = series.flatMap((one) => one.points);
  if (points.length === 0)
    return { series: series.map((one) => ({ ...one, path: "" })), xTicks: [], yTicks: [], hasData: false };
  let [xMin, xMax] = extent(points.map((point) => point.x));
  let [yMin, yMax] = extent(points.map((point) => point.y));
  // A flat line or a single point still needs a range to be drawn in.
  if (xMin === xMax) [xMin, xMax] = [xMin - 1, xMax + 1];
  if (yMin === yMax) [yMin, yMax] = [yMin - 1, yMax + 1];
  const plotWidth = box.width - box.left - box.right;
  const plotHeight = box.height - box.top - box.bottom;
  const sx = (x: number) => box.left + ((x - xMin) / (xMax - xMin)) * plotWidth;
  const sy = (y: number) => box.top + plotHeight - ((y - yMin) / (yMax - yMin)) * plotHeight;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    hasData: true,
    series: series.map((one) => ({
      ...one,
      path: one.points.map((point, i) => `${i === 0 ? "M" : "L"}${round(sx(point.x))},${round(sy(point.y))}`).join(""),
    })),
    xTicks: niceTicks(xMin, xMax).map((value) => ({ value, position: round(sx(value)), label: formatTick(value) })),
    yTicks: niceTicks(yMin, yMax).map((value) => ({ value, position: round(sy(value)), label: formatTick(value) })),
  };
}

function extent(values: readonly number[]): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return [min, max];
}
