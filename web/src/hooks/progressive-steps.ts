/** Rows drawn in the first frame: more than a tall screen holds. */
export const FIRST_ROWS = 60;
/** Rows added per animation frame afterwards. */
export const ROWS_PER_FRAME = 120;

/** The next number of items to draw, from `shown` of `total`. */
export function nextShownCount(shown: number, total: number): number {
  if (shown === 0) return Math.min(total, FIRST_ROWS);
  return Math.min(total, shown + ROWS_PER_FRAME);
}
