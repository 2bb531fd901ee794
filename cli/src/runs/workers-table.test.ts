import { describe, expect, it } from "vitest";
import { parseWorkerList } from "../api/worker-wire.ts";
import { workerColumns, workerRows } from "./workers-table.ts";

const worker = (fields: Record<string, unknown>) => ({
  id: "w",
  name: "w",
  owner_id: "u1",
  owner_name: "alice",
  group_uuid: null,
  tag: null,
  tag_exclusive: false,
  connected: true,
  last_checkin: 1000,
  cpus: 4,
  gpus: 0,
  memory_bytes: 8 * 1024 ** 3,
  free_disk_bytes: 100 * 1024 ** 3,
  cpus_used: 1,
  gpus_used: 0,
  max_runs: null,
  is_terminating: false,
  runs: [],
  ...fields,
});

describe("cl workers table", () => {
  it("lists a shared-pool worker's runs that are yours and counts the others", () => {
    const workers = parseWorkerList({
      workers: [
        worker({ name: "pool-1", owner_name: "codalab", runs: ["0x1234567890abcdef"], run_count: 3 }),
        worker({ name: "mine", runs: ["0xaaaaaaaaaaaa", "0xbbbbbbbbbbbb"], run_count: 2 }),
        worker({ name: "pool-2", owner_name: "codalab", runs: [], run_count: 1 }),
      ],
    });
    expect(workerColumns(workers)).toContain("owner");
    const rows = workerRows(workers, 1060);
    expect(rows.map((row) => [row.worker_id, row.owner, row.runs])).toEqual([
      ["mine", "alice", "0xaaaaaa,0xbbbbbb"],
      ["pool-1", "codalab", "0x123456,+2 others"],
      ["pool-2", "codalab", "+1 other"],
    ]);
    expect(rows[1]?.last_checkin).toBe("1m ago");
  });

  it("reads an older server's answer without run_count as every run listed", () => {
    const workers = parseWorkerList({ workers: [worker({ runs: ["0xaaaaaaaaaaaa"] })] });
    expect(workers[0]?.run_count).toBe(1);
    expect(workerRows(workers, 1000)[0]?.runs).toBe("0xaaaaaa");
  });
});
