#!/usr/bin/env node
// Shim so npm can link the `cl-runner` bin at install time; the agent is TypeScript run by Node's type stripping.
import "../src/main.ts";
