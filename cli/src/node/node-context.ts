/** Assembles a command context from the real process: env, home directory, /proc, the terminal. */
import { homedir } from "node:os";
import { resolve } from "node:path";
import type { Prompter } from "../api/credentials.ts";
import { type ClContext, createContext } from "../context.ts";
import type { Output } from "../output/output.ts";
import { resolveClientPaths } from "../state/client-paths.ts";
import { findSessionProcess } from "../state/session-key.ts";
import { nodeHttpFetch } from "./http-transport.ts";
import { createJsonFile } from "./json-file.ts";
import { readProcessInfo } from "./proc-info.ts";

export function createNodeContext(out: Output): ClContext {
  const env = process.env;
  const paths = resolveClientPaths(env, homedir());
  // isatty rather than process.stdin.isTTY: creating the stdin stream, which most commands never
  // read, loads fs streams, fs/promises and readline (~10 ms) when stdin is a file or a pipe.
  const { isatty } = process.getBuiltinModule("node:tty");
  const interactive = isatty(0) && isatty(2);
  return createContext({
    out,
    env,
    codalabHome: resolve(paths.home),
    sessionKey: env.CODALAB_SESSION || findSessionProcess(process.ppid, readProcessInfo),
    configDocument: createJsonFile(resolve(paths.config)),
    stateDocument: createJsonFile(resolve(paths.state)),
    fetch: nodeHttpFetch,
    prompter: interactive ? lazyTtyPrompter() : undefined,
    local: { cwd: process.cwd(), env, interactive },
  });
}

/** The terminal prompter, loaded only if a command has to ask (readline is not free to load). */
function lazyTtyPrompter(): Prompter {
  const load = async () => (await import("./tty-prompt.ts")).createTtyPrompter(process.stdin, process.stderr);
  return {
    ask: async (question) => (await load()).ask(question),
    askSecret: async (question) => (await load()).askSecret(question),
  };
}
