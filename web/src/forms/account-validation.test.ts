import { describe, expect, it } from "vitest";
import {
  hasErrors,
  validateEmail,
  validateLogin,
  validatePassword,
  validatePasswordChange,
  validateSignup,
  validateUserName,
} from "./account-validation.ts";

describe("validateUserName", () => {
  it("accepts names that follow CodaLab's rule", () => {
    for (const name of ["ada", "_ada", "Ada.Lovelace-1_x", "  padded  "])
      expect(validateUserName(name)).toBeUndefined();
  });

  it("asks for a name when it is blank", () => {
    expect(validateUserName("   ")).toBe("Choose a user name.");
  });

  it("explains that a name must start with a letter or underscore", () => {
    expect(validateUserName("1ada")).toBe("A user name must start with a letter or _, not “1”.");
    expect(validateUserName("-ada")).toMatch(/not “-”/);
  });

  it("explains that spaces are not allowed and what to use instead", () => {
    expect(validateUserName("ada lovelace")).toBe("User names cannot contain spaces; use _, . or - instead.");
  });

  it("names the first character that is not allowed", () => {
    expect(validateUserName("ada@home")).toBe(
      "“@” is not allowed in a user name: use letters, digits, _, . and - only.",
    );
    expect(validateUserName("adé")).toMatch(/^“é”/);
  });

  it("refuses names longer than the API accepts", () => {
    expect(validateUserName("a".repeat(64))).toBeUndefined();
    expect(validateUserName("a".repeat(65))).toBe("Keep user names to 64 characters (this one has 65).");
  });
});

describe("validateEmail", () => {
  it("accepts anything shaped like name@host.tld", () => {
    expect(validateEmail(" ada@example.org ")).toBeUndefined();
  });

  it("asks for an address when blank and shows the expected shape otherwise", () => {
    expect(validateEmail("")).toBe("Enter your email address.");
    expect(validateEmail("ada@localhost")).toBe("Enter an email address like name@example.org.");
    expect(validateEmail("ada @example.org")).toMatch(/like name@example.org/);
  });

  it("refuses addresses longer than the API accepts", () => {
    expect(validateEmail(`${"a".repeat(250)}@b.org`)).toMatch(/at most 254/);
  });
});

describe("validatePassword", () => {
  it("accepts 8 or more characters, passphrases and non-ASCII included", () => {
    expect(validatePassword("correct-horse!")).toBeUndefined();
    expect(validatePassword("12345678")).toBeUndefined();
    expect(validatePassword("correct horse battery")).toBeUndefined();
    expect(validatePassword("pässwörd1")).toBeUndefined();
  });

  it("asks for a password when blank", () => {
    expect(validatePassword("")).toBe("Choose a password.");
  });

  it("says how short a password is", () => {
    expect(validatePassword("abc")).toBe("Use at least 8 characters (this one has 3).");
  });

  it("refuses passwords longer than the API accepts", () => {
    expect(validatePassword("x".repeat(1025))).toBe("Use at most 1024 characters.");
  });
});

describe("validateLogin", () => {
  it("asks for both fields and accepts any non-blank pair", () => {
    expect(validateLogin({ username: " ", password: "" })).toEqual({
      username: "Enter your user name or email address.",
      password: "Enter your password.",
    });
    expect(hasErrors(validateLogin({ username: "ada", password: "x" }))).toBe(false);
  });
});

describe("validateSignup", () => {
  const valid = {
    user_name: "ada",
    email: "ada@example.org",
    password: "analytical",
    confirm_password: "analytical",
    first_name: "",
    last_name: "",
    affiliation: "",
  };

  it("accepts a complete form with optional fields left empty", () => {
    expect(hasErrors(validateSignup(valid))).toBe(false);
  });

  it("asks to confirm the password and notices a mismatch", () => {
    expect(validateSignup({ ...valid, confirm_password: "" }).confirm_password).toBe(
      "Type the password again to confirm it.",
    );
    expect(validateSignup({ ...valid, confirm_password: "analyticaI" }).confirm_password).toBe(
      "The two passwords do not match.",
    );
  });

  it("caps the optional profile fields at the lengths the API accepts", () => {
    const errors = validateSignup({ ...valid, first_name: "x".repeat(101), affiliation: "y".repeat(256) });
    expect(errors.first_name).toBe("Keep this to 100 characters or fewer.");
    expect(errors.affiliation).toBe("Keep this to 255 characters or fewer.");
    expect(errors.last_name).toBeUndefined();
  });
});

describe("validatePasswordChange", () => {
  it("accepts a new, confirmed password", () => {
    const values = { current_password: "old-password", new_password: "new-password", confirm_password: "new-password" };
    expect(hasErrors(validatePasswordChange(values))).toBe(false);
  });

  it("asks for the current password", () => {
    const values = { current_password: "", new_password: "new-password", confirm_password: "new-password" };
    expect(validatePasswordChange(values).current_password).toBe("Enter your current password.");
  });

  it("refuses a new password equal to the current one", () => {
    const values = {
      current_password: "same-password",
      new_password: "same-password",
      confirm_password: "same-password",
    };
    expect(validatePasswordChange(values).new_password).toBe("Choose a password different from your current one.");
  });

  it("applies the password rule and the confirmation to the new password", () => {
    const errors = validatePasswordChange({ current_password: "x", new_password: "short", confirm_password: "" });
    expect(errors.new_password).toMatch(/at least 8/);
    expect(errors.confirm_password).toMatch(/again/);
  });
});
