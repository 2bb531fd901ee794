import { describe, expect, it } from "vitest";
import { FALLBACK_SESSION, findSessionProcess, type ProcessInfo, parseProcStat } from "./session-key.ts";

function tree(...chain: Array<[number, string]>): (pid: number) => ProcessInfo | undefined {
  // chain[0] is the parent of `cl`, each next entry its parent.
  const table = new Map<number, ProcessInfo>();
  chain.forEach(([pid, name], index) => {
    table.set(pid, { pid, name, ppid: chain[index + 1]?.[0] ?? 1 });
  });
  table.set(1, { pid: 1, name: "systemd", ppid: 0 });
  return (pid) => table.get(pid);
}

describe("parseProcStat", () => {
  it("reads pid, name and parent pid", () => {
    expect(parseProcStat("9811 (bash) S 9810 9811 3444 0 -1 4194368")).toEqual({ pid: 9811, name: "bash", ppid: 9810 });
  });

  it("copes with spaces and parentheses in the process name", () => {
    expect(parseProcStat("77 (npm exec (x) cl) S 76 1 1")).toEqual({ pid: 77, name: "npm exec (x) cl", ppid: 76 });
  });

  it("returns undefined for text it cannot read", () => {
    expect(parseProcStat("")).toBeUndefined();
    expect(parseProcStat("12 bash S 3")).toBeUndefined();
    expect(parseProcStat("x (bash) S y")).toBeUndefined();
  });
});

describe("findSessionProcess", () => {
  it("keys the session by the top-most shell of the consecutive chain above cl", () => {
    // cl ← bash (script) ← python ← bash (terminal) ← tmux
    const lookup = tree([300, "bash"], [200, "python3"], [100, "-bash"], [50, "tmux: server"]);
    expect(findSessionProcess(300, lookup)).toBe("100");
  });

  it("looks through npm and npx, which sit between the shell and `npx cl`", () => {
    const lookup = tree([30, "sh"], [20, "npm exec cl"], [10, "zsh"], [5, "sshd"]);
    expect(findSessionProcess(30, lookup)).toBe("10");
  });

  it("falls back to the default session when cl was not started from a shell", () => {
    expect(findSessionProcess(40, tree([40, "cron"]))).toBe(FALLBACK_SESSION);
    expect(findSessionProcess(40, () => undefined)).toBe(FALLBACK_SESSION);
  });

  it("does not accept names that merely start like a shell", () => {
    expect(findSessionProcess(40, tree([40, "shutdown"]))).toBe(FALLBACK_SESSION);
  });

  it("stops climbing after the depth limit", () => {
    const lookup = tree([5, "bash"], [4, "bash"], [3, "bash"], [2, "bash"]);
    expect(findSessionProcess(5, lookup, 2)).toBe("4");
  });
});
