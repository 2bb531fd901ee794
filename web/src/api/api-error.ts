import { CodalabError, type ErrorCode, isErrorCode } from "@codalab/core/errors";
import { isRecord } from "./is-record.ts";

export type ApiErrorInit = {
  /** HTTP status; 0 when no answer arrived (network down, server unreachable). */
  status: number;
  code: ErrorCode;
  message: string;
  requestId?: string | undefined;
  details?: unknown;
};

/** A failed API call, carrying the server's error code so the UI can decide what to show. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly requestId: string | undefined;
  readonly details: unknown;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.details = init.details;
  }
}

const CODE_FOR_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: "BAD_REQUEST",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  416: "RANGE_NOT_SATISFIABLE",
  503: "UNAVAILABLE",
  504: "GATEWAY_TIMEOUT",
};

/** The code to assume when an answer has no error envelope (a proxy's HTML page, an empty 502). */
export function codeForStatus(status: number): ErrorCode {
  return CODE_FOR_STATUS[status] ?? (status >= 500 ? "INTERNAL" : "BAD_REQUEST");
}

function fallbackMessage(status: number, statusText: string): string {
  const label = statusText ? `HTTP ${status} ${statusText}` : `HTTP ${status}`;
  return status >= 500
    ? `The server had a problem (${label}). Try again in a moment.`
    : `The request was refused (${label}).`;
}

/** Turns a non-2xx answer into an ApiError, reading `{error: {code, message, requestId}}` when present. */
export function apiErrorFromResponse(status: number, statusText: string, body: unknown): ApiError {
  const envelope = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const code = envelope && isErrorCode(envelope.code) ? envelope.code : codeForStatus(status);
  const message =
    envelope && typeof envelope.message === "string" && envelope.message.trim() !== ""
      ? envelope.message
      : fallbackMessage(status, statusText);
  const requestId = envelope && typeof envelope.requestId === "string" ? envelope.requestId : undefined;
  return new ApiError({ status, code, message, requestId, details: envelope?.details });
}

export function networkError(): ApiError {
  return new ApiError({
    status: 0,
    code: "UNAVAILABLE",
    message: "Could not reach the CodaLab server. Check your connection and try again.",
  });
}

/** For a 2xx answer whose body is not what the API promises: a server bug or a misrouted request. */
export function unexpectedResponse(status: number, what: string): ApiError {
  return new ApiError({ status, code: "INTERNAL", message: `The server sent an unexpected answer (${what}).` });
}

/** A message fit to show a person, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError || error instanceof CodalabError) return error.message;
  return "Something went wrong in the page. Reload it and try again.";
}
