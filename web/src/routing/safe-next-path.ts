/** Where sign-in and sign-up go when no (usable) `next` is given. */
export const DEFAULT_AFTER_SIGN_IN = "/account/profile";

/** Pages that would only bounce a signed-in user straight back. */
const SIGN_IN_PAGES = ["/account/login", "/account/signup"];

/**
 * The `next` query parameter if it is a path on this site, else the account page. Refusing
 * anything that is not a plain absolute path ("//evil.example", "https://…", "/\\evil") keeps the
 * sign-in page from being used to send people to another site.
 */
export function safeNextPath(next: unknown, fallback: string = DEFAULT_AFTER_SIGN_IN): string {
  const value = Array.isArray(next) ? next[0] : next;
  if (typeof value !== "string" || !value.startsWith("/")) return fallback;
  if (value.startsWith("//") || value.includes("\\") || hasControlCharacter(value)) return fallback;
  const path = value.split(/[?#]/, 1)[0] ?? "";
  if (SIGN_IN_PAGES.some((page) => path === page || path.startsWith(`${page}/`))) return fallback;
  return value;
}

function hasControlCharacter(value: string): boolean {
  return [...value].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
}

/**
 * A link to a sign-in page that comes back to `next` afterwards. The parameter is left out for the
 * home page and the default, where coming back adds nothing, and for anything `safeNextPath` refuses.
 */
export function withNext(page: string, next: unknown): string {
  const path = safeNextPath(next, "");
  if (path === "" || path === "/" || path === DEFAULT_AFTER_SIGN_IN) return page;
  return `${page}?next=${encodeURIComponent(path)}`;
}
