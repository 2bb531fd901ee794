/** A command context over memory documents, for tests of commands and the dispatcher. */
import type { FetchLike } from "../api/api-client.ts";
import type { Prompter } from "../api/credentials.ts";
import { type ClContext, createContext, type LocalMachine } from "../context.ts";
import { createMemoryOutput, type MemoryOutput } from "../output/output.ts";
import { runCli } from "../run-cli.ts";
import { createMemoryDocument } from "../state/json-document.ts";

export type TestSetup = {
  fetch?: FetchLike;
  env?: Record<string, string | undefined>;
  prompter?: Prompter;
  config?: unknown;
  state?: unknown;
  sessionKey?: string;
  now?: () => number;
  /** The local machine commands see (upload, download); none unless given, like the web terminal. */
  local?: LocalMachine;
  /** CODALAB_HOME; commands that keep files there (upload's resume records) need a real directory. */
  codalabHome?: string;
  /** Records progress-bar redraws, as if stderr were a terminal. */
  statusLines?: string[];
};

export type TestClient = {
  ctx: ClContext;
  out: MemoryOutput;
  configFile: ReturnType<typeof createMemoryDocument>;
  stateFile: ReturnType<typeof createMemoryDocument>;
  /** Runs one command line the way `cl` would and returns its exit status. */
  run(...argv: string[]): Promise<number>;
};

const unreachable: FetchLike = async () => {
  throw new TypeError("fetch failed");
};

export function createTestClient(setup: TestSetup = {}): TestClient {
  const out = createMemoryOutput({ statusLines: setup.statusLines });
  const configFile = createMemoryDocument("/home/test/.codalab/config.json", setup.config);
  const stateFile = createMemoryDocument("/home/test/.codalab/state.json", setup.state);
  const ctx = createContext({
    out,
    env: setup.env ?? {},
    codalabHome: setup.codalabHome ?? "/home/test/.codalab",
    sessionKey: setup.sessionKey ?? "test-session",
    configDocument: configFile,
    stateDocument: stateFile,
    fetch: setup.fetch ?? unreachable,
    prompter: setup.prompter,
    now: setup.now,
    local: setup.local,
  });
  return {
    ctx,
    out,
    configFile,
    stateFile,
    run: (...argv) => runCli(argv, { out, debug: false, context: async () => ctx }),
  };
}
