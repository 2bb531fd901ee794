/** ISO 8601 date-times in search keywords (`.before=2042-03-14`, `.after=2020-10-15T00:00:00-08`). */
import { CodalabError } from "../errors.ts";

const ISO_DATE_TIME =
  /^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?(?:[Tt ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * ISO 8601 (what Python's `dateutil.isoparse` takes: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`,
 * `YYYYMMDD`, optional `Thh[:mm[:ss[.fff]]]` and `Z`/`±hh[:mm]`) → unix seconds, rounded down.
 * Without a zone the time is UTC (CodaLab used the server's local zone). `what` names the
 * keyword in the error.
 */
export function parseIsoDateTime(text: string, what = "date"): number {
  const match = ISO_DATE_TIME.exec(text.trim());
  const fail = (): never => {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `${what}: cannot parse ${JSON.stringify(text)} as a date; use ISO 8601 such as 2024-03-14 or 2024-03-14T09:30:00Z`,
    );
  };
  if (!match) return fail();
  const [, year = "", month = "01", day = "01", hour = "00", minute = "00", second = "00", , zone] = match;
  const parts = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = parts;
  const millis = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(millis);
  // Date.UTC silently rolls over (Feb 30 → Mar 2); a round trip catches impossible dates.
  if (
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  ) {
    return fail();
  }
  return Math.floor(millis / 1000) - zoneOffsetSeconds(zone);
}

function zoneOffsetSeconds(zone: string | undefined): number {
  if (zone === undefined || zone === "Z" || zone === "z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 3600 + minutes * 60);
}
