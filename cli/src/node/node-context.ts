/** Assembles a command context from the real process: env, home directory, /proc, the terminal. */
import { homedir } from "node:os";
import { resolve } from "node:path";
import { type ClContext, createContext } from "../context.ts";
import type { Output } from "../output/output.ts";
import { resolveClientPaths } from "../state/client-paths.ts";
import { findSessionProcess } from "../state/session-key.ts";
import { createJsonFile } from "./json-file.ts";
import { readProcessInfo } from "./proc-info.ts";
import { createTtyPrompter } from "./tty-prompt.ts";

export function createNodeContext(out: Output): ClContext {
  const env = process.env;
  const paths = resolveClientPaths(env, homedir());
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
  return createContext({
    out,
    env,
    codalabHome: resolve(paths.home),
    sessionKey: env.CODALAB_SESSION || findSessionProcess(process.ppid, readProcessInfo),
    configDocument: createJsonFile(resolve(paths.config)),
    stateDocument: createJsonFile(resolve(paths.state)),
    // Through a wrapper: reading globalThis.fetch loads undici, which only commands that talk to a server need.
    fetch: (url, init) => fetch(url, init),
    prompter: interactive ? createTtyPrompter(process.stdin, process.stderr) : undefined,
    local: { cwd: process.cwd(), env, interactive },
  });
}
