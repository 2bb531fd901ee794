import { NAME_REGEX } from "@codalab/core";

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

export const LOGIN_FIELDS = ["username", "password"] as const;
export type LoginField = (typeof LOGIN_FIELDS)[number];

export const SIGNUP_FIELDS = [
  "user_name",
  "email",
  "password",
  "confirm_password",
  "first_name",
  "last_name",
  "affiliation",
] as const;
export type SignupField = (typeof SIGNUP_FIELDS)[number];

export const PASSWORD_CHANGE_FIELDS = ["current_password", "new_password", "confirm_password"] as const;
export type PasswordChangeField = (typeof PASSWORD_CHANGE_FIELDS)[number];

/** CodaLab's rule (User.PASSWORD_MIN_LENGTH). */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;
/** Limits the API enforces (core/src/api/auth.ts); checked here so the message sits under the field. */
export const USER_NAME_MAX_LENGTH = 64;
export const EMAIL_MAX_LENGTH = 254;
export const NAME_MAX_LENGTH = 100;
export const AFFILIATION_MAX_LENGTH = 255;

/** CodaLab only checks that an address looks like `something@host.tld`; sending mail is the real test. */
const BASIC_EMAIL = /^\S+@\S+\.\S+$/;

export function hasErrors<F extends string>(errors: FieldErrors<F>): boolean {
  return Object.values(errors).some((message) => message !== undefined);
}

/** Explains which part of CodaLab's name rule a user name breaks. */
export function validateUserName(value: string): string | undefined {
  const name = value.trim();
  if (name === "") return "Choose a user name.";
  if (name.length > USER_NAME_MAX_LENGTH) {
    return `Keep user names to ${USER_NAME_MAX_LENGTH} characters (this one has ${name.length}).`;
  }
  if (NAME_REGEX.test(name)) return undefined;
  if (/\s/.test(name)) return "User names cannot contain spaces; use _, . or - instead.";
  const first = name.charAt(0);
  if (!/[a-zA-Z_]/.test(first)) return `A user name must start with a letter or _, not “${first}”.`;
  const bad = [...name].find((char) => !/[a-zA-Z0-9_.-]/.test(char)) ?? "";
  return `“${bad}” is not allowed in a user name: use letters, digits, _, . and - only.`;
}

export function validateEmail(value: string): string | undefined {
  const email = value.trim();
  if (email === "") return "Enter your email address.";
  if (!BASIC_EMAIL.test(email)) return "Enter an email address like name@example.org.";
  if (email.length > EMAIL_MAX_LENGTH) return `Email addresses can have at most ${EMAIL_MAX_LENGTH} characters.`;
  return undefined;
}

/** The API's password rule (core PasswordSchema): 8 to 1024 characters; passphrases with spaces are welcome. */
export function validatePassword(value: string): string | undefined {
  if (value === "") return "Choose a password.";
  if (value.length < PASSWORD_MIN_LENGTH) {
    return `Use at least ${PASSWORD_MIN_LENGTH} characters (this one has ${value.length}).`;
  }
  if (value.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  return undefined;
}

function validateConfirmation(password: string, confirmation: string): string | undefined {
  if (confirmation === "") return "Type the password again to confirm it.";
  if (confirmation !== password) return "The two passwords do not match.";
  return undefined;
}

function validateProfileText(value: string, maxLength: number): string | undefined {
  return value.trim().length > maxLength ? `Keep this to ${maxLength} characters or fewer.` : undefined;
}

export function validateLogin(values: Readonly<Record<LoginField, string>>): FieldErrors<LoginField> {
  return {
    username: values.username.trim() === "" ? "Enter your user name or email address." : undefined,
    password: values.password === "" ? "Enter your password." : undefined,
  };
}

export function validateSignup(values: Readonly<Record<SignupField, string>>): FieldErrors<SignupField> {
  return {
    user_name: validateUserName(values.user_name),
    email: validateEmail(values.email),
    password: validatePassword(values.password),
    confirm_password: validateConfirmation(values.password, values.confirm_password),
    first_name: validateProfileText(values.first_name, NAME_MAX_LENGTH),
    last_name: validateProfileText(values.last_name, NAME_MAX_LENGTH),
    affiliation: validateProfileText(values.affiliation, AFFILIATION_MAX_LENGTH),
  };
}

export function validatePasswordChange(
  values: Readonly<Record<PasswordChangeField, string>>,
): FieldErrors<PasswordChangeField> {
  const sameAsBefore = values.new_password !== "" && values.new_password === values.current_password;
  return {
    current_password: values.current_password === "" ? "Enter your current password." : undefined,
    new_password: sameAsBefore
      ? "Choose a password different from your current one."
      : validatePassword(values.new_password),
    confirm_password: validateConfirmation(values.new_password, values.confirm_password),
  };
}
