#!/usr/bin/env node
// Shim so npm can link the `cl` bin at install time; the CLI itself is TypeScript run by Node's type stripping.
import "../src/main.ts";
