/**
 * Schemas: named lists of table columns (spec §5.3). The built-ins are CodaLab's; worksheets add
 * their own with `% schema` / `% add` / `% addschema`, visible to every later directive.
 */
import { CodalabError } from "../errors.ts";
import { isKnownPostProcessor } from "./post-process.ts";

/** A column of a schema: how to compute one table cell from a bundle. */
export interface SchemaColumn {
  name: string;
  genpath: string;
  post: string | null;
  /** The schema the column was defined in (`add`) or copied from (`addschema`); null for built-ins. */
  from_schema_name: string | null;
}

/**
 * `% add` argument forms: `<genpath>` (named after the path's basename, after its last `:`),
 * `<name> <genpath>`, `<name> <genpath> <post>`.
 */
export function schemaColumnFromArgs(args: readonly string[], fromSchemaName: string | null): SchemaColumn {
  const [first, second, third] = args;
  if (args.length === 1 && first !== undefined) {
    const base = first.slice(first.lastIndexOf("/") + 1);
    return {
      name: base.slice(base.lastIndexOf(":") + 1),
      genpath: first,
      post: null,
      from_schema_name: fromSchemaName,
    };
  }
  if (args.length === 2 && first !== undefined && second !== undefined) {
    return { name: first, genpath: second, post: null, from_schema_name: fromSchemaName };
  }
  if (args.length === 3 && first !== undefined && second !== undefined && third !== undefined) {
    return { name: first, genpath: second, post: third, from_schema_name: fromSchemaName };
  }
  throw new CodalabError(
    "VALIDATION_FAILED",
    `\`add\` takes 1 to 3 arguments (<genpath> | <name> <genpath> [<post-processor>]), got ${args.length}`,
  );
}

function column(name: string, genpath = name, post: string | null = null): SchemaColumn {
  return { name, genpath, post, from_schema_name: null };
}

const UUID = column("uuid", "uuid", "[0:8]");
const NAME = column("name");
const SUMMARY = column("summary", "summary", "[0:1024]");
const DATA_SIZE = column("data_size", "data_size", "size");
const TIME = column("time", "time", "duration");
const STATE = column("state");
const DESCRIPTION = column("description");
const CREATED = column("created", "created", "date");

const DEFAULT_COLUMNS = [UUID, NAME, SUMMARY, DATA_SIZE, STATE, DESCRIPTION];
const UPLOADED_COLUMNS = [UUID, NAME, DATA_SIZE, DESCRIPTION];

export const BUILTIN_SCHEMAS: Readonly<Record<string, readonly SchemaColumn[]>> = {
  uuid: [UUID],
  name: [NAME],
  summary: [SUMMARY],
  data_size: [DATA_SIZE],
  time: [TIME],
  state: [STATE],
  description: [DESCRIPTION],
  created: [CREATED],
  default: DEFAULT_COLUMNS,
  program: UPLOADED_COLUMNS,
  dataset: UPLOADED_COLUMNS,
  make: DEFAULT_COLUMNS,
  run: [UUID, NAME, SUMMARY, DATA_SIZE, TIME, STATE, DESCRIPTION],
};

/** A fresh, mutable copy of the built-ins for one interpretation. */
export function builtinSchemas(): Map<string, SchemaColumn[]> {
  return new Map(Object.entries(BUILTIN_SCHEMAS).map(([name, columns]) => [name, columns.map((c) => ({ ...c }))]));
}

/**
 * An argument of `% display table|record` that is not a schema name: an ad-hoc column
 * `name:genpath[:post]` (e.g. `owner:owner_name`, `year:created:date | [0:4]`).
 *
 * CodaLab split on the first two `:`, which broke file genpaths with a key (`acc:/stats.json:acc`).
 * Here a genpath starting with `/` keeps its `:key` unless what follows a later `:` is a valid
 * post-processor, and a bare file genpath (`/stats.json:acc`) is a one-column form named like `% add`.
 */
export function adHocColumn(arg: string): SchemaColumn {
  if (arg.startsWith("/")) return schemaColumnFromArgs([arg], null);
  const first = arg.indexOf(":");
  if (first === -1) return schemaColumnFromArgs([arg], null);
  const name = arg.slice(0, first);
  const rest = arg.slice(first + 1);
  if (rest.startsWith("/")) {
    for (let index = rest.indexOf(":"); index !== -1; index = rest.indexOf(":", index + 1)) {
      const post = rest.slice(index + 1);
      if (isKnownPostProcessor(post)) return column(name, rest.slice(0, index), post);
    }
    return column(name, rest);
  }
  const second = rest.indexOf(":");
  if (second === -1) return column(name, rest);
  return column(name, rest.slice(0, second), rest.slice(second + 1));
}

/** Columns for `% display table|record <args>`: schema names concatenate; other args are ad-hoc columns. */
export function resolveColumns(
  args: readonly string[],
  schemas: ReadonlyMap<string, readonly SchemaColumn[]>,
): SchemaColumn[] {
  const columns: SchemaColumn[] = [];
  for (const arg of args.length > 0 ? args : ["default"]) {
    const schema = schemas.get(arg);
    if (schema) columns.push(...schema);
    else columns.push(adHocColumn(arg));
  }
  return columns;
}
