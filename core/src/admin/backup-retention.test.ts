import { describe, expect, it } from "vitest";
import { backupKey, expiredBackups, utcDay } from "./backup-retention.ts";

describe("backup names and retention", () => {
  it("names one backup per UTC day", () => {
    expect(utcDay(Date.parse("2026-03-01T23:59:59-05:00"))).toBe("2026-03-02");
    expect(backupKey("2026-03-02")).toBe("backups/d1/2026-03-02.sql.gz");
  });

  it("keeps the last N days, today included, and never touches other keys", () => {
    const keys = ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"].map(backupKey);
    expect(expiredBackups([...keys, "backups/d1/notes.txt", "bundles/0xabc/contents"], "2026-03-02", 2)).toEqual([
      backupKey("2026-02-27"),
      backupKey("2026-02-28"),
    ]);
    expect(expiredBackups(keys, "2026-03-02", 30)).toEqual([]);
  });
});
