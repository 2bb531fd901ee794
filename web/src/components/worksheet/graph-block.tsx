import type { GraphBlock } from "@codalab/core/worksheet/blocks";
import { createMemo, For, Show } from "solid-js";
import { chartGeometry, seriesOf } from "../../worksheet/graph-geometry.ts";

const BOX = { width: 640, height: 320, left: 56, right: 16, top: 16, bottom: 44 };
/** Distinct on white and for the common colour-vision deficiencies (Okabe–Ito). */
const COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7f7f7f", "#000000"];

/** `% display graph`: one line per bundle, x and y from columns of its TSV file. */
export function GraphBlockView(props: { block: GraphBlock }) {
  const geometry = createMemo(() =>
    chartGeometry(seriesOf(props.block.trajectories, props.block.x, props.block.y), BOX),
  );
  const colour = (index: number) => COLOURS[index % COLOURS.length];
  return (
    <figure class="graph-block">
      <Show
        when={geometry().hasData}
        fallback={<p class="muted">No numbers to plot in {props.block.target_genpath} yet.</p>}
      >
        <svg
          class="graph-block__chart"
          viewBox={`0 0 ${BOX.width} ${BOX.height}`}
          role="img"
          aria-label={`Line chart of ${props.block.target_genpath}`}
        >
          <For each={geometry().yTicks}>
            {(tick) => (
              <g class="graph-block__tick">
                <line x1={BOX.left} x2={BOX.width - BOX.right} y1={tick.position} y2={tick.position} />
                <text x={BOX.left - 8} y={tick.position} text-anchor="end" dominant-baseline="middle">
                  {tick.label}
                </text>
              </g>
            )}
          </For>
          <For each={geometry().xTicks}>
            {(tick) => (
              <g class="graph-block__tick">
                <line
                  x1={tick.position}
                  x2={tick.position}
                  y1={BOX.height - BOX.bottom}
                  y2={BOX.height - BOX.bottom + 5}
                />
                <text x={tick.position} y={BOX.height - BOX.bottom + 18} text-anchor="middle">
                  {tick.label}
                </text>
              </g>
            )}
          </For>
          <line
            class="graph-block__axis"
            x1={BOX.left}
            x2={BOX.width - BOX.right}
            y1={BOX.height - BOX.bottom}
            y2={BOX.height - BOX.bottom}
          />
          <For each={geometry().series}>
            {(series, index) => (
              <path class="graph-block__line" d={series.path} stroke={colour(index())}>
                <title>{series.name}</title>
              </path>
            )}
          </For>
          <Show when={props.block.xlabel}>
            {(label) => (
              <text
                class="graph-block__label"
                x={(BOX.left + BOX.width - BOX.right) / 2}
                y={BOX.height - 6}
                text-anchor="middle"
              >
                {label()}
              </text>
            )}
          </Show>
          <Show when={props.block.ylabel}>
            {(label) => (
              <text
                class="graph-block__label"
                transform={`translate(14 ${(BOX.top + BOX.height - BOX.bottom) / 2}) rotate(-90)`}
                text-anchor="middle"
              >
                {label()}
              </text>
            )}
          </Show>
        </svg>
      </Show>
      <figcaption class="graph-block__legend">
        <For each={geometry().series}>
          {(series, index) => (
            <a class="graph-block__key" href={`/bundles/${series.bundleUuid}`}>
              <span class="graph-block__swatch" style={{ background: colour(index()) }} aria-hidden="true" />
              {series.name}
              <Show when={series.points.length === 0}>
                <span class="muted"> (no data)</span>
              </Show>
            </a>
          )}
        </For>
      </figcaption>
    </figure>
  );
}
