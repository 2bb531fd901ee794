/**
 * The runner agent's public face, for end-to-end tests that start a runner in-process. The
 * `cl-runner` command is `main.ts`.
 */
export { AGENT_VERSION, Agent, type AgentDeps, type AgentTiming } from "./agent.ts";
export { AuthSession } from "./api/auth-session.ts";
export { ServerApi } from "./api/server-api.ts";
export { measureCapacity } from "./capacity.ts";
export { type AgentConfig, parseAgentArgs } from "./config/agent-config.ts";
export { type Credentials, loadCredentials } from "./config/credentials.ts";
export { webSocketTransport } from "./connection/transport.ts";
export { DependencyCache } from "./dependencies/dependency-cache.ts";
export { httpDownloader } from "./dependencies/http-downloader.ts";
export { consoleLogger, type Logger } from "./logger.ts";
export { StateStore } from "./runs/state-store.ts";
export { chooseRuntime } from "./runtime/choose-runtime.ts";
export type { ContainerRuntime } from "./runtime/container-runtime.ts";
