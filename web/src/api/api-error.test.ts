import { describe, expect, it } from "vitest";
import { ApiError, apiErrorFromResponse, codeForStatus, describeError, networkError } from "./api-error.ts";

describe("apiErrorFromResponse", () => {
  it("reads the code, message, request id and details of the error envelope", () => {
    const error = apiErrorFromResponse(409, "Conflict", {
      error: { code: "ALREADY_EXISTS", message: "user_name taken", requestId: "r-1", details: { field: "user_name" } },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 409,
      code: "ALREADY_EXISTS",
      message: "user_name taken",
      requestId: "r-1",
      details: { field: "user_name" },
    });
  });

  it("falls back to a code for the status when the envelope's code is unknown", () => {
    const error = apiErrorFromResponse(401, "Unauthorized", { error: { code: "WHO_KNOWS", message: "no" } });
    expect(error.code).toBe("UNAUTHENTICATED");
    expect(error.message).toBe("no");
  });

  it("explains a server failure that sent no envelope, naming the status", () => {
    const error = apiErrorFromResponse(502, "Bad Gateway", undefined);
    expect(error.code).toBe("INTERNAL");
    expect(error.message).toBe("The server had a problem (HTTP 502 Bad Gateway). Try again in a moment.");
    expect(error.requestId).toBeUndefined();
  });

  it("explains a refused request without an envelope or status text", () => {
    const error = apiErrorFromResponse(404, "", "<html>not found</html>");
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toBe("The request was refused (HTTP 404).");
  });

  it("ignores a blank message in the envelope", () => {
    const error = apiErrorFromResponse(400, "Bad Request", { error: { code: "BAD_REQUEST", message: "  " } });
    expect(error.message).toBe("The request was refused (HTTP 400 Bad Request).");
  });
});

describe("codeForStatus", () => {
  it("maps known statuses and treats unknown ones by class", () => {
    expect(codeForStatus(403)).toBe("FORBIDDEN");
    expect(codeForStatus(504)).toBe("GATEWAY_TIMEOUT");
    expect(codeForStatus(500)).toBe("INTERNAL");
    expect(codeForStatus(599)).toBe("INTERNAL");
    expect(codeForStatus(418)).toBe("BAD_REQUEST");
  });
});

describe("describeError", () => {
  it("shows an API error's own message and a generic one for anything else", () => {
    expect(describeError(networkError())).toMatch(/Could not reach the CodaLab server/);
    expect(describeError(new TypeError("x is undefined"))).toBe(
      "Something went wrong in the page. Reload it and try again.",
    );
  });
});
