import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createTtyPrompter } from "./tty-prompt.ts";

/** A stand-in terminal: stdin with a raw-mode switch, and a stream that records what was shown. */
function terminal() {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    rawModes: [] as boolean[],
    setRawMode(mode: boolean) {
      input.rawModes.push(mode);
      return input;
    },
  });
  const output = new PassThrough();
  let shown = "";
  output.on("data", (chunk: Buffer) => {
    shown += chunk.toString();
  });
  const prompter = createTtyPrompter(input, output);
  return { input, prompter, shown: () => shown };
}

describe("createTtyPrompter", () => {
  it("reads a password without echoing it, honouring backspace", async () => {
    const { input, prompter, shown } = terminal();
    const answer = prompter.askSecret("Password: ");
    input.write("se");
    input.write("cx\u007fret\r");
    expect(await answer).toBe("secret");
    expect(shown()).toBe("Password: \n");
    expect(input.rawModes).toEqual([true, false]);
  });

  it("stops on Ctrl-C with exit status 130", async () => {
    const { input, prompter } = terminal();
    const answer = prompter.askSecret("Password: ");
    input.write("abc\u0003");
    await expect(answer).rejects.toMatchObject({ message: "interrupted", exitCode: 130 });
    expect(input.rawModes).toEqual([true, false]);
  });

  it("treats Ctrl-D on an empty line as no password", async () => {
    const { input, prompter } = terminal();
    const answer = prompter.askSecret("Password: ");
    input.write("\u0004");
    await expect(answer).rejects.toMatchObject({ message: "no password given" });
  });

  it("ends the password at Ctrl-D after some input", async () => {
    const { input, prompter } = terminal();
    const answer = prompter.askSecret("Password: ");
    input.write("pw\u0004");
    expect(await answer).toBe("pw");
  });

  it("reads a visible answer line", async () => {
    const { input, prompter } = terminal();
    const answer = prompter.ask("Username: ");
    input.write("alice\n");
    expect(await answer).toBe("alice");
  });
});
