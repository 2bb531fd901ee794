/** True for plain JSON objects, the only shape the API wraps its answers in. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
