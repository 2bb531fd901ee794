#!/usr/bin/env node
// Shim so npm can link the `cl-runner` bin at install time; the agent is TypeScript run by Node's
// type stripping, and the compile cache makes every start after the first skip that stripping.
import module from "node:module";

module.enableCompileCache?.();
await import("../src/main.ts");
