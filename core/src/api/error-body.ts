import { z } from "zod";
import { ERROR_CODES, type ErrorCode } from "../errors.ts";

/** The error envelope every API error uses (style.md habit 4). */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    requestId: z.string().optional(),
    details: z.unknown().optional(),
  }),
});
