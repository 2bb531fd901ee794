/**
 * `cl-runner`: parses flags and credentials, picks the runtime, prints the start-up report and
 * runs the agent until SIGTERM/SIGINT (graceful drain; a second signal stops at once).
 */
import { mkdir } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { CodalabError } from "@codalab/core/errors";
import { AGENT_VERSION, Agent } from "./agent.ts";
import { AuthSession } from "./api/auth-session.ts";
import { ServerApi } from "./api/server-api.ts";
import { measureCapacity } from "./capacity.ts";
import { parseAgentArgs, USAGE } from "./config/agent-config.ts";
import { gatherArgs } from "./config/config-sources.ts";
import { describeCredentials, loadCredentials } from "./config/credentials.ts";
import { startupReport } from "./config/startup-report.ts";
import { webSocketTransport } from "./connection/transport.ts";
import { DependencyCache } from "./dependencies/dependency-cache.ts";
import { httpDownloader } from "./dependencies/http-downloader.ts";
import { consoleLogger, errorText } from "./logger.ts";
import { StateStore } from "./runs/state-store.ts";
import { chooseRuntime } from "./runtime/choose-runtime.ts";

async function main(): Promise<number> {
  const { args, configFile } = await gatherArgs(process.argv.slice(2), process.env);
  const parsed = parseAgentArgs(args, process.env, { hostname: hostname(), cwd: process.cwd() });
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const config = parsed.config;
  const log = consoleLogger({ verbose: config.verbose });
  const credentials = await loadCredentials(config, process.env);
  await mkdir(join(config.workDir, "runs"), { recursive: true, mode: 0o700 });
  const { runtime, notes } = await chooseRuntime(config, log);
  const auth = new AuthSession({ server: config.server, credentials });
  const api = new ServerApi({ server: config.server, auth });
  try {
    await auth.token();
  } catch (error) {
    if (error instanceof CodalabError && error.status === 401) throw error;
    log.warn(`cannot log in yet (${errorText(error)}); will keep trying`);
  }
  const cache = new DependencyCache({
    dir: join(config.workDir, "dependencies"),
    maxBytes: config.maxWorkDirSize,
    download: httpDownloader(api),
    log,
  });
  await cache.load();
  const store = new StateStore(join(config.workDir, "state.json"), log);
  const agent = new Agent({
    config,
    runtime,
    api,
    cache,
    store,
    transport: webSocketTransport,
    log,
    measureCapacity: () => measureCapacity(config),
  });
  await agent.start();
  const report = startupReport({
    config,
    version: AGENT_VERSION,
    configFile,
    identity: describeCredentials(credentials),
    runtime: { ...runtime, notes: [...runtime.notes, ...notes] },
    capacity: await measureCapacity(config),
    cacheUsedBytes: cache.usedBytes,
    heldRuns: agent.held(),
  });
  for (const line of report) log.info(line);
  agent.connect();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => void agent.drain(signal));
  }
  return agent.finished;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CodalabError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(error.code === "VALIDATION_FAILED" ? 2 : 1);
    }
    process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
