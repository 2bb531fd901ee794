/** What the session walk needs to know of a process. */
export type ProcessInfo = { pid: number; ppid: number; name: string };

/** The session key when no shell can be found (no /proc, or `cl` not started from a shell). */
export const FALLBACK_SESSION = "default";

/**
 * Shells, and the interpreters scripts run `cl` from (CodaLab's list has python and ruby; npm and
 * npx sit between the shell and `cl` under `npx cl`). A login shell's name starts with "-"; npm
 * renames its process to e.g. "npm exec cl".
 */
const SESSION_PROCESS =
  /^-?(sh|bash|dash|ash|ksh|mksh|zsh|csh|tcsh|fish|pwsh|powershell|python[0-9.]*|ruby|node|npm|npx)(\.exe)?( .*)?$/;

/** Parses /proc/<pid>/stat. The name is in parentheses and may itself contain spaces or ")". */
export function parseProcStat(text: string): ProcessInfo | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const pid = Number.parseInt(text.slice(0, open), 10);
  // After the name: state, then ppid.
  const ppid = Number.parseInt(
    text
      .slice(close + 1)
      .trim()
      .split(/\s+/)[1] ?? "",
    10,
  );
  if (!Number.isInteger(pid) || !Number.isInteger(ppid)) return undefined;
  return { pid, ppid, name: text.slice(open + 1, close) };
}

/**
 * CodaLab's rule: climb from the parent through consecutive shells (and script interpreters) and
 * key the session by the top-most one, so a script's `cl work` changes its terminal's session.
 */
export function findSessionProcess(
  parentPid: number,
  lookup: (pid: number) => ProcessInfo | undefined,
  maxDepth = 10,
): string {
  let session = FALLBACK_SESSION;
  let info = lookup(parentPid);
  for (let depth = 0; info && depth < maxDepth; depth += 1) {
    if (!SESSION_PROCESS.test(info.name)) break;
    session = String(info.pid);
    if (info.ppid <= 0) break;
    info = lookup(info.ppid);
  }
  return session;
}
