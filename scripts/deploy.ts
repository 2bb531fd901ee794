/**
 * `npm run deploy`: puts this repository on Cloudflare as the `production` environment of
 * wrangler.toml. Steps: check the environment repeats every binding of the top level (wrangler
 * does not inherit them), build the web app, create the D1 database on the first deploy, apply
 * the D1 migrations remotely, then deploy. Migrations go first because they only ever add (see
 * docs/operators/upgrading.md), so the running version keeps working on the new schema.
 *
 *   npm run deploy                              # everything, against the account wrangler is logged in to
 *   npm run deploy -- --secrets-file FILE       # first deploy: ADMIN_PASSWORD=… in FILE (dotenv or JSON)
 *   npm run deploy -- --dry-run                 # offline: config check (bindings, limits), bundle, `wrangler types --check` (CI)
 *
 * Environment: CLOUDFLARE_ACCOUNT_ID / CLOUDFLARE_API_TOKEN as wrangler reads them;
 * CODALAB_D1_LOCATION (weur, enam, …) places a database created here.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { unstable_readConfig } from "wrangler";
import { runLimitsFromVars } from "../core/src/runs/resources.ts";
import { buildWebIfStale, quietEnv, repoRoot } from "./local-instance.ts";

const wranglerBin = `${repoRoot}node_modules/wrangler/bin/wrangler.js`;
/** Top-level vars a deployment may leave out: set with `wrangler secret put` instead. */
const PER_DEPLOYMENT_VARS = new Set(["ADMIN_EMAIL"]);

type Config = ReturnType<typeof unstable_readConfig>;

function bindingNames(config: Config): Map<string, string> {
  const names = new Map<string, string>();
  for (const d1 of config.d1_databases) names.set(d1.binding, "d1_databases");
  for (const r2 of config.r2_buckets) names.set(r2.binding, "r2_buckets");
  for (const object of config.durable_objects.bindings) names.set(object.name, "durable_objects.bindings");
  for (const name of Object.keys(config.vars)) if (!PER_DEPLOYMENT_VARS.has(name)) names.set(name, "vars");
  for (const name of config.secrets?.required ?? []) names.set(name, "secrets.required");
  return names;
}

/** What the environment lacks that the top level (what `npm start` and the tests run) has. */
function missingBindings(top: Config, deployed: Config): string[] {
  const have = bindingNames(deployed);
  return [...bindingNames(top)]
    .filter(([name]) => !have.has(name))
    .map(([name, kind]) => `${name} (add it to [env.${deployed.targetEnvironment ?? "?"}] ${kind})`);
}

function wrangler(args: string[], options: { capture?: boolean } = {}): string {
  const result = spawnSync(process.execPath, [wranglerBin, ...args], {
    cwd: repoRoot,
    env: quietEnv,
    encoding: "utf8",
    stdio: options.capture ? ["inherit", "pipe", "inherit"] : "inherit",
  });
  if (result.status !== 0) {
    process.stderr.write(`error: wrangler ${args.join(" ")} failed (exit ${result.status})\n`);
    process.exit(1);
  }
  return result.stdout ?? "";
}

const { values } = parseArgs({
  options: {
    env: { type: "string", default: "production" },
    "secrets-file": { type: "string" },
    "dry-run": { type: "boolean", default: false },
  },
});
const envName = values.env;
function readConfig(env?: string): Config {
  try {
    return unstable_readConfig({ config: `${repoRoot}wrangler.toml`, env }, { hideWarnings: true });
  } catch (error) {
    // wrangler's own words (e.g. "No environment found in configuration with name …"), without its stack.
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

const top = readConfig();
const deployed = readConfig(envName);
const missing = missingBindings(top, deployed);
if (missing.length > 0) {
  process.stderr.write(`error: [env.${envName}] in wrangler.toml lacks:\n  ${missing.join("\n  ")}\n`);
  process.exit(1);
}
// A malformed limit would make the deployed Worker refuse every request (worker-api/src/config.ts):
// refuse the deploy instead.
try {
  runLimitsFromVars(deployed.vars as Record<string, string | undefined>);
} catch (error) {
  process.stderr.write(
    `error: [env.${envName}] vars in wrangler.toml: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
}
const database = deployed.d1_databases.find((d1: Config["d1_databases"][number]) => d1.binding === "DB");
if (!database?.database_name) {
  process.stderr.write(`error: [env.${envName}] needs a d1_databases entry with binding "DB" and a database_name\n`);
  process.exit(1);
}

if (values["dry-run"]) {
  buildWebIfStale();
  const outdir = mkdtempSync(join(tmpdir(), "codalab-deploy-"));
  try {
    wrangler(["deploy", "--env", envName, "--dry-run", "--outdir", outdir]);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  // Fails when worker-api/worker-configuration.d.ts no longer matches wrangler.toml (run `npm run types`).
  wrangler(["types", "worker-api/worker-configuration.d.ts", "--check"]);
  console.log(`\n[env.${envName}] checks out: every binding is there, the Worker bundles, the Env types are current.`);
  process.exit(0);
}

console.log("Building the web app…");
buildWebIfStale(true);

const databases = JSON.parse(wrangler(["d1", "list", "--json"], { capture: true })) as { name: string }[];
if (!databases.some((db) => db.name === database.database_name)) {
  console.log(`Creating the D1 database ${database.database_name}…`);
  const location = process.env.CODALAB_D1_LOCATION;
  // No id goes into wrangler.toml: wrangler finds the database by its name.
  wrangler([
    "d1",
    "create",
    database.database_name,
    "--update-config=false",
    ...(location ? ["--location", location] : []),
  ]);
}

console.log("Applying D1 migrations…");
wrangler(["d1", "migrations", "apply", "DB", "--remote", "--env", envName]);

console.log("Deploying the Worker…");
wrangler(["deploy", "--env", envName, ...(values["secrets-file"] ? ["--secrets-file", values["secrets-file"]] : [])]);
console.log(`
Deployed. Next: attach runners (docs/operators/runners.md). The admin account (${deployed.vars.ADMIN_USERNAME ?? "codalab"})
is created on the first request with the ADMIN_PASSWORD secret.`);
