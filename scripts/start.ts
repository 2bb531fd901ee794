/**
 * `npm start`: a complete local instance on http://localhost:8787 with its admin login printed.
 * State lives in .wrangler/state (git-ignored); the admin password in .dev.vars (git-ignored,
 * created from .dev.vars.example on first run).
 */
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { buildWebIfMissing, repoRoot, startInstance } from "./local-instance.ts";

const port = Number(process.env.PORT ?? 8787);
const devVars = `${repoRoot}.dev.vars`;
if (!existsSync(devVars)) copyFileSync(`${repoRoot}.dev.vars.example`, devVars);
const adminPassword = /^ADMIN_PASSWORD=(.*)$/m.exec(readFileSync(devVars, "utf8"))?.[1]?.trim() ?? "";

console.log("Building the web app…");
buildWebIfMissing(true);
console.log("Starting the local instance (API, web app, Scheduler)…");
const instance = await startInstance({ port, persistDir: `${repoRoot}.wrangler/state`, stdio: "inherit" });

const address = `http://localhost:${port}`;
console.log(`
  CodaLab is running at ${address}

  Admin login:  codalab / ${adminPassword}   (change it in .dev.vars before the first start)
  Web app:      ${address}
  CLI:          CODALAB_USERNAME=codalab CODALAB_PASSWORD='${adminPassword}' npx cl status

  Press Ctrl+C to stop.
`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void instance.stop().then(() => process.exit(0));
  });
}
