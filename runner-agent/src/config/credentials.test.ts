import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { describeCredentials, loadCredentials, readPasswordFile } from "./credentials.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cl-runner-credentials-"));
});

async function passwordFile(text: string, mode: number): Promise<string> {
  const path = join(dir, "pw");
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

describe("password file", () => {
  it("reads the user name and password from a mode-600 file", async () => {
    const path = await passwordFile("alice\ns3cret pass\n", 0o600);
    await expect(readPasswordFile(path)).resolves.toEqual({
      kind: "password",
      username: "alice",
      password: "s3cret pass",
      source: path,
    });
  });

  it("accepts a stricter mode (400)", async () => {
    const path = await passwordFile("alice\npw", 0o400);
    await expect(readPasswordFile(path)).resolves.toMatchObject({ username: "alice" });
  });

  it.each([0o644, 0o640, 0o604, 0o660])("refuses a file others can read or write (mode %o)", async (mode) => {
    const path = await passwordFile("alice\npw", mode);
    await expect(readPasswordFile(path)).rejects.toThrow(
      `it must be readable by its owner only: run chmod 600 ${path}`,
    );
  });

  it("refuses a missing file, a directory and a file without a password", async () => {
    await expect(readPasswordFile(join(dir, "nope"))).rejects.toThrow("no such file");
    await expect(readPasswordFile(dir)).rejects.toThrow("is not a file");
    const path = await passwordFile("alice\n", 0o600);
    await expect(readPasswordFile(path)).rejects.toThrow("user name on line 1 and the password on line 2");
  });
});

describe("loadCredentials", () => {
  const none = { passwordFile: null, tokenFile: null, token: null };
  const TOKEN = "clw_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

  it("prefers a flag, then a worker token from the environment, then the user name and password", async () => {
    const path = await passwordFile("bob\npw", 0o600);
    const env = { CODALAB_WORKER_TOKEN: TOKEN, CODALAB_USERNAME: "carol", CODALAB_PASSWORD: "x" };
    await expect(loadCredentials({ ...none, passwordFile: path }, env)).resolves.toMatchObject({ username: "bob" });
    await expect(loadCredentials(none, env)).resolves.toEqual({
      kind: "token",
      token: TOKEN,
      source: "CODALAB_WORKER_TOKEN",
    });
    await expect(loadCredentials(none, { CODALAB_USERNAME: "carol", CODALAB_PASSWORD: "x" })).resolves.toMatchObject({
      kind: "password",
      username: "carol",
      source: "CODALAB_USERNAME",
    });
  });

  it("reads a worker token from --token-file (mode 600 only) or --token", async () => {
    const path = join(dir, "token");
    await writeFile(path, `${TOKEN}\n`);
    await chmod(path, 0o600);
    await expect(loadCredentials({ ...none, tokenFile: path }, {})).resolves.toEqual({
      kind: "token",
      token: TOKEN,
      source: `--token-file ${path}`,
    });
    await expect(loadCredentials({ ...none, token: TOKEN }, {})).resolves.toMatchObject({ token: TOKEN });
    await chmod(path, 0o644);
    await expect(loadCredentials({ ...none, tokenFile: path }, {})).rejects.toThrow(
      `--token-file ${path} has mode 644; it must be readable by its owner only: run chmod 600 ${path}`,
    );
  });

  it("refuses what is not a worker token, and two credential flags at once", async () => {
    await expect(loadCredentials({ ...none, token: "cla_user-access-token" }, {})).rejects.toThrow(
      "--token does not hold a worker token (clw_…): make one with POST /rest/workers/tokens",
    );
    await expect(loadCredentials(none, { CODALAB_WORKER_TOKEN: "tok" })).rejects.toThrow(
      "CODALAB_WORKER_TOKEN does not hold a worker token",
    );
    await expect(loadCredentials({ ...none, token: TOKEN, passwordFile: "/x" }, {})).rejects.toThrow(
      "pass only one of --token and --password-file",
    );
  });

  it("says what to set when nothing or half is given", async () => {
    await expect(loadCredentials(none, {})).rejects.toThrow(
      "no credentials: pass --token-file FILE or --password-file FILE",
    );
    await expect(loadCredentials(none, { CODALAB_USERNAME: "x" })).rejects.toThrow("set both CODALAB_USERNAME");
  });

  it("describes credentials without revealing secrets", () => {
    expect(describeCredentials({ kind: "token", token: "secret", source: "--token" })).toBe(
      "worker token (from --token)",
    );
    expect(describeCredentials({ kind: "password", username: "al", password: "secret", source: "f" })).toBe(
      "user al (from f)",
    );
  });
});
