/** Byte sizes as CodaLab writes and reads them: `4.0k`, `3g`, `1.5t` (powers of 1024). */
import { CodalabError } from "../errors.ts";

const UNITS = ["", "k", "m", "g", "t", "p"] as const;

/**
 * CodaLab's size_str: 4125 → "4.0k", 1024 → "1k", 500 → "500". One decimal only for a
 * fractional value below 100 units.
 */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const sign = bytes < 0 ? "-" : "";
  let value = Math.abs(bytes);
  for (const unit of UNITS) {
    if (value < 100 && value !== Math.trunc(value)) return `${sign}${value.toFixed(1)}${unit}`;
    if (value < 1024 || unit === UNITS[UNITS.length - 1]) return `${sign}${Math.trunc(value)}${unit}`;
    value /= 1024;
  }
  return `${sign}${Math.trunc(value)}`;
}

/** "3", "3k", "2.5g", "10 MiB", "1GB" → bytes. Throws VALIDATION_FAILED otherwise. */
export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$/i.exec(String(text));
  if (!match) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `invalid size ${JSON.stringify(text)}: use a number with an optional unit k, m, g or t (e.g. 2g)`,
    );
  }
  const unit = UNITS.indexOf((match[2] ?? "").toLowerCase() as (typeof UNITS)[number]);
  return Math.round(Number(match[1]) * 1024 ** unit);
}
