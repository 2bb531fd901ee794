/**
 * Starts one real local instance (wrangler dev with fresh local D1/R2/DO state) for all end-to-end
 * tests and hands its URL and admin credentials to them through vitest's `inject`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { buildWebIfStale, startInstance } from "../scripts/local-instance.ts";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    adminUsername: string;
    adminPassword: string;
  }
}

export default async function setup(project: TestProject) {
  const persistDir = mkdtempSync(join(tmpdir(), "codalab-e2e-"));
  const adminPassword = "e2e-admin-password";
  buildWebIfStale();
  const port = 18787 + Math.floor(Math.random() * 1000);
  const instance = await startInstance({
    port,
    persistDir,
    // URL uploads come from HTTP servers the tests start on this machine (cli-upload-url.test.ts).
    vars: { ADMIN_PASSWORD: adminPassword, URL_UPLOADS_ALLOW_PRIVATE_HOSTS: "true" },
  });
  project.provide("baseUrl", instance.url);
  project.provide("adminUsername", "codalab");
  project.provide("adminPassword", adminPassword);
  return async () => {
    await instance.stop();
    rmSync(persistDir, { recursive: true, force: true });
  };
}
