/** Opaque bearer tokens: random, shown once, stored only as a SHA-256 hash. */
const PREFIX = { access: "cla_", refresh: "clr_", session: "cls_", worker: "clw_" } as const;
export type TokenKind = keyof typeof PREFIX;

export function newToken(kind: TokenKind): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const text = btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
  return PREFIX[kind] + text;
}

export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
