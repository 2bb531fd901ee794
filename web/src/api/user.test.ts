import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error.ts";
import { displayName, initials, parseUser } from "./user.ts";

const wire = {
  id: "0",
  user_name: "codalab",
  email: "admin@localhost",
  first_name: "Ada",
  last_name: "Lovelace",
  affiliation: "",
  url: null,
  is_admin: true,
  date_joined: 1_700_000_000,
  last_login: null,
  time_quota: 31_536_000,
  time_used: 12.5,
  disk_quota: 1024 ** 4,
  disk_used: 2048,
  parallel_run_quota: 3,
};

describe("parseUser", () => {
  it("reads a user record as the API sends it, treating blank text as absent", () => {
    expect(parseUser(wire)).toEqual({ ...wire, affiliation: null });
  });

  it("accepts a numeric id and turns it into a string", () => {
    expect(parseUser({ ...wire, id: 7 }).id).toBe("7");
  });

  it("tolerates missing optional fields, leaving them null or false", () => {
    const user = parseUser({ id: "1", user_name: "bob" });
    expect(user).toMatchObject({ email: null, is_admin: false, disk_quota: null, date_joined: null });
  });

  it("treats quotas that are not finite numbers as unknown", () => {
    expect(parseUser({ ...wire, disk_quota: "1t", time_used: Number.NaN })).toMatchObject({
      disk_quota: null,
      time_used: null,
    });
  });

  it("refuses a record without an id or user name, and anything that is not an object", () => {
    expect(() => parseUser({ ...wire, user_name: "" })).toThrow(ApiError);
    expect(() => parseUser({ ...wire, id: undefined })).toThrow(/without id or user_name/);
    expect(() => parseUser(null)).toThrow(/no user record/);
    expect(() => parseUser([wire])).toThrow(ApiError);
  });
});

describe("displayName", () => {
  it("joins first and last names, or falls back to the user name", () => {
    expect(displayName({ user_name: "ada", first_name: "Ada", last_name: "Lovelace" })).toBe("Ada Lovelace");
    expect(displayName({ user_name: "ada", first_name: null, last_name: "Lovelace" })).toBe("Lovelace");
    expect(displayName({ user_name: "ada", first_name: null, last_name: null })).toBe("ada");
  });
});

describe("initials", () => {
  it("takes the first letters of the names", () => {
    expect(initials({ user_name: "x", first_name: "ada", last_name: "lovelace" })).toBe("AL");
    expect(initials({ user_name: "x", first_name: "Ada", last_name: null })).toBe("A");
  });

  it("uses the first two letters or digits of the user name when there are no names", () => {
    expect(initials({ user_name: "_j.doe", first_name: null, last_name: null })).toBe("JD");
  });

  it("still shows something for a user name made only of punctuation", () => {
    expect(initials({ user_name: "_", first_name: null, last_name: null })).toBe("_");
  });
});
