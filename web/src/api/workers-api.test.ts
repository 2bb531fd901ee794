import { beforeEach, describe, expect, it, vi } from "vitest";
import { http } from "./http-client.ts";
import { listWorkers, otherRuns, otherRunsLabel } from "./workers-api.ts";

vi.mock("./http-client.ts", () => ({ http: { request: vi.fn() } }));

describe("workers API", () => {
  beforeEach(() => vi.mocked(http.request).mockReset());

  it("counts the shared pool's runs that are not yours", async () => {
    vi.mocked(http.request).mockResolvedValue({
      workers: [
        { id: "pool", name: "pool-1", runs: ["0xmine"], run_count: 4, shared_pool: true },
        { id: "old", name: "from-an-older-server", runs: ["0xa", "0xb"] },
        { name: "no id" },
      ],
    });
    const workers = await listWorkers();
    expect(workers.map((worker) => [worker.id, otherRuns(worker)])).toEqual([
      ["pool", 3],
      ["old", 0],
    ]);
    expect(http.request).toHaveBeenCalledWith("/rest/workers");
  });

  it("refuses an answer without a worker list", async () => {
    vi.mocked(http.request).mockResolvedValue({ error: "?" });
    await expect(listWorkers()).rejects.toMatchObject({ code: "INTERNAL" });
  });

  it("labels the runs it does not name", () => {
    expect(otherRunsLabel({ runs: ["0xmine"], run_count: 3 })).toBe("+2 other runs");
    expect(otherRunsLabel({ runs: ["0xmine"], run_count: 2 })).toBe("+1 other run");
    expect(otherRunsLabel({ runs: [], run_count: 1 })).toBe("1 run");
    expect(otherRunsLabel({ runs: ["0xa"], run_count: 1 })).toBeNull();
  });
});
