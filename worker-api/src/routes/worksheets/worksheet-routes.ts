/** Every worksheet endpoint (docs/design/worksheets-api.md), in the order they are registered. */
import type { App } from "../../http/app-type.ts";
import { registerCreateWorksheet } from "./create-worksheet.ts";
import { registerDeleteWorksheets } from "./delete-worksheets.ts";
import { registerGetWorksheet } from "./get-worksheet.ts";
import { registerInterpretation } from "./interpretation.ts";
import { registerListWorksheets } from "./list-worksheets.ts";
import { registerUpdateWorksheet } from "./update-worksheet.ts";
import { registerWorksheetItems } from "./worksheet-items.ts";
import { registerWorksheetSource } from "./worksheet-source.ts";

export const worksheetRoutes: ((app: App) => void)[] = [
  registerCreateWorksheet,
  registerDeleteWorksheets,
  registerListWorksheets,
  registerGetWorksheet,
  registerUpdateWorksheet,
  registerWorksheetSource,
  registerWorksheetItems,
  registerInterpretation,
];
