import { type ErrorCode, NAME_RULE_TEXT } from "../core-light.ts";

const LOGIN_AGAIN = "run `cl login` to log in again";

/** How to fix a server error, by code; codes without an entry get no hint line. */
const HINTS: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: LOGIN_AGAIN,
  TOKEN_EXPIRED: LOGIN_AGAIN,
  TOKEN_REVOKED: LOGIN_AGAIN,
  INVALID_CREDENTIALS: "check the user name and password (CODALAB_USERNAME and CODALAB_PASSWORD, if set)",
  INVALID_NAME: `names ${NAME_RULE_TEXT}`,
  FORBIDDEN: "check that you are logged in as the right user (`cl status`) or ask the owner for access",
  ROUTE_NOT_FOUND: "the instance does not support this request: compare client and server versions with `cl status`",
  METHOD_NOT_ALLOWED: "the instance does not support this request: compare client and server versions with `cl status`",
  STALE_VERSION: "it was changed by someone else meanwhile: run the command again",
  DOWNLOAD_FAILED:
    "check that the URL downloads without logging in (e.g. with curl): the instance fetches it anonymously",
  QUOTA_EXCEEDED:
    "`cl uinfo` shows your usage: delete bundles you no longer need (`cl rm`) or ask an administrator of the instance to raise your quota",
  UNAVAILABLE: "the instance is busy or restarting: try again in a moment",
  GATEWAY_TIMEOUT: "the instance is busy or restarting: try again in a moment",
};

export function hintForCode(code: ErrorCode, requestId?: string): string | undefined {
  if (code === "INTERNAL") {
    const reference = requestId ? ` and mention request id ${requestId}` : "";
    return `this is a bug in the server: report it to the instance's administrators${reference}`;
  }
  return HINTS[code];
}
