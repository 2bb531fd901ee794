/**
 * The operator examples shipped in the package (runner-agent/examples) are real configuration:
 * the config file parses into a valid runner configuration, and systemd accepts the unit.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseAgentArgs } from "../config/agent-config.ts";
import { flagsFromFile } from "../config/config-sources.ts";

const examples = fileURLToPath(new URL("../../examples/", import.meta.url));
const systemdAnalyze = spawnSync("systemd-analyze", ["--version"]).status === 0;

async function exampleConfig() {
  const path = join(examples, "runner.conf");
  const parsed = parseAgentArgs(flagsFromFile(await readFile(path, "utf8"), path), {}, { hostname: "gpu-1", cwd: "/" });
  if (parsed.help) throw new Error("help");
  return parsed.config;
}

function unitSetting(unit: string, key: string): string {
  const value = new RegExp(`^${key}=(.*)$`, "m").exec(unit)?.[1];
  if (value === undefined) throw new Error(`the unit has no ${key}=`);
  return value;
}

describe("the operator examples", () => {
  it("runner.conf is a valid configuration with absolute paths", async () => {
    const config = await exampleConfig();
    expect(config).toMatchObject({
      server: "https://codalab.example.org",
      passwordFile: "/etc/codalab/runner-credentials",
      workDir: "/var/lib/codalab-runner",
      maxWorkDirSize: 100 * 2 ** 30,
      drainTimeout: 120,
    });
  });

  it("the unit gives the drain more time than runner.conf allows it, and starts the runner with runner.conf", async () => {
    const unit = await readFile(join(examples, "cl-runner.service"), "utf8");
    expect(Number(unitSetting(unit, "TimeoutStopSec"))).toBeGreaterThan((await exampleConfig()).drainTimeout);
    expect(unitSetting(unit, "ExecStart")).toBe("/usr/bin/cl-runner --config /etc/codalab/runner.conf");
    // The unit's state directory is the work directory runner.conf names.
    expect(`/var/lib/${unitSetting(unit, "StateDirectory")}`).toBe((await exampleConfig()).workDir);
  });

  it.skipIf(!systemdAnalyze)(
    `systemd accepts the unit${systemdAnalyze ? "" : " (skipped: systemd-analyze is not installed)"}`,
    async () => {
      // verify checks that ExecStart exists; point it at a binary this machine has.
      const unit = (await readFile(join(examples, "cl-runner.service"), "utf8")).replace(
        "/usr/bin/cl-runner",
        process.execPath,
      );
      const path = join(await mkdtemp(join(tmpdir(), "cl-runner-unit-")), "cl-runner.service");
      await writeFile(path, unit);
      const result = spawnSync("systemd-analyze", ["verify", path], { encoding: "utf8" });
      expect(`${result.stdout}${result.stderr}`).toBe("");
      expect(result.status).toBe(0);
    },
  );
});
