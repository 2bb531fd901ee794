/**
 * Which worksheet a command acts on (spec §1.2, §4.2), for every command that adds to or reads a
 * worksheet (`cl upload`, `cl run`, `cl make`, `cl add`, `cl ls`, …):
 *   - no spec: the session's current worksheet on its current instance, or the user's home
 *     worksheet `home-<user>` when none was chosen (the server creates it on first use);
 *   - `<alias>::` the home worksheet of that instance, `<alias>::<spec>` a worksheet there;
 *   - anything else a worksheet spec on the current instance (`.` is the current worksheet).
 */
import type { ApiClient } from "../api/api-client.ts";
import { parseResponse } from "../api/wire.ts";
import {
  parseWorksheetList,
  parseWorksheetWithItems,
  type WireWorksheet,
  type WorksheetWithItems,
} from "../api/worksheet-wire.ts";
import type { ClContext } from "../context.ts";
import { CodalabError } from "../core-light.ts";
import { normalizeAddress, splitInstanceSpec } from "../state/instance-address.ts";

export type WorksheetTarget = { client: ApiClient; uuid: string };

/** `GET /rest/worksheets?specs=…` → the worksheet (`/` is the home worksheet, `.` is `base`). */
async function resolveOn(client: ApiClient, spec: string, base: string | undefined): Promise<WireWorksheet> {
  const body = await client.get("/rest/worksheets", { query: { specs: [spec], base } });
  const [worksheet] = parseResponse("GET /rest/worksheets", body, parseWorksheetList);
  if (worksheet === undefined) throw new CodalabError("INTERNAL", `the instance resolved no worksheet for ${spec}`);
  return worksheet;
}

/** The worksheet `spec` names, or the current one without a spec, with its metadata (one request). */
export async function resolveWorksheet(
  ctx: ClContext,
  spec?: string,
): Promise<{ client: ApiClient; worksheet: WireWorksheet }> {
  const session = await ctx.session.current();
  const current = ctx.client(normalizeAddress(session.address));
  if (spec === undefined || spec === "" || spec === ".") {
    return { client: current, worksheet: await resolveOn(current, session.worksheet_uuid ?? "/", undefined) };
  }
  const { instance, rest } = splitInstanceSpec(spec);
  if (instance !== undefined) {
    const client = ctx.client(await ctx.resolveInstance(instance));
    return { client, worksheet: await resolveOn(client, rest === "" ? "/" : rest, undefined) };
  }
  return { client: current, worksheet: await resolveOn(current, spec, session.worksheet_uuid) };
}

/**
 * The worksheet `spec` names (`-w`, `--dest-worksheet`, a positional spec), or without a spec the
 * current one. This is what `cl upload`, `cl run` and `cl make` pass as `worksheet_uuid`; it asks
 * the server only when there is a spec or no current worksheet yet (then: the home worksheet).
 */
export async function worksheetTarget(ctx: ClContext, spec?: string): Promise<WorksheetTarget> {
  if (spec === undefined || spec === "" || spec === ".") {
    const session = await ctx.session.current();
    if (session.worksheet_uuid) {
      return { client: ctx.client(normalizeAddress(session.address)), uuid: session.worksheet_uuid };
    }
  }
  const { client, worksheet } = await resolveWorksheet(ctx, spec);
  return { client, uuid: worksheet.uuid };
}

/** The worksheet and its items; `include: ["bundles"]` adds the readable bundles the items name. */
export async function fetchWorksheet(
  client: ApiClient,
  uuid: string,
  include: readonly ("bundles" | "subworksheets")[] = [],
): Promise<WorksheetWithItems> {
  const query = { include: include.length > 0 ? include.join(",") : undefined };
  const body = await client.get(`/rest/worksheets/${uuid}`, { query });
  return parseResponse(`GET /rest/worksheets/${uuid}`, body, parseWorksheetWithItems);
}

/** `<address>/worksheets/<uuid> (<name>)`, as CodaLab's `cl work`, `cl ls` and `cl print` show a worksheet. */
export function worksheetUrlAndName(client: ApiClient, worksheet: { uuid: string; name: string }): string {
  return `${client.address}/worksheets/${worksheet.uuid} (${worksheet.name})`;
}
