/**
 * Small checks for JSON read at the CLI's boundaries (state files, server responses). zod would
 * do this, but loading it costs ~100 ms per `cl` invocation; these shapes are small.
 */
export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Thrown with the dotted path of the first field that does not fit. */
export class ShapeError extends Error {
  readonly path: string;

  constructor(path: string, expected: string) {
    super(`${path} should be ${expected}`);
    this.name = "ShapeError";
    this.path = path;
  }
}

export function recordAt(value: unknown, path: string): JsonRecord {
  if (!isRecord(value)) throw new ShapeError(path, "an object");
  return value;
}

export function stringAt(record: JsonRecord, key: string, path: string): string {
  const value = record[key];
  if (typeof value !== "string") throw new ShapeError(`${path}.${key}`, "a string");
  return value;
}

export function numberAt(record: JsonRecord, key: string, path: string): number {
  const value = record[key];
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ShapeError(`${path}.${key}`, "a number");
  return value;
}

export function booleanAt(record: JsonRecord, key: string, path: string): boolean {
  const value = record[key];
  if (typeof value !== "boolean") throw new ShapeError(`${path}.${key}`, "true or false");
  return value;
}

export function nullableStringAt(record: JsonRecord, key: string, path: string): string | null {
  const value = record[key];
  if (value === null || value === undefined) return null;
  if (typeof value !== "string") throw new ShapeError(`${path}.${key}`, "a string or null");
  return value;
}

export function nullableNumberAt(record: JsonRecord, key: string, path: string): number | null {
  const value = record[key];
  if (value === null || value === undefined) return null;
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ShapeError(`${path}.${key}`, "a number or null");
  return value;
}
