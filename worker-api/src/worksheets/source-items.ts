/**
 * Markdown source → items to store (spec §5.2): core parses the lines; here the specs in them are
 * resolved for the caller. Bundle lines are resolved against the worksheet being edited, as it is
 * before the change (`name`, `name^N`, `^N`, `ws//name`, uuid prefixes); one that resolves to
 * nothing or to several bundles refuses the change, naming the line. A sub-worksheet line that
 * cannot be resolved becomes a markup line carrying the error, as CodaLab does.
 */
import {
  CodalabError,
  itemsFromParsedLines,
  type NewWorksheetItem,
  type ParsedLine,
  type PermissionCaller,
  parseBundleSpec,
  parseSource,
  parseWorksheetSpec,
  resolveBundleSpec,
  resolveWorksheetRef,
} from "@codalab/core";
import { bundleSpecResolver, worksheetSpecResolver } from "../bundles/bundle-spec-resolver.ts";
import type { Db } from "../db/client.ts";

/** Lookups in flight at once: a source of names (not uuids) should not open hundreds of queries. */
const RESOLVE_CONCURRENCY = 8;

export type SourceContext = {
  db: Db;
  caller: PermissionCaller;
  userName: string | null;
  /** The worksheet being edited: the base for names and `^N`. */
  worksheetUuid: string;
};

async function mapConcurrently<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

function onLine(line: ParsedLine, error: unknown): unknown {
  if (!(error instanceof CodalabError)) return error;
  return new CodalabError(error.code, `line ${line.line} (${line.text.trim()}): ${error.message}`, {
    line: line.line,
  });
}

export async function resolveSourceLines(
  context: SourceContext,
  lines: readonly ParsedLine[],
): Promise<NewWorksheetItem[]> {
  const { db, caller, userName, worksheetUuid } = context;
  const bundleResolver = bundleSpecResolver(db, caller, userName);
  const worksheetResolver = worksheetSpecResolver(db, caller, userName);
  const bundles = new Map<number, string>();
  const worksheets = new Map<number, string | { error: string }>();
  const specLines = lines.filter((line) => line.type === "bundle" || line.type === "worksheet");
  await mapConcurrently(specLines, RESOLVE_CONCURRENCY, async (line) => {
    if (line.type === "bundle") {
      try {
        bundles.set(line.line, await resolveBundleSpec(parseBundleSpec(line.spec), bundleResolver, worksheetUuid));
      } catch (error) {
        throw onLine(line, error);
      }
    } else if (line.type === "worksheet") {
      try {
        const spec = parseWorksheetSpec(line.spec);
        if (spec.instance !== null)
          throw new CodalabError("INVALID_SPEC", "only worksheets of this instance can be embedded");
        worksheets.set(line.line, await resolveWorksheetRef(spec.ref, worksheetResolver, worksheetUuid));
      } catch (error) {
        if (!(error instanceof CodalabError)) throw error;
        worksheets.set(line.line, { error: error.message });
      }
    }
  });
  return itemsFromParsedLines(lines, { bundles, worksheets });
}

export function sourceItems(context: SourceContext, text: string): Promise<NewWorksheetItem[]> {
  return resolveSourceLines(context, parseSource(text));
}
