export type DateFormatOptions = {
  /** Defaults to the browser's locale. */
  locale?: string;
  /** Defaults to the browser's time zone; tests pin it. */
  timeZone?: string;
};

/** "12 March 2025" (in the reader's locale) from unix seconds, or "unknown". */
export function formatDate(unixSeconds: number | null, options: DateFormatOptions = {}): string {
  return format(unixSeconds, { dateStyle: "long" }, options);
}

/** Date and time, for events such as the last sign-in. */
export function formatDateTime(unixSeconds: number | null, options: DateFormatOptions = {}): string {
  return format(unixSeconds, { dateStyle: "medium", timeStyle: "short" }, options);
}

function format(
  unixSeconds: number | null,
  style: Intl.DateTimeFormatOptions,
  { locale, timeZone }: DateFormatOptions,
): string {
  if (unixSeconds === null || !Number.isFinite(unixSeconds)) return "unknown";
  return new Intl.DateTimeFormat(locale, { ...style, timeZone }).format(new Date(unixSeconds * 1000));
}
