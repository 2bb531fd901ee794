/** Durations as CodaLab writes and reads them: `1m1s`, `3h`, `2d`, `1y` (seconds). */
import { CodalabError } from "../errors.ts";

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 } as const;
type Unit = keyof typeof UNIT_SECONDS;
const DISPLAY_UNITS: readonly Unit[] = ["y", "d", "h", "m", "s"];

/** 61 → "1m1s"; 3600 → "1h"; fractions below a minute keep one decimal ("1.5s"). At most two units. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const sign = seconds < 0 ? "-" : "";
  let rest = Math.abs(seconds);
  if (rest < 60) {
    const text = Number.isInteger(rest) ? String(rest) : rest.toFixed(1);
    return `${sign}${text}s`;
  }
  rest = Math.round(rest);
  const parts: string[] = [];
  for (const unit of DISPLAY_UNITS) {
    const size = UNIT_SECONDS[unit];
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return sign + parts.join("");
}

/** "30", "30s", "3m", "1.5h", "2d", "1w", "1y", or a combination like "1h30m" → seconds. */
export function parseDuration(text: string): number {
  const source = String(text).trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(source)) return Number(source);
  const pattern = /(\d+(?:\.\d+)?)([smhdwy])/g;
  let total = 0;
  let consumed = 0;
  for (const match of source.matchAll(pattern)) {
    if (match.index !== consumed) break;
    total += Number(match[1]) * UNIT_SECONDS[match[2] as Unit];
    consumed += match[0].length;
  }
  if (source === "" || consumed !== source.length) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `invalid duration ${JSON.stringify(text)}: use a number with an optional unit s, m, h, d, w or y (e.g. 3h)`,
    );
  }
  return total;
}
