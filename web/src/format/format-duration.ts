/** Seconds per unit, largest first; a year is 365 days, as CodaLab's quotas count it. */
const UNITS = [
  ["y", 365 * 24 * 3600],
  ["d", 24 * 3600],
  ["h", 3600],
  ["m", 60],
  ["s", 1],
] as const;

/**
 * A duration for people: the largest unit and the one after it, "1y", "2d 4h", "3h 12m", "45s".
 * Rounds down, so time used is never shown as more than it is. (core's `formatDuration` writes
 * CodaLab's CLI form, "1m1s"; this one is for the web page.)
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "unknown";
  if (seconds === 0) return "0s";
  const whole = Math.floor(seconds);
  const index = UNITS.findIndex(([, size]) => whole >= size);
  const major = UNITS[index];
  if (major === undefined) return "<1s";
  const [unit, size] = major;
  const amount = Math.floor(whole / size);
  const minor = UNITS[index + 1];
  const minorAmount = minor === undefined ? 0 : Math.floor((whole - amount * size) / minor[1]);
  return minor === undefined || minorAmount === 0 ? `${amount}${unit}` : `${amount}${unit} ${minorAmount}${minor[0]}`;
}
