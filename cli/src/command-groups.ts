/** The sections of `cl help`, in CodaLab's order. */
export const COMMAND_GROUPS = [
  ["bundles", "Commands for bundles"],
  ["worksheets", "Commands for worksheets"],
  ["groups", "Commands for groups and permissions"],
  ["users", "Commands for users"],
  ["server", "Commands for managing the server"],
  ["other", "Other commands"],
] as const;
export type CommandGroup = (typeof COMMAND_GROUPS)[number][0];
