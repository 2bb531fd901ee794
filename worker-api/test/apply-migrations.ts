import { applyD1Migrations, env } from "cloudflare:test";

// Runs before every test file; applying already-applied migrations is a no-op.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
