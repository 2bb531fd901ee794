import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

export default defineConfig({
  plugins: [solid()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rolldownOptions: {
      treeshake: {
        // core's modules only declare things (its zod schemas run at import but change nothing), so
        // what the web does not import can be dropped; otherwise every schema and zod come along.
        moduleSideEffects: [{ test: /[\\/]core[\\/]src[\\/]/, sideEffects: false }],
      },
      output: {
        // The framework changes rarely, so it gets a chunk of its own that browsers keep cached across deploys.
        codeSplitting: { groups: [{ name: "solid", test: /[\\/]node_modules[\\/](solid-js|@solidjs)[\\/]/ }] },
      },
    },
  },
  server: {
    port: 5173,
    // `vite` alone serves the app with hot reload; the API comes from `wrangler dev` on its usual port.
    proxy: { "/rest": "http://127.0.0.1:8787" },
  },
});
