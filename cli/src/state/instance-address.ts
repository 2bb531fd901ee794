import { usageError } from "../errors/cli-error.ts";

/** Separates an instance from a worksheet in specs like `localhost::home-alice` (spec §4.2). */
export const INSTANCE_SEPARATOR = "::";

/** Validates and normalises an instance address: http(s) only, no trailing slash, no query. */
export function normalizeAddress(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`"${raw}" is not a valid address`, "give a full address such as http://localhost:8787");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usageError(`"${raw}" is not an http(s) address`, "give a full address such as http://localhost:8787");
  }
  if (url.search || url.hash || url.username || url.password) {
    throw usageError(`"${raw}" should not contain credentials, a query or a fragment`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

export function looksLikeAddress(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

/** An alias name or a full address → the address (CodaLab's `apply_alias`, but strict). */
export function resolveInstance(aliasOrAddress: string, aliases: Readonly<Record<string, string>>): string {
  const aliased = Object.hasOwn(aliases, aliasOrAddress) ? aliases[aliasOrAddress] : undefined;
  if (aliased !== undefined) return normalizeAddress(aliased);
  if (looksLikeAddress(aliasOrAddress)) return normalizeAddress(aliasOrAddress);
  throw usageError(
    `unknown instance alias "${aliasOrAddress}"`,
    "list aliases with `cl alias`, add one with `cl alias <name> <address>`, or give a full address",
  );
}

/** Splits `[<alias>|<address>::]<rest>`; `instance` is undefined when there is no separator. */
export function splitInstanceSpec(spec: string): { instance: string | undefined; rest: string } {
  // An IPv6 host such as http://[::1]:8787 has "::" of its own inside the brackets.
  const from = looksLikeAddress(spec) && spec.includes("[") ? spec.indexOf("]") + 1 : 0;
  const index = spec.indexOf(INSTANCE_SEPARATOR, from);
  if (index < 0) return { instance: undefined, rest: spec };
  return { instance: spec.slice(0, index), rest: spec.slice(index + INSTANCE_SEPARATOR.length) };
}
