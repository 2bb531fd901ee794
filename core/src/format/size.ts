/** Byte sizes as CodaLab writes and reads them: `4.0k`, `3g`, `1.5t` (powers of 1024). */
import { CodalabError } from "../errors.ts";

const UNITS = ["", "k", "m", "g", "t", "p"] as const;

/** 4125 → "4.0k"; 0 → "0"; below 1024 plain bytes. One decimal below 100 units, like CodaLab. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const sign = bytes < 0 ? "-" : "";
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${sign}${Math.round(value)}`;
  const text = value < 100 ? value.toFixed(1) : String(Math.round(value));
  return `${sign}${text}${UNITS[unit]}`;
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
