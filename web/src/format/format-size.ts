const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] as const;

/**
 * A byte count for people: "0 B", "512 B", "1.5 KiB", "12 MiB", "1 TiB". Binary units, because
 * quotas are set in powers of 1024; one decimal below 10 so small values keep their precision.
 * (core's `formatSize` writes CodaLab's terse CLI form, "4.0k"; this one is for the web page.)
 */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "unknown";
  let value = bytes;
  let unit = 0;
  while (unit < UNITS.length - 1 && roundForDisplay(value) >= 1024) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 ? Math.round(value) : roundForDisplay(value);
  return `${shown} ${UNITS[unit] ?? "B"}`;
}

function roundForDisplay(value: number): number {
  return value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
}
