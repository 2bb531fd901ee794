import { ApiError, describeError } from "../api/api-error.ts";
import { isRecord } from "../api/is-record.ts";
import type { FieldErrors, LoginField, PasswordChangeField, SignupField } from "./account-validation.ts";

/** What a failed submit shows: messages under named fields and/or one under the form. */
export type FormErrors<F extends string> = { fields: FieldErrors<F>; form?: string };

/** Words by which a server message or error detail may name each field. */
export type FieldAliases<F extends string> = Readonly<Record<F, readonly string[]>>;

const SIGNUP_ALIASES: FieldAliases<SignupField> = {
  user_name: ["user_name", "user name", "username"],
  email: ["email", "e-mail"],
  password: ["password"],
  confirm_password: ["confirm_password"],
  first_name: ["first_name", "first name"],
  last_name: ["last_name", "last name"],
  affiliation: ["affiliation"],
};

const PASSWORD_CHANGE_ALIASES: FieldAliases<PasswordChangeField> = {
  current_password: ["current_password", "current password", "old password"],
  new_password: ["new_password", "new password", "password"],
  confirm_password: ["confirm_password"],
};

function fieldNamed<F extends string>(name: unknown, aliases: FieldAliases<F>): F | undefined {
  if (typeof name !== "string") return undefined;
  const wanted = name.toLowerCase();
  return (Object.keys(aliases) as F[]).find((field) => field === wanted || aliases[field].includes(wanted));
}

function firstMessage(value: unknown, fallback: string): string {
  if (typeof value === "string" && value !== "") return value;
  if (Array.isArray(value) && typeof value[0] === "string" && value[0] !== "") return value[0];
  return fallback;
}

/**
 * Reads which fields an error's `details` blame. Accepts what our API sends (`{field}` with a 409,
 * `{fields: [{field, message}]}` with a 400) and the other shapes a validating server tends to
 * send: `{fields: {name: message}}`, zod's `{fieldErrors: {name: [message]}}` and zod issues
 * (`[{path: [name], message}]`, bare or under `issues`).
 */
function fieldsFromDetails<F extends string>(
  details: unknown,
  aliases: FieldAliases<F>,
  fallback: string,
): FieldErrors<F> {
  const found: FieldErrors<F> = {};
  const record = isRecord(details) ? details : undefined;
  const lists = [Array.isArray(details) ? details : record?.issues, record?.fields];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const issue of list) {
      if (!isRecord(issue)) continue;
      const name = issue.field ?? (Array.isArray(issue.path) ? issue.path[0] : issue.path);
      const field = fieldNamed(name, aliases);
      if (field && found[field] === undefined) found[field] = firstMessage(issue.message, fallback);
    }
  }
  if (record === undefined) return found;
  const field = fieldNamed(record.field, aliases);
  if (field) found[field] = firstMessage(record.message, fallback);
  const perField = isRecord(record.fields) ? record.fields : record.fieldErrors;
  if (isRecord(perField)) {
    for (const [name, message] of Object.entries(perField)) {
      const named = fieldNamed(name, aliases);
      if (named) found[named] = firstMessage(message, fallback);
    }
  }
  return found;
}

/** The field whose name appears first in a message such as "email is already registered". */
function fieldInMessage<F extends string>(message: string, aliases: FieldAliases<F>): F | undefined {
  const text = message.toLowerCase();
  let best: { field: F; at: number } | undefined;
  for (const field of Object.keys(aliases) as F[]) {
    for (const alias of aliases[field]) {
      const at = text.indexOf(alias);
      if (at !== -1 && (best === undefined || at < best.at)) best = { field, at };
    }
  }
  return best?.field;
}

/** Fields an API error blames, from its details or else from its message; empty when it names none. */
export function fieldErrorsFromApiError<F extends string>(error: ApiError, aliases: FieldAliases<F>): FieldErrors<F> {
  const fromDetails = fieldsFromDetails(error.details, aliases, error.message);
  if (Object.keys(fromDetails).length > 0) return fromDetails;
  const field = fieldInMessage(error.message, aliases);
  return field ? ({ [field]: error.message } as FieldErrors<F>) : {};
}

export function loginErrors(error: unknown): FormErrors<LoginField> {
  if (error instanceof ApiError && error.code === "INVALID_CREDENTIALS") {
    return {
      fields: {},
      form: "That user name or email and password do not match an account. Check them and try again.",
    };
  }
  return { fields: {}, form: describeError(error) };
}

export function signupErrors(error: unknown): FormErrors<SignupField> {
  if (!(error instanceof ApiError)) return { fields: {}, form: describeError(error) };
  const fields = error.status === 400 || error.status === 409 ? fieldErrorsFromApiError(error, SIGNUP_ALIASES) : {};
  if (error.code === "ALREADY_EXISTS" || error.code === "CONFLICT") {
    // A clash is about one of the two unique columns; say what to do about it rather than echo the server.
    if (fields.email !== undefined) {
      return {
        fields: { email: "An account with this email address already exists. Sign in instead, or use another one." },
      };
    }
    if (fields.user_name !== undefined) {
      return { fields: { user_name: "This user name is taken. Choose another one." } };
    }
    return { fields: {}, form: "An account with this user name or email address already exists." };
  }
  if (Object.keys(fields).length > 0) return { fields };
  if (error.code === "INVALID_NAME") return { fields: { user_name: error.message } };
  return { fields: {}, form: error.message };
}

export function passwordChangeErrors(error: unknown): FormErrors<PasswordChangeField> {
  if (!(error instanceof ApiError)) return { fields: {}, form: describeError(error) };
  if (error.code === "INVALID_CREDENTIALS") {
    return { fields: { current_password: "That is not your current password." } };
  }
  if (error.status === 401) {
    return { fields: {}, form: "Your session has ended. Sign in again to change your password." };
  }
  const fields = error.status === 400 ? fieldErrorsFromApiError(error, PASSWORD_CHANGE_ALIASES) : {};
  return Object.keys(fields).length > 0 ? { fields } : { fields: {}, form: error.message };
}
