import { type Accessor, createSignal, onCleanup } from "solid-js";
import { nextShownCount } from "./progressive-steps.ts";

/**
 * How many of `total()` items to draw now: the first screenful at once, then more each animation
 * frame. A table of hundreds of rows then shows its top immediately instead of after the whole
 * table was laid out, and the page stays responsive while the rest arrives.
 */
export function progressiveCount(total: Accessor<number>): Accessor<number> {
  const [shown, setShown] = createSignal(nextShownCount(0, total()));
  let frame: number | undefined;
  const grow = () => {
    frame = undefined;
    const next = nextShownCount(shown(), total());
    setShown(next);
    if (next < total()) frame = requestAnimationFrame(grow);
  };
  if (shown() < total()) frame = requestAnimationFrame(grow);
  onCleanup(() => {
    if (frame !== undefined) cancelAnimationFrame(frame);
  });
  // Items added later (a live update with more rows) are drawn at once: the table is already on screen.
  return () => (frame === undefined ? total() : Math.min(shown(), total()));
}
