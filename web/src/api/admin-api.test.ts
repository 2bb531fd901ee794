import { beforeEach, describe, expect, it, vi } from "vitest";
import { fetchReport, generateReport, listReports } from "./admin-api.ts";
import { http } from "./http-client.ts";

vi.mock("./http-client.ts", () => ({ http: { request: vi.fn() } }));

const statistics = { bundles: {}, users: {}, workers: {}, queue: {}, database: {} };
const report = { day: "2026-01-31", generated_at: 1, statistics, backup: null, warnings: ["a warning"] };

describe("admin report API", () => {
  beforeEach(() => vi.mocked(http.request).mockReset());

  it("reads the latest report, or a given day's", async () => {
    vi.mocked(http.request).mockResolvedValue({ report });
    await expect(fetchReport()).resolves.toMatchObject({ day: "2026-01-31", warnings: ["a warning"] });
    expect(http.request).toHaveBeenCalledWith("/rest/admin/reports/latest");
    await fetchReport("2026-01-30");
    expect(http.request).toHaveBeenLastCalledWith("/rest/admin/reports/2026-01-30");
  });

  it("refuses an answer that is not a report", async () => {
    vi.mocked(http.request).mockResolvedValue({ report: { ...report, statistics: { bundles: {} } } });
    await expect(fetchReport()).rejects.toMatchObject({ code: "INTERNAL" });
  });

  it("lists the days and makes today's report without a backup", async () => {
    vi.mocked(http.request).mockResolvedValueOnce({ reports: [{ day: "d", generated_at: 1, warnings: [] }, {}] });
    await expect(listReports()).resolves.toEqual([{ day: "d", generated_at: 1, warnings: [] }]);
    expect(http.request).toHaveBeenCalledWith("/rest/admin/reports", { query: { limit: 30 } });
    vi.mocked(http.request).mockResolvedValueOnce({ report });
    await generateReport();
    expect(http.request).toHaveBeenLastCalledWith("/rest/admin/reports", { method: "POST", body: { backup: false } });
  });
});
