import type { CommandEntry } from "../command.ts";

/**
 * Every command, in `cl help` order. Summaries live here rather than in the command files so
 * `cl help` can list them without importing each module (start-up time).
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "upload",
    aliases: ["up"],
    group: "bundles",
    summary: "Create a bundle by uploading an existing file/directory.",
    load: () => import("./upload.ts").then((module) => module.default),
  },
  {
    name: "edit",
    aliases: ["e"],
    group: "bundles",
    summary: "Edit an existing bundle's metadata.",
    load: () => import("./edit.ts").then((module) => module.default),
  },
  {
    name: "rm",
    aliases: [],
    group: "bundles",
    summary: "Remove a bundle (permanent!).",
    load: () => import("./rm.ts").then((module) => module.default),
  },
  {
    name: "search",
    aliases: ["s"],
    group: "bundles",
    summary: "Search for bundles on a CodaLab instance (returns 10 results by default).",
    load: () => import("./search.ts").then((module) => module.default),
  },
  {
    name: "info",
    aliases: ["i"],
    group: "bundles",
    summary: "Show detailed information for a bundle.",
    load: () => import("./info.ts").then((module) => module.default),
  },
  {
    name: "cat",
    aliases: [],
    group: "bundles",
    summary: "Print the contents of a file/directory in a bundle.",
    load: () => import("./cat.ts").then((module) => module.default),
  },
  {
    name: "download",
    aliases: ["down"],
    group: "bundles",
    summary: "Download bundle from a CodaLab instance.",
    load: () => import("./download.ts").then((module) => module.default),
  },
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
