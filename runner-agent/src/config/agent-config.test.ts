import { describe, expect, it } from "vitest";
import { DEFAULT_SERVER, parseAgentArgs } from "./agent-config.ts";

const host = { hostname: "gpu-box", cwd: "/home/me" };

function config(argv: string[], env: Record<string, string> = {}) {
  const parsed = parseAgentArgs(argv, env, host);
  if (parsed.help) throw new Error("unexpected help");
  return parsed.config;
}

describe("parseAgentArgs", () => {
  it("uses CodaLab's defaults when no flag is given", () => {
    const c = config([]);
    expect(c.server).toBe(DEFAULT_SERVER);
    expect(c.workerName).toBe("gpu-box");
    expect(c.workDir).toBe("/home/me/codalab-worker-scratch");
    expect(c.maxWorkDirSize).toBe(10 * 1024 ** 3);
    expect(c).toMatchObject({ cpus: null, gpus: 0, maxMemory: null, tag: null, group: null, runtime: "auto" });
    expect(c.defaultImage).toBe("codalab/default-cpu:latest");
    expect(c.networkPrefix).toBe("codalab_worker_network");
  });

  it("reads every flag", () => {
    const c = config([
      "--server=https://example.org/",
      "--password-file",
      "pw",
      "--id",
      "w1",
      "--work-dir",
      "/scratch",
      "--cpus",
      "4",
      "--gpus",
      "2",
      "--max-memory",
      "16g",
      "--max-work-dir-size",
      "500m",
      "--tag",
      "gpu-1",
      "--tag-exclusive",
      "--group",
      "lab",
      "--shared-pool",
      "--preemptible",
      "--max-concurrent-runs",
      "3",
      "--exit-after-num-runs",
      "5",
      "--runtime",
      "process",
      "--default-image",
      "img:1",
      "--network-prefix",
      "net",
      "--drain-timeout",
      "30",
      "--verbose",
      "--token-file",
      "tok",
      "--token",
      "clw_x",
    ]);
    expect(c).toMatchObject({
      server: "https://example.org",
      passwordFile: "/home/me/pw",
      tokenFile: "/home/me/tok",
      token: "clw_x",
      workerName: "w1",
      workDir: "/scratch",
      cpus: 4,
      gpus: 2,
      maxMemory: 16 * 1024 ** 3,
      maxWorkDirSize: 500 * 1024 ** 2,
      tag: "gpu-1",
      tagExclusive: true,
      group: "lab",
      sharedPool: true,
      preemptible: true,
      maxConcurrentRuns: 3,
      exitAfterNumRuns: 5,
      runtime: "process",
      defaultImage: "img:1",
      networkPrefix: "net",
      drainTimeout: 30,
      verbose: true,
    });
  });

  it("takes the server from CODALAB_SERVER when the flag is absent", () => {
    expect(config([], { CODALAB_SERVER: "http://codalab.local:9000" }).server).toBe("http://codalab.local:9000");
  });

  it("answers --help without validating anything else", () => {
    expect(parseAgentArgs(["--help", "--cpus", "x"], {}, host)).toEqual({ help: true });
  });

  it.each([
    [["--tag", "bad tag"], "--tag must be 1 to 64 letters, digits and hyphens"],
    [["--tag-exclusive"], "--tag-exclusive needs a --tag"],
    [["--cpus", "0"], "--cpus must be a whole number of at least 1"],
    [["--cpus", "two"], "--cpus must be a whole number"],
    [["--gpus=-1"], "--gpus must be a whole number"],
    [["--max-memory", "lots"], "--max-memory: invalid size"],
    [["--max-memory", "0"], "--max-memory must be larger than 0"],
    [["--runtime", "kubernetes"], "--runtime must be docker or process"],
    [["--server", "ftp://x"], "--server must be an http:// or https:// URL"],
    [["--server", "not a url"], "--server must be a URL"],
    [["--id", "a b"], "--id must be 1 to 128 characters without spaces or slashes"],
    [["--group", ""], "--group must not be empty"],
    [["--network-prefix=-x"], "--network-prefix must be a Docker network name"],
    [["--default-image", " "], "--default-image must not be empty"],
    [["--bogus"], "Unknown option '--bogus'"],
    [["stray"], "(see cl-runner --help)"],
  ])("refuses %j with a clear message", (argv, message) => {
    expect(() => parseAgentArgs(argv, {}, host)).toThrow(message);
  });
});
