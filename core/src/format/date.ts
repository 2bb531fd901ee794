/** Unix seconds → "2015-09-17 11:17:20" (UTC), CodaLab's `date` post-processor format. */
export function formatDate(unixSeconds: number): string {
  const date = new Date(unixSeconds * 1000);
  if (Number.isNaN(date.getTime())) return String(unixSeconds);
  return date.toISOString().slice(0, 19).replace("T", " ");
}
