/**
 * The one error contract. Domain code throws `CodalabError` with a code from this closed list;
 * the API renders `{error: {code, message, requestId}}` with the mapped HTTP status and the CLI
 * turns the code into a one-line message with a hint.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  INVALID_NAME: 400,
  INVALID_SPEC: 400,
  INVALID_PATH: 400,
  INVALID_ARCHIVE: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  STALE_VERSION: 409,
  AMBIGUOUS_SPEC: 409,
  INVALID_STATE: 409,
  FROZEN: 409,
  PAYLOAD_TOO_LARGE: 413,
  RANGE_NOT_SATISFIABLE: 416,
  QUOTA_EXCEEDED: 403,
  WORKER_TOKEN_NOT_ALLOWED: 403,
  /** The server could not download what it was asked to (`cl upload <URL>`): the remote answered badly. */
  DOWNLOAD_FAILED: 502,
  UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export type ErrorBody = {
  error: { code: ErrorCode; message: string; requestId?: string; details?: unknown };
};

export class CodalabError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "CodalabError";
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && value in ERROR_STATUS;
}

/** Codes after which a client should drop its tokens and ask the user to log in again. */
export const LOGIN_AGAIN_CODES: readonly ErrorCode[] = ["TOKEN_EXPIRED", "TOKEN_REVOKED", "UNAUTHENTICATED"];
