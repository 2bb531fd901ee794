/**
 * Builds the installable `cl-runner` package: Node refuses to strip types from files under
 * node_modules, so an installed runner cannot run our TypeScript the way a checkout does. esbuild
 * bundles `main.ts` with core, zod and dockerode into plain JavaScript (dockerode in a chunk of
 * its own, loaded only when Docker is tried), next to a package.json without dependencies, the
 * README and the operator examples. `npm pack` of the result is what operators install; the
 * Dockerfile copies it into an image.
 *
 *   node runner-agent/src/packaging/build-package.ts [OUT_DIR]   # default runner-agent/dist/package
 */
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const agentRoot = fileURLToPath(new URL("../..", import.meta.url));
export const DEFAULT_PACKAGE_DIR = join(agentRoot, "dist/package");
/** The file the `cl-runner` bin points at inside the package. */
export const ENTRY_FILE = "cl-runner.js";
const EXAMPLES = ["cl-runner.service", "runner.conf"];

type WorkspaceManifest = { name: string; version: string; description?: string };

export async function buildRunnerPackage(outDir: string = DEFAULT_PACKAGE_DIR): Promise<string> {
  const workspace = JSON.parse(await readFile(join(agentRoot, "package.json"), "utf8")) as WorkspaceManifest;
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, "examples"), { recursive: true });
  await build({
    entryPoints: { "cl-runner": join(agentRoot, "src/main.ts") },
    outdir: outDir,
    entryNames: "[name]",
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node24",
    minifySyntax: true,
    legalComments: "linked",
    logLevel: "warning",
    // dockerode's dependencies are CommonJS: they call require() and read __dirname (ssh2 does at
    // import), which ESM output lacks. Each output file gets its own.
    banner: {
      js: [
        "#!/usr/bin/env node",
        "import { createRequire as __createRequire } from 'node:module';",
        "import { fileURLToPath as __fileURLToPath } from 'node:url';",
        "const require = __createRequire(import.meta.url);",
        "const __filename = __fileURLToPath(import.meta.url);",
        "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
      ].join("\n"),
    },
    // Optional native speed-ups of ssh2 (Docker over SSH); it falls back to JavaScript without them.
    external: ["cpu-features", "*.node"],
  });
  const manifest = {
    name: workspace.name,
    version: workspace.version,
    description: "cl-runner: the CodaLab runner agent, which runs bundles on a compute host for a CodaLab server",
    type: "module",
    bin: { "cl-runner": ENTRY_FILE },
    engines: { node: ">=24" },
    files: [ENTRY_FILE, "chunks", "examples", "README.md"],
  };
  await writeFile(join(outDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  await copyFile(join(agentRoot, "README.md"), join(outDir, "README.md"));
  for (const example of EXAMPLES) {
    await copyFile(join(agentRoot, "examples", example), join(outDir, "examples", example));
  }
  return outDir;
}

if (import.meta.main) {
  const outDir = await buildRunnerPackage(process.argv[2]);
  console.log(`cl-runner package in ${outDir} (install: npm install -g ${outDir}, or npm pack it)`);
}
