/**
 * Parsers for the `/rest/admin/*` answers. Unlike the everyday commands' hand-written parsers,
 * these use core's zod schemas: zod's load time (~100 ms) is paid only by the rarely run admin
 * commands, which import this module lazily like every command.
 */
import {
  DailyReportResponseSchema,
  DefaultQuotasResponseSchema,
  QueueResponseSchema,
  ReportListResponseSchema,
} from "@codalab/core/api/admin";
import type { z } from "zod";
import { ShapeError } from "../parse/json-fields.ts";

function parserOf<T extends z.ZodType>(schema: T): (value: unknown) => z.infer<T> {
  return (value) => {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    throw new ShapeError(
      ["response", ...(issue?.path ?? []).map(String)].join("."),
      issue?.message ?? "the API's shape",
    );
  };
}

export const parseReport = parserOf(DailyReportResponseSchema);
export const parseReportList = parserOf(ReportListResponseSchema);
export const parseQueue = parserOf(QueueResponseSchema);
export const parseDefaultQuotas = parserOf(DefaultQuotasResponseSchema);
