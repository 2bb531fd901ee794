import { describe, expect, it } from "vitest";
import type { WireUser } from "../api/user-wire.ts";
import { checkUserFields, userInfoLines, userTableLines } from "./user-lines.ts";

const DAY = Date.UTC(2024, 0, 2, 3, 4, 5) / 1000;
const publicView: WireUser = {
  id: "0xabc",
  user_name: "alice",
  fields: {
    id: "0xabc",
    user_name: "alice",
    first_name: "Alice",
    last_name: null,
    affiliation: "Lab",
    url: null,
    date_joined: DAY,
  },
};
const selfView: WireUser = {
  ...publicView,
  fields: {
    ...publicView.fields,
    email: "alice@example.org",
    is_verified: true,
    has_access: true,
    last_login: null,
    time_used: 1800,
    time_quota: 3600,
    disk_used: 512,
    disk_quota: 1024,
    parallel_run_quota: 3,
  },
};

describe("userInfoLines", () => {
  it("shows the public fields of another user, keys padded as CodaLab does", () => {
    const lines = userInfoLines(publicView);
    expect(lines[0]).toBe("id             : 0xabc");
    expect(lines).toContain("first_name     : Alice");
    expect(lines).toContain("last_name      : <none>");
    expect(lines.some((line) => line.startsWith("date_joined    : 2024-01-02"))).toBe(true);
    expect(lines.some((line) => /^(email|time|disk) /.test(line))).toBe(false);
  });

  it("shows private fields, with time and disk as used / quota, when the server sent them", () => {
    const lines = userInfoLines(selfView);
    expect(lines).toContain("email          : alice@example.org");
    expect(lines).toContain("is_verified    : True");
    expect(lines).toContain("time           : 30m / 1h (50.0%)");
    expect(lines).toContain("parallel_run_quota: 3");
  });

  it("prints only the values of -f fields, skipping private ones it did not get", () => {
    expect(userInfoLines(selfView, ["user_name", "email", "disk"])).toEqual([
      "alice",
      "alice@example.org",
      expect.stringMatching(/ \(50\.0%\)$/),
    ]);
    expect(userInfoLines(publicView, ["user_name", "email"])).toEqual(["alice"]);
  });

  it("refuses fields no user has, naming them", () => {
    expect(() => checkUserFields(["user_name", "password"])).toThrow(
      expect.objectContaining({ message: 'unknown user field "password"' }),
    );
  });
});

describe("userTableLines", () => {
  it("lists the public columns, and usage columns for an admin's view", () => {
    const [header] = userTableLines([publicView]);
    expect(header?.split(/\s+/)).toEqual(["user_name", "first_name", "last_name", "affiliation", "date_joined"]);
    const [adminHeader] = userTableLines([selfView]);
    expect(adminHeader?.split(/\s+/)).toEqual([
      "user_name",
      "first_name",
      "last_name",
      "affiliation",
      "date_joined",
      "last_login",
      "time",
      "disk",
      "parallel_run_quota",
    ]);
    expect(userTableLines([publicView], ["user_name", "affiliation"])).toEqual([
      "user_name  affiliation",
      "----------------------",
      "alice      Lab",
    ]);
  });
});
