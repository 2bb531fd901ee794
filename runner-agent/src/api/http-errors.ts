/** Turns a non-2xx answer of the API (`{error: {code, message}}`) into a CodalabError. */
import { CodalabError, type ErrorCode, isErrorCode } from "@codalab/core/errors";

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "FORBIDDEN";
  if (status === 404) return "NOT_FOUND";
  if (status === 409) return "CONFLICT";
  if (status === 413) return "PAYLOAD_TOO_LARGE";
  if (status === 416) return "RANGE_NOT_SATISFIABLE";
  if (status === 504) return "GATEWAY_TIMEOUT";
  if (status >= 500) return "UNAVAILABLE";
  return "BAD_REQUEST";
}

export async function readErrorResponse(response: Response, what: string): Promise<CodalabError> {
  const text = await response.text().catch(() => "");
  let code: ErrorCode = codeForStatus(response.status);
  let message = `${what} failed with HTTP ${response.status}`;
  try {
    const body: unknown = JSON.parse(text);
    const error = typeof body === "object" && body !== null ? Reflect.get(body, "error") : undefined;
    if (typeof error === "object" && error !== null) {
      const bodyCode = Reflect.get(error, "code");
      const bodyMessage = Reflect.get(error, "message");
      if (isErrorCode(bodyCode)) code = bodyCode;
      if (typeof bodyMessage === "string" && bodyMessage !== "") message = `${what}: ${bodyMessage}`;
    }
  } catch {
    if (text.trim() !== "") message += `: ${text.trim().slice(0, 200)}`;
  }
  const error = new CodalabError(code, message, { status: response.status });
  return error;
}

/** Server hiccups and lost connections are worth retrying; refusals are not. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof CodalabError)) return true;
  return error.code === "UNAVAILABLE" || error.code === "GATEWAY_TIMEOUT" || error.code === "INTERNAL";
}
