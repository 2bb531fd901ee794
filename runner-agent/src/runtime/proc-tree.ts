/**
 * Resource use of a process and all its descendants from /proc (the process runtime has no
 * cgroup to ask). CPU times include children already reaped (cutime/cstime), so work done by
 * short-lived commands is counted too.
 */
import { readdir, readFile } from "node:fs/promises";
import type { RunSample } from "./container-runtime.ts";

/** Linux reports CPU times in clock ticks; USER_HZ is 100 on every architecture Node supports. */
const TICKS_PER_SECOND = 100;
const PAGE_SIZE = 4096;

export type ProcStat = {
  pid: number;
  ppid: number;
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
  starttime: number;
  rssPages: number;
};

/** Parses /proc/<pid>/stat; the command name may contain spaces and parentheses, so fields are read after the last ")". */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(")");
  const open = text.indexOf("(");
  if (close === -1 || open === -1) return null;
  const pid = Number(text.slice(0, open).trim());
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // fields[0] is the state (field 3 of proc(5)); field n of proc(5) is fields[n - 3].
  const field = (n: number) => Number(fields[n - 3] ?? Number.NaN);
  const stat = {
    pid,
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
    starttime: field(22),
    rssPages: field(24),
  };
  return Object.values(stat).every(Number.isFinite) ? stat : null;
}

export async function readProcStat(pid: number): Promise<ProcStat | null> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return null;
  }
}

/** The process and every descendant still alive. */
export async function processTree(root: number): Promise<ProcStat[]> {
  const all: ProcStat[] = [];
  for (const name of await readdir("/proc").catch(() => [])) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readProcStat(Number(name));
    if (stat !== null) all.push(stat);
  }
  const children = new Map<number, ProcStat[]>();
  for (const stat of all) {
    const list = children.get(stat.ppid);
    if (list) list.push(stat);
    else children.set(stat.ppid, [stat]);
  }
  const tree: ProcStat[] = [];
  const top = all.find((stat) => stat.pid === root);
  if (top === undefined) return tree;
  const queue = [top];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    tree.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return tree;
}

export function sampleTree(tree: readonly ProcStat[]): RunSample {
  if (tree.length === 0) return {};
  let user = 0;
  let system = 0;
  let rss = 0;
  for (const stat of tree) {
    user += stat.utime + stat.cutime;
    system += stat.stime + stat.cstime;
    rss += stat.rssPages;
  }
  return {
    memory: rss * PAGE_SIZE,
    time_user: user / TICKS_PER_SECOND,
    time_system: system / TICKS_PER_SECOND,
    cpu_total: (user + system) / TICKS_PER_SECOND,
  };
}
