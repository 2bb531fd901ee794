#!/usr/bin/env node
// Shim so npm can link the `cl` bin at install time; the CLI itself is TypeScript run by Node's
// type stripping. The compile cache makes every start after the first skip that stripping.
import module from "node:module";

module.enableCompileCache?.();
await import("../src/main.ts");
