/** `cl --help` start-up and `cl status` round trip against a real local instance. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../scripts/local-instance.ts";
import { type Figure, run, time } from "./measure.ts";

export async function cliStartup(baseUrl: string, adminPassword: string): Promise<Figure[]> {
  const home = mkdtempSync(join(tmpdir(), "codalab-bench-"));
  const env = {
    ...process.env,
    CODALAB_HOME: home,
    CODALAB_SESSION: "bench",
    CODALAB_USERNAME: "codalab",
    CODALAB_PASSWORD: adminPassword,
  };
  const cl = (...args: string[]) => run(process.execPath, [`${repoRoot}cli/bin/cl.js`, ...args], env);
  cl("alias", "bench", baseUrl);
  cl("work", "bench::");
  cl("status"); // logs in once; later runs reuse the cached token
  const node = await time("`node -e 0` (floor: process start)", 10, () => {
    run(process.execPath, ["-e", "0"], env);
  });
  const help = await time("`cl --help` start-up", 10, () => {
    cl("--help");
  });
  const status = await time("`cl status` round trip (2 API calls)", 10, () => {
    cl("status");
  });
  return [node, help, status];
}
