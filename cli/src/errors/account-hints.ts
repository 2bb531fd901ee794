/**
 * Hints for the group, permission and user commands: what to do when a user or group does not
 * exist, the owner rules of groups, and bad values. The server marks which kind of thing was not
 * found in the error's details; codes with a generic hint (FORBIDDEN, …) keep it.
 */
import type { CodalabError } from "../core-light.ts";
import { withHint } from "./with-hint.ts";

function notFoundKind(error: CodalabError): unknown {
  const outer = error.details;
  if (typeof outer !== "object" || outer === null || !("details" in outer)) return undefined;
  const inner = outer.details;
  return typeof inner === "object" && inner !== null && "kind" in inner ? inner.kind : undefined;
}

export function accountHint(command: string, error: CodalabError): string | undefined {
  switch (error.code) {
    case "NOT_FOUND": {
      const kind = notFoundKind(error);
      if (kind === "user") return "give an existing user name or id: search with `cl uls <part of the name>`";
      if (kind === "group") return "list the groups you are in with `cl gls`";
      if (kind === "membership") return "see who is in the group with `cl ginfo <group>`";
      return undefined;
    }
    case "AMBIGUOUS_SPEC":
      return "give more of the uuid, or the group's name";
    case "CONFLICT":
      return "the owner of a group always stays in it as an admin; to end the group, delete it with `cl grm`";
    case "VALIDATION_FAILED":
    case "ALREADY_EXISTS":
      return `see \`cl help ${command}\``;
    default:
      return undefined;
  }
}

/** Runs a command's requests, giving their failures the hints above. */
export async function withAccountHints<T>(command: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw withHint(error, (failure) => accountHint(command, failure));
  }
}
