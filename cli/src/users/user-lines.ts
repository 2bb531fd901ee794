/**
 * The text of `cl uinfo` and `cl uls` (CodaLab's print_user_info and uls_print_table): private
 * fields appear only when the server sent them (yourself, or an admin asking); `time` and `disk`
 * are `used / quota (percent)`; dates are rendered.
 */
import { formatDate } from "@codalab/core/format/date";
import { formatDuration } from "@codalab/core/format/duration";
import { formatSize } from "@codalab/core/format/size";
import type { JsonValue } from "@codalab/core/worksheet/json-value";
import type { WireUser } from "../api/user-wire.ts";
import { pythonStr } from "../bundles/info-lines.ts";
import { usageError } from "../errors/cli-error.ts";
import { renderTable } from "../output/table.ts";

export const USER_INFO_FIELDS = [
  "id",
  "user_name",
  "is_verified",
  "has_access",
  "first_name",
  "last_name",
  "affiliation",
  "url",
  "date_joined",
  "last_login",
  "email",
  "time",
  "disk",
  "parallel_run_quota",
] as const;
/** Fields only the user themselves and admins receive: missing ones are skipped, not errors. */
const PRIVATE_FIELDS = new Set([
  "is_verified",
  "has_access",
  "last_login",
  "email",
  "time",
  "disk",
  "parallel_run_quota",
  "is_admin",
  "time_used",
  "time_quota",
  "disk_used",
  "disk_quota",
]);
const KNOWN_FIELDS = new Set<string>([...USER_INFO_FIELDS, ...PRIVATE_FIELDS]);
const DATE_FIELDS = new Set(["date_joined", "last_login"]);

export const DEFAULT_USER_COLUMNS = ["user_name", "first_name", "last_name", "affiliation", "date_joined"] as const;
const ADMIN_USER_COLUMNS = ["last_login", "time", "disk", "parallel_run_quota"] as const;

function ratio(format: (value: number) => string, used: unknown, quota: unknown): string | undefined {
  if (typeof used !== "number" || typeof quota !== "number") return undefined;
  const percent = quota === 0 ? 100 : (100 * used) / quota;
  return `${format(used)} / ${format(quota)} (${percent.toFixed(1)}%)`;
}

/** The text of one field, or undefined when the server did not send it. */
export function userFieldText(user: WireUser, field: string): string | undefined {
  const { fields } = user;
  if (field === "time") return ratio(formatDuration, fields.time_used, fields.time_quota);
  if (field === "disk") return ratio(formatSize, fields.disk_used, fields.disk_quota);
  if (!Object.hasOwn(fields, field)) return undefined;
  const value = fields[field] as JsonValue;
  if (value === null) return "<none>";
  if (DATE_FIELDS.has(field) && typeof value === "number") return formatDate(value);
  return pythonStr(value);
}

export function checkUserFields(fields: readonly string[]): void {
  const unknown = fields.filter((field) => !KNOWN_FIELDS.has(field));
  if (unknown.length > 0) {
    throw usageError(
      `unknown user field ${unknown.map((field) => JSON.stringify(field)).join(", ")}`,
      `use ${[...KNOWN_FIELDS].join(", ")}`,
    );
  }
}

/** `key: value` lines (keys padded to 15), or with `fields` (-f) just the values, one per line. */
export function userInfoLines(user: WireUser, fields?: readonly string[]): string[] {
  const lines: string[] = [];
  for (const field of fields ?? USER_INFO_FIELDS) {
    const text = userFieldText(user, field);
    if (text === undefined) continue;
    lines.push(fields ? text : `${field.padEnd(15)}: ${text}`);
  }
  return lines;
}

/** The `cl uls` table: admins (who receive last_login) also see usage columns unless -f chose them. */
export function userTableLines(users: readonly WireUser[], fields?: readonly string[]): string[] {
  const adminView = users[0] !== undefined && Object.hasOwn(users[0].fields, "last_login");
  const columns = fields ?? [...DEFAULT_USER_COLUMNS, ...(adminView ? ADMIN_USER_COLUMNS : [])];
  const rows = users.map((user) =>
    Object.fromEntries(columns.map((column) => [column, userFieldText(user, column) ?? ""])),
  );
  return renderTable(columns, rows);
}
