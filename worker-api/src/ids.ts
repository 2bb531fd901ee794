/** CodaLab-style identifiers: `0x` followed by 32 lowercase hex digits. */
export function newUuid(): string {
  return `0x${crypto.randomUUID().replaceAll("-", "")}`;
}

/** The system group everyone belongs to has a fixed uuid so it never needs a lookup. */
export const PUBLIC_GROUP_UUID = "0x00000000000000000000000000000000";
