import type { CommandEntry } from "../command.ts";

/**
 * Every command, in `cl help` order. Summaries live here rather than in the command files so
 * `cl help` can list them without importing each module (start-up time).
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "work",
    aliases: ["w"],
    group: "worksheets",
    summary: "Set the current instance/worksheet.",
    load: () => import("./work.ts").then((module) => module.default),
  },
  {
    name: "help",
    aliases: [],
    group: "other",
    summary: "Show usage information for commands.",
    load: () => import("./help.ts").then((module) => module.default),
  },
  {
    name: "status",
    aliases: ["st"],
    group: "other",
    summary: "Show current client status.",
    load: () => import("./status.ts").then((module) => module.default),
  },
  {
    name: "alias",
    aliases: [],
    group: "other",
    summary: "Manage CodaLab instance aliases. These are mappings from names to CodaLab Worksheet servers.",
    load: () => import("./alias.ts").then((module) => module.default),
  },
  {
    name: "config",
    aliases: [],
    group: "other",
    summary: "Set CodaLab configuration.",
    load: () => import("./config.ts").then((module) => module.default),
  },
  {
    name: "login",
    aliases: [],
    group: "other",
    summary: "Log in to the current instance, or a specific instance.",
    load: () => import("./login.ts").then((module) => module.default),
  },
  {
    name: "logout",
    aliases: [],
    group: "other",
    summary: "Logout of the current session, or a specific instance.",
    load: () => import("./logout.ts").then((module) => module.default),
  },
];

export function findCommand(nameOrAlias: string): CommandEntry | undefined {
  return COMMANDS.find((entry) => entry.name === nameOrAlias || entry.aliases.includes(nameOrAlias));
}
