/** How an argument key becomes its long flag, as citty does: `uuidOnly` / `uuid_only` → `uuid-only`. */
export function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`).replaceAll("_", "-");
}
