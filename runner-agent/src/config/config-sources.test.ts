import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAgentArgs } from "./agent-config.ts";
import { flagsFromEnv, flagsFromFile, gatherArgs, takeConfigFlag } from "./config-sources.ts";

async function configFile(text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), "runner-config-")), "runner.conf");
  await writeFile(path, text);
  return path;
}

async function configOf(argv: string[], env: Record<string, string> = {}) {
  const { args } = await gatherArgs(argv, env);
  const parsed = parseAgentArgs(args, env, { hostname: "box", cwd: "/srv" });
  if (parsed.help) throw new Error("help");
  return parsed.config;
}

describe("the config file", () => {
  it("turns name = value lines into flags, skipping comments and blank lines", () => {
    const text = [
      "# a GPU box",
      "server = https://codalab.example.org",
      "",
      "work-dir = /var/lib/codalab-runner   # absolute, as for systemd",
      "gpus=2",
      "shared-pool = true",
      "preemptible = false",
      "tag-exclusive",
      "tag = gpu",
    ].join("\n");
    expect(flagsFromFile(text, "/etc/r.conf")).toEqual([
      "--server",
      "https://codalab.example.org",
      "--work-dir",
      "/var/lib/codalab-runner",
      "--gpus",
      "2",
      "--shared-pool",
      "--tag-exclusive",
      "--tag",
      "gpu",
    ]);
  });

  it("names the file and line of a setting it does not know, a malformed line or a missing value", () => {
    expect(() => flagsFromFile("tag = a\ncpu = 4", "/etc/r.conf")).toThrow(
      '/etc/r.conf:2: unknown setting "cpu" (see cl-runner --help)',
    );
    expect(() => flagsFromFile("--tag gpu", "/etc/r.conf")).toThrow(
      '/etc/r.conf:1: expected "name = value", not "--tag gpu"',
    );
    expect(() => flagsFromFile("tag =", "r.conf")).toThrow("r.conf:1: tag needs a value");
    expect(() => flagsFromFile("verbose = maybe", "r.conf")).toThrow(
      'r.conf:1: verbose must be true or false, not "maybe"',
    );
    expect(() => flagsFromFile("help = true", "r.conf")).toThrow('r.conf:1: unknown setting "help"');
  });

  it("refuses credentials, pointing at a file only their owner can read", () => {
    expect(() => flagsFromFile("token = clw_abc", "r.conf")).toThrow(
      "r.conf:1: token does not belong here; put credentials in a file only you can read (--password-file or --token-file, chmod 600)",
    );
    expect(() => flagsFromFile("password = hunter2", "r.conf")).toThrow("r.conf:1: password does not belong here");
    expect(flagsFromFile("password-file = /etc/codalab/pw", "r.conf")).toEqual(["--password-file", "/etc/codalab/pw"]);
  });
});

describe("CODALAB_RUNNER_* variables", () => {
  it("turn into flags, booleans by their value", () => {
    expect(
      flagsFromEnv({
        CODALAB_RUNNER_WORK_DIR: "/scratch",
        CODALAB_RUNNER_SHARED_POOL: "true",
        CODALAB_RUNNER_VERBOSE: "0",
        CODALAB_RUNNER_CONFIG: "/etc/r.conf",
        CODALAB_SERVER: "https://elsewhere",
        PATH: "/usr/bin",
      }),
    ).toEqual(["--work-dir", "/scratch", "--shared-pool"]);
  });

  it("refuse a variable that is no setting, a bad boolean and a token", () => {
    expect(() => flagsFromEnv({ CODALAB_RUNNER_GPU: "1" })).toThrow(
      "environment: CODALAB_RUNNER_GPU is not a cl-runner setting (see cl-runner --help)",
    );
    expect(() => flagsFromEnv({ CODALAB_RUNNER_PREEMPTIBLE: "sometimes" })).toThrow(
      'environment: CODALAB_RUNNER_PREEMPTIBLE: preemptible must be true or false, not "sometimes"',
    );
    expect(() => flagsFromEnv({ CODALAB_RUNNER_TOKEN: "clw_x" })).toThrow(
      "environment: CODALAB_RUNNER_TOKEN does not belong here",
    );
  });
});

describe("--config and the other spellings on the command line", () => {
  it("takes --config FILE or --config=FILE out, falling back to CODALAB_RUNNER_CONFIG", () => {
    expect(takeConfigFlag(["--tag", "a", "--config", "r.conf"], {})).toEqual({ path: "r.conf", argv: ["--tag", "a"] });
    expect(takeConfigFlag(["--config=r.conf"], { CODALAB_RUNNER_CONFIG: "other" })).toEqual({
      path: "r.conf",
      argv: [],
    });
    expect(takeConfigFlag([], { CODALAB_RUNNER_CONFIG: "other" })).toEqual({ path: "other", argv: [] });
    expect(() => takeConfigFlag(["--config"], {})).toThrow("--config needs a file name");
  });

  it("accepts --exit-after-runs for --exit-after-num-runs", async () => {
    expect((await configOf(["--exit-after-runs", "2"])).exitAfterNumRuns).toBe(2);
    expect((await configOf(["--exit-after-runs=3"])).exitAfterNumRuns).toBe(3);
    expect((await configOf([], { CODALAB_RUNNER_EXIT_AFTER_RUNS: "4" })).exitAfterNumRuns).toBe(4);
  });
});

describe("every source together", () => {
  it("lets flags win over the environment and the environment over the file", async () => {
    const path = await configFile("tag = from-file\ncpus = 2\nmax-memory = 1g\n");
    const env = { CODALAB_RUNNER_CONFIG: path, CODALAB_RUNNER_TAG: "from-env", CODALAB_RUNNER_CPUS: "3" };
    const config = await configOf(["--tag", "from-flag"], env);
    expect(config).toMatchObject({ tag: "from-flag", cpus: 3, maxMemory: 2 ** 30 });
    expect((await configOf([], env)).tag).toBe("from-env");
    expect((await configOf(["--config", path])).tag).toBe("from-file");
  });

  it("checks a value from the file as strictly as the flag", async () => {
    const path = await configFile("cpus = many\n");
    await expect(configOf(["--config", path])).rejects.toThrow(
      '--cpus must be a whole number of at least 1, not "many"',
    );
  });

  it("says when the config file cannot be read", async () => {
    await expect(gatherArgs(["--config", "/nonexistent/runner.conf"], {})).rejects.toThrow(
      "cannot read --config /nonexistent/runner.conf: no such file",
    );
  });
});
