/**
 * `npm start`: a complete local instance on http://localhost:8787 with its admin login printed,
 * and a local runner agent (a shared-pool worker of the admin) so runs execute out of the box.
 * State lives in .wrangler/state (git-ignored); the admin password in .dev.vars (git-ignored,
 * created from .dev.vars.example on first run).
 */
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { buildWebIfStale, repoRoot, startInstance } from "./local-instance.ts";
import { type LocalRunner, prepareLocalRuntime, startLocalRunner } from "./local-runner.ts";

const port = Number(process.env.PORT ?? 8787);
const devVars = `${repoRoot}.dev.vars`;
if (!existsSync(devVars)) copyFileSync(`${repoRoot}.dev.vars.example`, devVars);
const adminPassword = /^ADMIN_PASSWORD=(.*)$/m.exec(readFileSync(devVars, "utf8"))?.[1]?.trim() ?? "";

console.log("Building the web app…");
buildWebIfStale(true);
console.log("Starting the local instance (API, web app, Scheduler)…");
const instance = await startInstance({ port, persistDir: `${repoRoot}.wrangler/state`, stdio: "inherit" });

console.log("Starting the local runner…");
const runtime = await prepareLocalRuntime();
let runner: LocalRunner | undefined;
let runs = runtime.description;
try {
  runner = await startLocalRunner({
    server: instance.url,
    username: "codalab",
    password: adminPassword,
    runtime: runtime.kind,
    workDir: `${repoRoot}.wrangler/runner`,
    name: "local",
    onLine: (line) => console.log(`runner | ${line}`),
  });
} catch (error) {
  // The instance is still useful without a runner: uploads, worksheets, an external runner.
  runs = `no local runner (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`;
}

const address = `http://localhost:${port}`;
console.log(`
  CodaLab is running at ${address}

  Admin login:  codalab / ${adminPassword}   (change it in .dev.vars before the first start)
  Web app:      ${address}
  CLI:          CODALAB_USERNAME=codalab CODALAB_PASSWORD='${adminPassword}' npx cl status
  Runs:         ${runs}

  Press Ctrl+C to stop.
`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // The terminal's Ctrl+C reaches the children too; this makes sure both go, whatever the signal.
    void Promise.all([runner?.stop(), instance.stop()]).then(() => process.exit(0));
  });
}
