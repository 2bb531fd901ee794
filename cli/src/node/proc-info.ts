import { type ProcessInfo, parseProcStat } from "../state/session-key.ts";

/** Reads /proc/<pid>/stat (Linux); undefined where there is no /proc or the process is gone. */
export function readProcessInfo(pid: number): ProcessInfo | undefined {
  try {
    // getBuiltinModule rather than an import: see json-file.ts (start-up time).
    return parseProcStat(process.getBuiltinModule("node:fs").readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}
