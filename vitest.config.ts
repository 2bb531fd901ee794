import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const migrationsDir = fileURLToPath(new URL("./migrations", import.meta.url));

export default defineConfig({
  test: {
    coverage: {
      provider: "v8",
      include: ["core/src/**", "cli/src/**", "runner-agent/src/**", "web/src/**"],
      // Components (.tsx) are covered by browser tests, which v8 coverage cannot see.
      exclude: ["**/*.test.ts", "**/*.test.tsx", "**/main.ts", "web/src/**/*.tsx"],
      reporter: ["text-summary", "json-summary"],
      thresholds: { lines: 70, "core/src/**": { lines: 85 } },
    },
    projects: [
      {
        test: {
          name: "unit",
          include: ["core/src/**/*.test.ts", "cli/src/**/*.test.ts", "runner-agent/src/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: { name: "web", include: ["web/src/**/*.test.ts"], environment: "node" },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations(migrationsDir),
                ADMIN_PASSWORD: "test-admin-password",
                // A server maximum to test against (worker-api/test/runs-quotas.test.ts); none by default.
                MAX_REQUEST_MEMORY: "64g",
              },
            },
          })),
        ],
        test: {
          name: "api",
          include: ["worker-api/test/**/*.test.ts"],
          setupFiles: ["./worker-api/test/apply-migrations.ts"],
          // Each test drives real D1, R2 and Durable Objects in workerd; on a busy 2-core machine
          // a multi-step run lifecycle can take several seconds.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/**/*.test.ts"],
          environment: "node",
          globalSetup: ["./test/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
