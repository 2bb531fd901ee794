import { describe, expect, it } from "vitest";
import { ApiError } from "../api/api-error.ts";
import { fieldErrorsFromApiError, loginErrors, passwordChangeErrors, signupErrors } from "./server-errors.ts";

const aliases = { user_name: ["user_name", "user name", "username"], email: ["email"] } as const;

function apiError(status: number, code: ApiError["code"], message: string, details?: unknown): ApiError {
  return new ApiError({ status, code, message, details });
}

describe("fieldErrorsFromApiError", () => {
  it("reads a single named field from the details", () => {
    expect(fieldErrorsFromApiError(apiError(400, "VALIDATION_FAILED", "bad", { field: "email" }), aliases)).toEqual({
      email: "bad",
    });
    expect(
      fieldErrorsFromApiError(
        apiError(400, "VALIDATION_FAILED", "bad", { field: "USERNAME", message: "too long" }),
        aliases,
      ),
    ).toEqual({ user_name: "too long" });
  });

  it("reads the API's list of field messages, keeping the first per field", () => {
    const details = {
      fields: [
        { field: "user_name", message: "user_name must start with a letter" },
        { field: "user_name", message: "user_name is too long" },
        { field: "email", message: "email: Invalid email address" },
        { field: "nickname", message: "unknown" },
      ],
    };
    expect(fieldErrorsFromApiError(apiError(400, "VALIDATION_FAILED", "joined; messages", details), aliases)).toEqual({
      user_name: "user_name must start with a letter",
      email: "email: Invalid email address",
    });
  });

  it("reads per-field messages, zod's flattened field errors and zod issues", () => {
    expect(
      fieldErrorsFromApiError(
        apiError(400, "VALIDATION_FAILED", "bad", { fields: { email: "taken", other: "x" } }),
        aliases,
      ),
    ).toEqual({ email: "taken" });
    expect(
      fieldErrorsFromApiError(
        apiError(400, "VALIDATION_FAILED", "bad", { fieldErrors: { user_name: ["too long", "x"] } }),
        aliases,
      ),
    ).toEqual({ user_name: "too long" });
    const issues = [
      { path: ["user_name"], message: "first" },
      { path: ["user_name"], message: "second" },
      { path: "email", message: "" },
      "junk",
    ];
    expect(fieldErrorsFromApiError(apiError(400, "VALIDATION_FAILED", "bad", { issues }), aliases)).toEqual({
      user_name: "first",
      email: "bad",
    });
    expect(fieldErrorsFromApiError(apiError(400, "VALIDATION_FAILED", "bad", issues), aliases)).toEqual({
      user_name: "first",
      email: "bad",
    });
  });

  it("falls back to the field the message mentions first", () => {
    const error = apiError(400, "VALIDATION_FAILED", "email must be valid; user_name too");
    expect(fieldErrorsFromApiError(error, aliases)).toEqual({ email: "email must be valid; user_name too" });
  });

  it("names no field when neither details nor message mention one", () => {
    expect(fieldErrorsFromApiError(apiError(400, "BAD_REQUEST", "malformed JSON", { field: 3 }), aliases)).toEqual({});
  });
});

describe("signupErrors", () => {
  it("puts a taken user name under the user name field", () => {
    const error = apiError(409, "ALREADY_EXISTS", "user_name ada already exists");
    expect(signupErrors(error)).toEqual({ fields: { user_name: "This user name is taken. Choose another one." } });
  });

  it("puts a taken email under the email field, suggesting to sign in", () => {
    const error = apiError(409, "ALREADY_EXISTS", "already exists", { field: "email" });
    expect(signupErrors(error).fields.email).toMatch(/already exists\. Sign in instead/);
  });

  it("explains a clash it cannot place under the form", () => {
    expect(signupErrors(apiError(409, "CONFLICT", "duplicate key"))).toEqual({
      fields: {},
      form: "An account with this user name or email address already exists.",
    });
  });

  it("shows each field's message from the API's validation details under that field", () => {
    const error = apiError(
      400,
      "VALIDATION_FAILED",
      "email: Invalid email address; password must have at least 8 characters",
      {
        fields: [
          { field: "email", message: "email: Invalid email address" },
          { field: "password", message: "password must have at least 8 characters" },
        ],
      },
    );
    expect(signupErrors(error)).toEqual({
      fields: { email: "email: Invalid email address", password: "password must have at least 8 characters" },
    });
  });

  it("shows a validation message under the field it names", () => {
    const error = apiError(400, "VALIDATION_FAILED", "password must have at least 8 characters");
    expect(signupErrors(error)).toEqual({ fields: { password: "password must have at least 8 characters" } });
  });

  it("puts an unplaced invalid-name error under the user name", () => {
    expect(signupErrors(apiError(400, "INVALID_NAME", "must start with a letter"))).toEqual({
      fields: { user_name: "must start with a letter" },
    });
  });

  it("shows other failures under the form", () => {
    expect(signupErrors(apiError(503, "UNAVAILABLE", "down for maintenance"))).toEqual({
      fields: {},
      form: "down for maintenance",
    });
    expect(signupErrors(new Error("bug")).form).toMatch(/Something went wrong/);
  });
});

describe("loginErrors", () => {
  it("says the credentials do not match without revealing which one is wrong", () => {
    expect(loginErrors(apiError(401, "INVALID_CREDENTIALS", "invalid credentials")).form).toBe(
      "That user name or email and password do not match an account. Check them and try again.",
    );
  });

  it("passes other API messages through", () => {
    expect(loginErrors(apiError(0, "UNAVAILABLE", "Could not reach the server"))).toEqual({
      fields: {},
      form: "Could not reach the server",
    });
  });
});

describe("passwordChangeErrors", () => {
  it("puts a wrong current password under that field", () => {
    expect(passwordChangeErrors(apiError(401, "INVALID_CREDENTIALS", "wrong"))).toEqual({
      fields: { current_password: "That is not your current password." },
    });
  });

  it("asks to sign in again when the session is gone", () => {
    expect(passwordChangeErrors(apiError(401, "UNAUTHENTICATED", "no session")).form).toMatch(/Sign in again/);
  });

  it("places a rejected new password under the new password field", () => {
    expect(
      passwordChangeErrors(apiError(400, "VALIDATION_FAILED", "new_password must have at least 8 characters")),
    ).toEqual({
      fields: { new_password: "new_password must have at least 8 characters" },
    });
    expect(passwordChangeErrors(apiError(400, "VALIDATION_FAILED", "current password is required")).fields).toEqual({
      current_password: "current password is required",
    });
  });

  it("shows other failures under the form", () => {
    expect(passwordChangeErrors(apiError(400, "BAD_REQUEST", "malformed"))).toEqual({ fields: {}, form: "malformed" });
    expect(passwordChangeErrors(apiError(500, "INTERNAL", "boom"))).toEqual({ fields: {}, form: "boom" });
    expect(passwordChangeErrors("weird").form).toMatch(/Something went wrong/);
  });
});
