/** Pieces the worksheet routes share: the path parameter and the per-request contexts. */
import { BUNDLE_UUID_REGEX } from "@codalab/core";
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { permissionCaller } from "../../permissions/permission-caller.ts";
import type { SourceContext } from "../../worksheets/source-items.ts";
import { worksheetDataAccess } from "../../worksheets/worksheet-data-access.ts";
import { bundleStore } from "../bundles/bundle-route-params.ts";

export const WorksheetUuidParams = z.object({
  uuid: z
    .string()
    .regex(BUNDLE_UUID_REGEX, "must be a uuid: 0x followed by 32 lower-case hex digits")
    .openapi({ param: { name: "uuid", in: "path" }, example: `0x${"0".repeat(31)}1` }),
});

export function callerUserName(c: Context<AppEnv>): string | null {
  const caller = c.get("caller");
  return caller.kind === "user" ? caller.user.userName : null;
}

export async function sourceContext(c: Context<AppEnv>, worksheetUuid: string): Promise<SourceContext> {
  return { db: c.get("db"), caller: await permissionCaller(c), userName: callerUserName(c), worksheetUuid };
}

export async function dataAccess(c: Context<AppEnv>) {
  return worksheetDataAccess({ db: c.get("db"), env: c.env, store: bundleStore(c), caller: await permissionCaller(c) });
}
