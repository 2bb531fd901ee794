import { describe, expect, it } from "vitest";
import { createMemoryOutput } from "../output/output.ts";
import { createCredentialSource, type Prompter } from "./credentials.ts";

function prompter(answers: { username?: string; password?: string }): Prompter & { questions: string[] } {
  const questions: string[] = [];
  return {
    questions,
    ask: async (question) => {
      questions.push(question);
      return answers.username ?? "";
    },
    askSecret: async (question) => {
      questions.push(question);
      return answers.password ?? "";
    },
  };
}

describe("createCredentialSource", () => {
  it("uses CODALAB_USERNAME and CODALAB_PASSWORD without prompting", async () => {
    const ask = prompter({});
    const source = createCredentialSource({
      env: { CODALAB_USERNAME: "alice", CODALAB_PASSWORD: "secret" },
      prompter: ask,
      out: createMemoryOutput(),
    });
    expect(await source("http://x", "auto")).toEqual({ username: "alice", password: "secret" });
    expect(ask.questions).toEqual([]);
  });

  it("prompts for what the environment does not give, announcing the instance on stderr", async () => {
    const ask = prompter({ password: "typed" });
    const out = createMemoryOutput();
    const source = createCredentialSource({ env: { CODALAB_USERNAME: "alice" }, prompter: ask, out });
    expect(await source("http://x", "explicit")).toEqual({ username: "alice", password: "typed" });
    expect(ask.questions).toEqual(["Password: "]);
    expect(out.stderr).toBe("Requesting access at http://x\n");
    expect(out.stdout).toBe("");
  });

  it("asks for both when nothing is set, trimming the user name", async () => {
    const ask = prompter({ username: " bob \n", password: "pw" });
    const source = createCredentialSource({ env: {}, prompter: ask, out: createMemoryOutput() });
    expect(await source("http://x", "auto")).toEqual({ username: "bob", password: "pw" });
    expect(ask.questions).toEqual(["Username: ", "Password: "]);
  });

  it("refuses an empty user name or password", async () => {
    const out = createMemoryOutput();
    await expect(
      createCredentialSource({ env: {}, prompter: prompter({}), out })("http://x", "auto"),
    ).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
      message: "no user name given",
    });
    await expect(
      createCredentialSource({ env: {}, prompter: prompter({ username: "bob" }), out })("http://x", "auto"),
    ).rejects.toMatchObject({ message: "no password given" });
  });

  it("fails with a hint when there is no terminal to ask on", async () => {
    const source = createCredentialSource({
      env: { CODALAB_USERNAME: "alice" },
      prompter: undefined,
      out: createMemoryOutput(),
    });
    await expect(source("http://x", "auto")).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
      message: "not logged in to http://x",
      hint: "run `cl login` in a terminal, or set CODALAB_USERNAME and CODALAB_PASSWORD",
    });
    await expect(source("http://x", "explicit")).rejects.toMatchObject({
      message: "cannot ask for a user name and password: standard input is not a terminal",
    });
  });
});
