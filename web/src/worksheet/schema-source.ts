/**
 * The schema editor's rows back to worksheet source (spec §5.3): `% schema <name>`, then `% add`
 * per own row and one `% addschema` per run of rows copied from another schema. The editor then
 * replaces the schema's items with these lines.
 */
import type { SchemaFieldRow } from "@codalab/core/worksheet/blocks";
import { tokensToString } from "@codalab/core/worksheet/directive-tokens";

export type EditableField = { field: string; genpath: string; post: string };

/** Rows as the editor holds them: own rows editable, copied schemas as one `addschema` row each. */
export type SchemaRow = ({ kind: "add" } & EditableField) | { kind: "addschema"; schema: string };

export function rowsOfSchema(schemaName: string, fieldRows: readonly SchemaFieldRow[]): SchemaRow[] {
  const rows: SchemaRow[] = [];
  for (const row of fieldRows) {
    const from = row.from_schema_name;
    if (from !== null && from !== schemaName) {
      const last = rows[rows.length - 1];
      if (!(last?.kind === "addschema" && last.schema === from)) rows.push({ kind: "addschema", schema: from });
    } else {
      rows.push({ kind: "add", field: row.field, genpath: row.genpath, post: row.post_processor ?? "" });
    }
  }
  return rows;
}

/** Source lines; rows without a field or a path are dropped rather than saved broken. */
export function schemaSource(schemaName: string, rows: readonly SchemaRow[]): string {
  const lines = [`% ${tokensToString(["schema", schemaName])}`];
  for (const row of rows) {
    if (row.kind === "addschema") {
      if (row.schema.trim() !== "") lines.push(`% ${tokensToString(["addschema", row.schema.trim()])}`);
      continue;
    }
    const field = row.field.trim();
    const genpath = row.genpath.trim();
    if (field === "" || genpath === "") continue;
    const post = row.post.trim();
    lines.push(`% ${tokensToString(post === "" ? ["add", field, genpath] : ["add", field, genpath, post])}`);
  }
  return `${lines.join("\n")}\n`;
}
