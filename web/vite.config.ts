import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

export default defineConfig({
  plugins: [solid()],
  resolve: {
    // The web terminal runs the CLI's commands, whose argument parser (citty) uses Node's
    // util.parseArgs; the browser gets a faithful stand-in instead of Vite's throwing stub.
    alias: [
      { find: /^node:util$/, replacement: fileURLToPath(new URL("./src/terminal/parse-args.ts", import.meta.url)) },
    ],
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rolldownOptions: {
      // The terminal reaches every CLI command's module; those of upload, download and wedit import
      // Node modules, which Vite stubs for the browser. The terminal refuses upload before it loads
      // (terminal/command-line.ts); download and wedit refuse without a local filesystem before
      // touching the stubs. So the stubs are expected rather than worth a warning.
      onLog(level, log, handler) {
        if (level === "warn" && /has been externalized for browser compatibility/.test(log.message)) return;
        handler(level, log);
      },
      treeshake: {
        // core's modules only declare things (its zod schemas run at import but change nothing), so
        // what the web does not import can be dropped; otherwise every schema and zod come along.
        moduleSideEffects: [{ test: /[\\/]core[\\/]src[\\/]/, sideEffects: false }],
      },
      output: {
        codeSplitting: {
          groups: [
            // The framework changes rarely, so it gets a chunk of its own that browsers keep cached across deploys.
            { name: "solid", test: /[\\/]node_modules[\\/](solid-js|@solidjs)[\\/]/, priority: 2 },
            // Small modules several pages share go together: one request instead of a dozen tiny
            // ones on the way to the worksheet page's first render.
            { name: "shared", test: /[\\/]web[\\/]src[\\/]/, minShareCount: 2, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    // `vite` alone serves the app with hot reload; the API comes from `wrangler dev` on its usual port.
    proxy: { "/rest": "http://127.0.0.1:8787" },
  },
});
