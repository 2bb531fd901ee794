/** The `cl` executable (bin/cl.js imports this): runs one command line and sets the exit status. */
import module from "node:module";

// Node's compile cache keeps the type-stripped, compiled modules between runs, which cuts start-up
// severalfold. Enabled before the dynamic imports below so they all benefit; bin/cl.js enabling it
// before importing this file would also spare the first type-stripping of all.
module.enableCompileCache?.();

const { createStdioOutput } = await import("./node/stdio-output.ts");
const { runCli } = await import("./run-cli.ts");
const { releaseConnections } = await import("./node/http-transport.ts");

const out = createStdioOutput();
process.exitCode = await runCli(process.argv.slice(2), {
  out,
  debug: process.env.CODALAB_DEBUG === "1",
  context: async () => (await import("./node/node-context.ts")).createNodeContext(out),
});
releaseConnections();
