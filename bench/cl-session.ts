/** A logged-in `cl` against a benchmark instance, run as a subprocess like a user would. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../scripts/local-instance.ts";
import { run } from "./measure.ts";

export type Cl = (...args: string[]) => string;

export function clSession(baseUrl: string, adminPassword: string): Cl {
  const env = {
    ...process.env,
    CODALAB_HOME: mkdtempSync(join(tmpdir(), "codalab-bench-")),
    CODALAB_SESSION: "bench",
    CODALAB_USERNAME: "codalab",
    CODALAB_PASSWORD: adminPassword,
  };
  const cl: Cl = (...args) => run(process.execPath, [`${repoRoot}cli/bin/cl.js`, ...args], env);
  cl("alias", "bench", baseUrl);
  cl("work", "bench::");
  cl("status"); // logs in once; later runs reuse the cached token
  return cl;
}
