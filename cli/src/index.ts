/** @codalab/cli: the command layer, reusable outside Node (the web app's terminal). */
export {
  ApiClient,
  type ApiClientOptions,
  type AuthMode,
  type FetchLike,
  sessionExpiredError,
} from "./api/api-client.ts";
export type { CredentialSource, Credentials, Prompter } from "./api/credentials.ts";
export { type ClCommand, type CommandEntry, defineClCommand } from "./command.ts";
export { COMMAND_GROUPS, type CommandGroup } from "./command-groups.ts";
export { COMMANDS, findCommand } from "./commands/command-list.ts";
export { type ClContext, type ContextParts, createContext } from "./context.ts";
export { CliError, EXIT_FAILURE, EXIT_USAGE, usageError } from "./errors/cli-error.ts";
export { formatError } from "./errors/format-error.ts";
export { createMemoryOutput, createOutput, type MemoryOutput, type Output } from "./output/output.ts";
export { type RunCliOptions, runCli } from "./run-cli.ts";
export { DEFAULT_ADDRESS } from "./state/client-config.ts";
export { createMemoryDocument, type JsonDocument } from "./state/json-document.ts";
