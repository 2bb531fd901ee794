import { describe, expect, it } from "vitest";
import { selfUser } from "../testing/fake-instance.ts";
import { parseErrorBody, parseResponse, parseSelfUser, parseVersionInfo } from "./wire.ts";

describe("wire parsers", () => {
  it("accepts the API's user, turning a numeric id into text", () => {
    expect(parseSelfUser({ ...selfUser({ id: "u1", user_name: "alice" }) })).toMatchObject({ id: "u1" });
    expect(parseSelfUser({ ...selfUser({ id: "0", user_name: "root" }), id: 0 }).id).toBe("0");
  });

  it("names the field that does not fit", () => {
    const bad = { ...selfUser({ id: "u1", user_name: "alice" }), first_name: 3 };
    expect(() => parseResponse("GET /rest/user", bad, (value) => parseSelfUser(value))).toThrow(
      "unexpected response from GET /rest/user: user.first_name should be a string or null",
    );
    const noLogin = { ...selfUser({ id: "u1", user_name: "alice" }), last_login: "yesterday" };
    expect(() => parseSelfUser(noLogin)).toThrow("user.last_login should be a number or null");
    expect(() => parseSelfUser({ ...noLogin, last_login: null, is_admin: "no" })).toThrow(
      "user.is_admin should be true or false",
    );
    expect(() => parseVersionInfo([])).toThrow("response should be an object");
  });

  it("lets other errors through parseResponse untouched", () => {
    const boom = new RangeError("boom");
    expect(() =>
      parseResponse("x", {}, () => {
        throw boom;
      }),
    ).toThrow(boom);
  });

  it("reads the error envelope and ignores bodies that are not one", () => {
    expect(parseErrorBody({ error: { code: "FORBIDDEN", message: "no", requestId: "r1" } })).toMatchObject({
      code: "FORBIDDEN",
      message: "no",
      details: { requestId: "r1" },
    });
    expect(parseErrorBody({ error: { code: "NOT_A_CODE", message: "x" } })).toBeUndefined();
    expect(parseErrorBody({ error: "x" })).toBeUndefined();
    expect(parseErrorBody("x")).toBeUndefined();
  });
});
