/**
 * The nightly monitoring run through the Worker's real `scheduled` handler (what the Cron Trigger
 * calls): a D1 backup in R2 that restores, retention, statistics, the daily report admins read,
 * and the other admin routes (queue, default quotas) with their refusals.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { DailyReport } from "@codalab/core";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../src/index.ts";
import { api, signUpAndLogIn, uniqueName } from "./helpers/api.ts";
import { createRun } from "./runs-fake-runner.ts";

let admin: string;
let user: string;

async function gunzipText(body: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(body.pipeThrough(new DecompressionStream("gzip"))).text();
}

/** Runs the Worker's scheduled handler as the Cron Trigger would, at `at`. */
async function nightly(at: string): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled?.(createScheduledController({ scheduledTime: new Date(at), cron: "17 3 * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

beforeAll(async () => {
  const login = await api<{ access_token: string }>("POST", "/rest/auth/login", {
    body: { username: "codalab", password: "test-admin-password" },
  });
  admin = login.body.access_token;
  user = (await signUpAndLogIn()).accessToken;
});

describe("the nightly run", () => {
  it("backs D1 up into R2 as gzipped SQL and keeps a report admins can read", async () => {
    const probe = (await signUpAndLogIn(uniqueName("backup_probe"))).userName;
    await nightly("2031-05-04T03:17:00Z");

    const object = await env.BUNDLES.get("backups/d1/2031-05-04.sql.gz");
    expect(object).not.toBeNull();
    const sql = await gunzipText(object?.body as ReadableStream<Uint8Array>);
    expect(sql).toMatch(/^-- CodaLab D1 backup, 2031-05-04T03:17:00\.000Z\./);
    expect(sql).toContain("CREATE TABLE `users`");
    expect(sql).toContain(`'${probe}'`);
    expect(sql).toContain("CREATE UNIQUE INDEX `users_user_name_unique`");
    expect(sql).not.toContain("_cf_");

    const res = await api<{ report: DailyReport }>("GET", "/rest/admin/reports/2031-05-04", { token: admin });
    expect(res.status).toBe(200);
    const { report } = res.body;
    expect(report.day).toBe("2031-05-04");
    expect(report.backup).toMatchObject({ key: "backups/d1/2031-05-04.sql.gz", deleted: [] });
    expect(report.backup && "rows" in report.backup && report.backup.rows).toBeGreaterThan(2);
    expect(report.statistics.users.total).toBeGreaterThanOrEqual(3);
    expect(report.statistics.database.size_bytes).toBeGreaterThan(0);
    expect(report.statistics.database.limit_bytes).toBe(10 * 1024 ** 3);

    const latest = await api<{ report: DailyReport }>("GET", "/rest/admin/reports/latest", { token: admin });
    expect(latest.body.report.day).toBe("2031-05-04");
  });

  it("writes a dump that restores rows exactly, long and odd values included", async () => {
    await env.DB.exec("CREATE TABLE restore_probe (id INTEGER PRIMARY KEY, body TEXT, amount REAL, note TEXT)");
    const long = `${"x'y".repeat(40_000)}\n${"😀".repeat(5_000)}`;
    const rows: [number, string | null, number | null, string | null][] = [
      [1, "it's", 1.5, null],
      [2, "two\nlines\ttab", -0.25, "é ✓"],
      [3, long, null, "short"],
    ];
    await env.DB.batch(rows.map((row) => env.DB.prepare("INSERT INTO restore_probe VALUES (?, ?, ?, ?)").bind(...row)));
    await nightly("2031-05-05T03:17:00Z");
    const sql = await gunzipText(
      (await env.BUNDLES.get("backups/d1/2031-05-05.sql.gz"))?.body as ReadableStream<Uint8Array>,
    );

    await env.DB.exec("DROP TABLE restore_probe");
    const statements = sql.split("\n").filter((line) => /\brestore_probe\b/.test(line));
    expect(statements.length).toBeGreaterThan(rows.length + 1);
    for (const statement of statements) await env.DB.prepare(statement).run();
    const restored = await env.DB.prepare("SELECT * FROM restore_probe ORDER BY id").raw();
    expect(restored).toEqual(rows);
    await env.DB.exec("DROP TABLE restore_probe");
  });

  it("sends a backup larger than one part as a multipart upload", { timeout: 60_000 }, async () => {
    await env.DB.exec("CREATE TABLE bulk_probe (id INTEGER PRIMARY KEY, body TEXT)");
    // Random text barely compresses: 12 rows of 1 MB make more than one 8 MiB part of gzip.
    const randomText = () => {
      const bytes = new Uint8Array(768 * 1024);
      for (let i = 0; i < bytes.length; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536));
      let binary = "";
      for (const byte of bytes) binary += String.fromCharCode(byte);
      return btoa(binary);
    };
    for (let id = 1; id <= 12; id++)
      await env.DB.prepare("INSERT INTO bulk_probe VALUES (?, ?)").bind(id, randomText()).run();
    await nightly("2031-05-03T03:17:00Z");
    await env.DB.exec("DROP TABLE bulk_probe");
    const object = await env.BUNDLES.get("backups/d1/2031-05-03.sql.gz");
    expect(object?.size).toBeGreaterThan(8 * 1024 * 1024);
    const sql = await gunzipText(object?.body as ReadableStream<Uint8Array>);
    expect(sql.split("\n").filter((line) => line.startsWith('INSERT INTO "bulk_probe"'))).toHaveLength(12);
    expect(sql.trimEnd().split("\n").at(-1)).toMatch(/^CREATE /);
  });

  it("deletes backups past the retention period, and nothing else", async () => {
    await env.BUNDLES.put("backups/d1/2031-03-01.sql.gz", "old");
    await env.BUNDLES.put("backups/d1/2031-04-10.sql.gz", "recent");
    await env.BUNDLES.put("backups/d1/README", "kept");
    await nightly("2031-05-06T03:17:00Z");
    // BACKUP_RETENTION_DAYS is 30: 2031-04-07 onwards stay.
    expect(await env.BUNDLES.head("backups/d1/2031-03-01.sql.gz")).toBeNull();
    expect(await env.BUNDLES.head("backups/d1/2031-04-10.sql.gz")).not.toBeNull();
    expect(await env.BUNDLES.head("backups/d1/README")).not.toBeNull();
    const report = await api<{ report: DailyReport }>("GET", "/rest/admin/reports/2031-05-06", { token: admin });
    expect(report.body.report.backup).toMatchObject({ deleted: ["backups/d1/2031-03-01.sql.gz"] });
  });
});

describe("reports on demand", () => {
  it("makes today's report without a backup, keeping one made earlier today", async () => {
    const bare = await api<{ report: DailyReport }>("POST", "/rest/admin/reports", { token: admin });
    expect(bare.status).toBe(201);
    expect(bare.body.report.backup).toBeNull();
    const withBackup = await api<{ report: DailyReport }>("POST", "/rest/admin/reports", {
      token: admin,
      body: { backup: true },
    });
    const today = new Date().toISOString().slice(0, 10);
    expect(withBackup.body.report.backup).toMatchObject({ key: `backups/d1/${today}.sql.gz` });
    const again = await api<{ report: DailyReport }>("POST", "/rest/admin/reports", { token: admin, body: {} });
    expect(again.body.report.backup).toEqual(withBackup.body.report.backup);
  });

  it("lists the days kept, newest first, with their warnings", async () => {
    const res = await api<{ reports: { day: string; warnings: string[] }[] }>("GET", "/rest/admin/reports?limit=2", {
      token: admin,
    });
    expect(res.status).toBe(200);
    expect(res.body.reports).toHaveLength(2);
    expect(
      res.body.reports[0]?.day && res.body.reports[1]?.day && res.body.reports[0].day > res.body.reports[1].day,
    ).toBe(true);
  });
});

describe("the run queue", () => {
  it("shows a waiting run with why it waits and who owns it", async () => {
    const run = await createRun(user, "echo queued", { metadata: { request_queue: uniqueName("nowhere") } });
    const res = await api<{ waiting: { uuid: string; owner_name: string; state: string; request_queue: string }[] }>(
      "GET",
      "/rest/admin/queue",
      { token: admin },
    );
    expect(res.status).toBe(200);
    const entry = res.body.waiting.find((item) => item.uuid === run.uuid);
    expect(entry).toMatchObject({ state: expect.stringMatching(/^(created|staged)$/), owner_name: expect.any(String) });
  });
});

describe("default quotas", () => {
  it("come from the deployment until an admin sets them, and only new accounts get the new ones", async () => {
    const before = await api<{ default_quotas: Record<string, number>; overridden: string[] }>(
      "GET",
      "/rest/admin/default-quotas",
      { token: admin },
    );
    expect(before.status).toBe(200);
    expect(before.body.default_quotas.parallel_run_quota).toBe(3);

    const set = await api<{ default_quotas: Record<string, number>; overridden: string[] }>(
      "PATCH",
      "/rest/admin/default-quotas",
      { token: admin, body: { parallel_run_quota: 7, disk_quota: 2 ** 30 } },
    );
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      default_quotas: { ...before.body.default_quotas, parallel_run_quota: 7, disk_quota: 2 ** 30 },
      overridden: ["disk_quota", "parallel_run_quota"],
    });
    const fresh = await signUpAndLogIn();
    const me = await api<{ user: { parallel_run_quota: number; disk_quota: number } }>("GET", "/rest/user", {
      token: fresh.accessToken,
    });
    expect(me.body.user).toMatchObject({ parallel_run_quota: 7, disk_quota: 2 ** 30 });
    await api("PATCH", "/rest/admin/default-quotas", { token: admin, body: { parallel_run_quota: 3 } });
  });

  it("refuses nothing to change, a negative value and an unknown field", async () => {
    const empty = await api<{ error: { code: string; message: string } }>("PATCH", "/rest/admin/default-quotas", {
      token: admin,
      body: {},
    });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({
      code: "VALIDATION_FAILED",
      message: "nothing to change: give time_quota, disk_quota or parallel_run_quota",
    });
    for (const body of [{ time_quota: -1 }, { parallel_run_quota: 1.5 }, { cpu_quota: 2 }]) {
      const res = await api<{ error: { code: string } }>("PATCH", "/rest/admin/default-quotas", { token: admin, body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
    }
  });
});

describe("who may administer", () => {
  const routes: [string, string][] = [
    ["GET", "/rest/admin/reports"],
    ["GET", "/rest/admin/reports/latest"],
    ["POST", "/rest/admin/reports"],
    ["GET", "/rest/admin/queue"],
    ["GET", "/rest/admin/default-quotas"],
    ["PATCH", "/rest/admin/default-quotas"],
  ];

  it("refuses users who are not administrators, and asks anonymous callers to log in", async () => {
    for (const [method, path] of routes) {
      const body = method === "PATCH" ? { parallel_run_quota: 1 } : undefined;
      const asUser = await api<{ error: { code: string; message: string } }>(method, path, { token: user, body });
      expect([path, asUser.status, asUser.body.error]).toEqual([
        path,
        403,
        expect.objectContaining({ code: "FORBIDDEN", message: "only instance administrators can do this" }),
      ]);
      const anonymous = await api<{ error: { code: string } }>(method, path, { body });
      expect([path, anonymous.status, anonymous.body.error.code]).toEqual([path, 401, "UNAUTHENTICATED"]);
    }
  });

  it("says which day is malformed or has no report", async () => {
    const bad = await api<{ error: { code: string; message: string } }>("GET", "/rest/admin/reports/yesterday", {
      token: admin,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
    expect(bad.body.error.message).toContain("must be a day as YYYY-MM-DD, or latest");
    const none = await api<{ error: { code: string; message: string } }>("GET", "/rest/admin/reports/1999-01-01", {
      token: admin,
    });
    expect(none.status).toBe(404);
    expect(none.body.error).toMatchObject({ code: "NOT_FOUND", message: "no daily report for 1999-01-01" });
  });
});
