import { CodalabError } from "@codalab/core/errors";
import { RunnerMessageSchema } from "@codalab/core/runs/protocol";
import { describe, expect, it } from "vitest";
import { assignedRun } from "../testing/fixtures.ts";
import {
  MEMORY_LIMIT_MESSAGE,
  newRunRecord,
  type RunEvent,
  type RunRecord,
  RunRecordSchema,
  reportMessage,
  runFinishedMessage,
  runUpdateMessage,
  TIME_LIMIT_MESSAGE,
  transitionRun,
} from "./run-machine.ts";

const T0 = 1_700_000_000_000;

function run(events: RunEvent[], record = newRunRecord(assignedRun(), "docker", T0)): RunRecord {
  return events.reduce(transitionRun, record);
}

const started: RunEvent = {
  type: "container_started",
  at: T0 + 2000,
  container_id: "c1",
  docker_image: "img@x",
  mounts: [],
};

describe("the per-run state machine", () => {
  it("goes preparing → running → uploading → finalizing → finished and times each stage", () => {
    const record = run([
      started,
      { type: "container_exited", at: T0 + 12_000, exitcode: 0, oom_killed: false },
      { type: "upload_started", at: T0 + 12_500 },
      { type: "upload_finished", at: T0 + 14_500, error: null },
    ]);
    expect(record.stage).toBe("finalizing");
    expect(record.stage_times).toEqual({ preparing: 2, running: 10, cleaning_up: 0.5, uploading_results: 2 });
    expect(record).toMatchObject({ exitcode: 0, failure_message: null, killed: false, has_contents: true });
    const finished = transitionRun(record, { type: "finalized", at: T0 + 20_000 });
    expect(finished.stage).toBe("finished");
    expect(finished.stage_times).toEqual(record.stage_times);
  });

  it("reports a requested kill as the failure, and killed", () => {
    const record = run([
      started,
      { type: "kill_requested", at: T0 + 3000, message: "Kill requested" },
      { type: "container_exited", at: T0 + 3100, exitcode: 137, oom_killed: false },
    ]);
    expect(record).toMatchObject({ killed: true, failure_message: "Kill requested", exitcode: 137 });
  });

  it("keeps the first kill message and the first limit", () => {
    const record = run([
      started,
      { type: "limit_exceeded", at: T0 + 3000, message: TIME_LIMIT_MESSAGE },
      { type: "limit_exceeded", at: T0 + 3001, message: "Disk limit exceeded." },
      { type: "container_exited", at: T0 + 3100, exitcode: 137, oom_killed: false },
    ]);
    expect(record).toMatchObject({ killed: true, failure_message: TIME_LIMIT_MESSAGE });
    const killedTwice = run([
      { type: "kill_requested", at: T0, message: "Kill requested" },
      { type: "kill_requested", at: T0, message: "Kill requested: again" },
    ]);
    expect(killedTwice.kill_message).toBe("Kill requested");
  });

  it("turns an OOM kill into CodaLab's memory message", () => {
    const record = run([started, { type: "container_exited", at: T0 + 3000, exitcode: 137, oom_killed: true }]);
    expect(record.failure_message).toBe(MEMORY_LIMIT_MESSAGE);
  });

  it("ends a failed preparation without contents, and a kill while preparing with the kill message", () => {
    const failed = run([{ type: "preparation_failed", at: T0 + 10, message: "image not found locally: img" }]);
    expect(failed).toMatchObject({
      stage: "uploading",
      has_contents: false,
      failure_message: "image not found locally: img",
    });
    const aborted = run([
      { type: "kill_requested", at: T0, message: "Kill requested" },
      { type: "preparation_aborted", at: T0 + 10 },
    ]);
    expect(aborted).toMatchObject({ stage: "uploading", killed: true, failure_message: "Kill requested" });
  });

  it("appends an upload error to the failure message", () => {
    const record = run([
      started,
      { type: "container_exited", at: T0 + 3000, exitcode: 1, oom_killed: false },
      { type: "upload_started", at: T0 + 3000 },
      { type: "upload_finished", at: T0 + 4000, error: "disk quota exceeded" },
    ]);
    expect(record.failure_message).toBe("Error while uploading results: disk quota exceeded");
    const lost = run([
      started,
      { type: "container_lost", at: T0 + 3000, message: "container gone" },
      { type: "upload_started", at: T0 + 3000 },
      { type: "upload_started", at: T0 + 3001 },
      { type: "upload_finished", at: T0 + 4000, error: "refused" },
    ]);
    expect(lost.failure_message).toBe("container gone Error while uploading results: refused");
  });

  it.each<[string, RunEvent[], RunEvent]>([
    ["a second start", [started], started],
    ["an exit before the start", [], { type: "container_exited", at: T0, exitcode: 0, oom_killed: false }],
    ["a limit while preparing", [], { type: "limit_exceeded", at: T0, message: TIME_LIMIT_MESSAGE }],
    ["finalizing a running run", [started], { type: "finalized", at: T0 }],
    ["an upload before the run ends", [started], { type: "upload_started", at: T0 }],
    ["finishing an upload that never began", [started], { type: "upload_finished", at: T0, error: null }],
    ["failing a running run's preparation", [started], { type: "preparation_failed", at: T0, message: "x" }],
    ["losing a container before it started", [], { type: "container_lost", at: T0, message: "x" }],
  ])("refuses %s", (_, before, event) => {
    expect(() => transitionRun(run(before), event)).toThrow(CodalabError);
  });

  it("ignores a kill once finished", () => {
    const finished: RunRecord = { ...run([]), stage: "finished" };
    expect(transitionRun(finished, { type: "kill_requested", at: T0, message: "x" })).toBe(finished);
  });

  it("builds protocol messages that pass the protocol's schemas", () => {
    const running = run([started, { type: "status", run_status: "Running.", usage: { memory: 1024 } }]);
    const update = runUpdateMessage(running, T0 + 7000);
    expect(update).toMatchObject({ stage: "running", usage: { memory: 1024, time: 5 }, docker_image: "img@x" });
    expect(update?.stage_times).toEqual({ preparing: 2, running: 5 });
    expect(RunnerMessageSchema.safeParse(update).success).toBe(true);
    const finalizing = run(
      [
        { type: "container_exited", at: T0 + 9000, exitcode: 2, oom_killed: false },
        { type: "upload_started", at: T0 + 9000 },
        { type: "upload_finished", at: T0 + 9000, error: null },
      ],
      running,
    );
    const finished = runFinishedMessage(finalizing, T0 + 99_000);
    expect(finished).toMatchObject({ exitcode: 2, killed: false, usage: { time: 7 } });
    expect(RunnerMessageSchema.safeParse(finished).success).toBe(true);
    expect(reportMessage(finalizing, T0)?.type).toBe("run_finished");
    expect(reportMessage(running, T0)?.type).toBe("run_update");
    expect(reportMessage({ ...finalizing, stage: "finished" }, T0)).toBeNull();
  });

  it("round-trips a record through the persisted schema", () => {
    const record = run([started]);
    expect(RunRecordSchema.parse(JSON.parse(JSON.stringify(record)))).toEqual(record);
  });
});
