import { describe, expect, it } from "vitest";
import { collapseBareCommand, shellQuote } from "./collapse-bare-command.ts";

describe("collapseBareCommand", () => {
  it("joins everything after --- into one shell-quoted argument", () => {
    expect(collapseBareCommand(["run", "a:b", "---", "python", "x.py", "--lr", "3"])).toEqual([
      "run",
      "a:b",
      "python x.py --lr 3",
    ]);
  });

  it("quotes words the shell would split or expand", () => {
    expect(collapseBareCommand(["run", "---", "echo", "hello world", "it's", "$HOME", ""])).toEqual([
      "run",
      `echo 'hello world' 'it'"'"'s' '$HOME' ''`,
    ]);
  });

  it("leaves argument lists without --- alone", () => {
    expect(collapseBareCommand(["status", "--json"])).toEqual(["status", "--json"]);
  });

  it("keeps safe words bare, like shlex.quote", () => {
    expect(shellQuote("a/b-c_d.e:f=g,h@i%j+k")).toBe("a/b-c_d.e:f=g,h@i%j+k");
  });
});
