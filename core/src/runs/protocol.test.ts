import { describe, expect, it } from "vitest";
import { CodalabError } from "../errors.ts";
import {
  decodeChunk,
  encodeChunk,
  encodeMessage,
  isCommand,
  MAX_MESSAGE_BYTES,
  MAX_READ_CHUNK_BYTES,
  type ParseResult,
  PROTOCOL_VERSION,
  parseRunnerMessage,
  parseServerMessage,
  type RunnerMessage,
  type RunnerMessageInput,
  type ServerMessage,
} from "./protocol.ts";

const UUID = `0x${"a".repeat(32)}`;
const PARENT = `0x${"b".repeat(32)}`;

const hello: RunnerMessageInput = {
  type: "hello",
  protocol_version: PROTOCOL_VERSION,
  worker_name: "laptop",
  hostname: "laptop.local",
  runtime: "docker",
  capacity: { cpus: 8, gpus: 1, memory_bytes: 16 * 1024 ** 3, free_disk_bytes: 100 * 1024 ** 3 },
  tag: "gpu-1",
  tag_exclusive: true,
  group: "lab",
  max_runs: 10,
  preemptible: false,
  is_terminating: false,
  runs: [{ uuid: UUID, stage: "running" }],
  cached_dependencies: [{ parent_uuid: PARENT, parent_path: "data" }],
  agent_version: "0.1.0",
};

const runnerMessages: RunnerMessageInput[] = [
  hello,
  { type: "run_ack", uuid: UUID },
  { type: "run_rejected", uuid: UUID, reason: "image not available" },
  {
    type: "run_update",
    uuid: UUID,
    stage: "running",
    run_status: "Running",
    usage: {
      time: 1.5,
      time_user: 1,
      time_system: 0.2,
      memory: 10,
      memory_max: 20,
      cpu_usage: 1.7,
      memory_usage: 0.1,
      disk_bytes: 4096,
    },
    docker_image: "sha256:abc",
    stage_times: { preparing: 2, running: 1.5 },
    runtime: "docker",
  },
  { type: "run_restaged", uuid: UUID, reason: "handed back: the worker is shutting down" },
  {
    type: "run_finished",
    uuid: UUID,
    exitcode: 1,
    failure_message: null,
    killed: false,
    usage: { time: 3 },
    runtime: "process",
  },
  { type: "read_chunk", id: "r1", index: 0, data: "aGVsbG8=" },
  {
    type: "read_end",
    id: "r1",
    chunks: 1,
    info: {
      name: "",
      type: "directory",
      size: 4096,
      perm: 0o755,
      contents: [
        { name: "stdout", type: "file", size: 5, perm: 0o644 },
        { name: "l", type: "link", size: 0, perm: 0o777, link: "stdout" },
      ],
    },
  },
  { type: "read_error", id: "r1", code: "not_found", message: "no such file" },
  { type: "heartbeat" },
  { type: "pong", nonce: "n1" },
  {
    type: "capacity_update",
    capacity: { free_disk_bytes: 5 },
    cached_dependencies: [],
    max_runs: null,
    is_terminating: true,
  },
  { type: "ack", seq: 7 },
];

const serverMessages: ServerMessage[] = [
  {
    type: "welcome",
    protocol_version: PROTOCOL_VERSION,
    worker_id: "w-1",
    server_time: 1_700_000_000_000,
    heartbeat_interval_ms: 15_000,
  },
  {
    type: "assign",
    seq: 1,
    run: {
      uuid: UUID,
      command: "python train.py",
      owner_id: "u-1",
      dependencies: [{ child_path: "data", parent_uuid: PARENT, parent_path: "", parent_name: "mnist" }],
      requirements: {
        docker_image: "python:3.12",
        time: 3600,
        memory: 2 ** 31,
        disk: 2 ** 33,
        cpus: 1,
        gpus: 0,
        network: false,
      },
      exclude_patterns: ["*.ckpt"],
    },
  },
  { type: "kill", seq: 2, uuid: UUID, message: "Kill requested" },
  { type: "write", seq: 3, uuid: UUID, subpath: "note.txt", string: "hi" },
  { type: "read", id: "r1", uuid: UUID, path: "stdout", spec: { kind: "file", offset: 0, length: 100 } },
  { type: "read", id: "r2", uuid: UUID, path: "", spec: { kind: "info", depth: 1 } },
  {
    type: "read",
    id: "r3",
    uuid: UUID,
    path: "log",
    spec: { kind: "summary", head: 10, tail: 10, max_line_length: 80 },
  },
  { type: "read", id: "r4", uuid: UUID, path: "", spec: { kind: "stream_directory" } },
  { type: "mark_finalized", seq: 4, uuid: UUID },
  { type: "reconcile", seq: 5, keep: [UUID], kill: [] },
  { type: "ping", nonce: "n1" },
  { type: "error", code: "hello_expected", message: "expected hello", fatal: true },
];

function parsed<T>(result: ParseResult<T>): T {
  if (!result.ok) throw result.error;
  return result.message;
}

function rejected<T>(result: ParseResult<T>): CodalabError {
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.message)}`);
  expect(result.error).toBeInstanceOf(CodalabError);
  expect(result.error.code).toBe("VALIDATION_FAILED");
  return result.error;
}

describe("round trips", () => {
  it.each(runnerMessages.map((m) => [m.type, m] as const))(
    "a runner %s message survives encode and parse",
    (_type, message) => {
      expect(parsed(parseRunnerMessage(encodeMessage(message)))).toMatchObject(message as Record<string, unknown>);
    },
  );

  it.each(serverMessages.map((m) => [m.type, m] as const))(
    "a server %s message survives encode and parse",
    (_type, message) => {
      expect(parsed(parseServerMessage(encodeMessage(message)))).toEqual(message);
    },
  );

  it("fills defaults a minimal hello leaves out", () => {
    const minimal = {
      type: "hello",
      protocol_version: 1,
      worker_name: "w",
      hostname: "h",
      runtime: "process",
      capacity: { cpus: 1, gpus: 0, memory_bytes: 1, free_disk_bytes: 1 },
      runs: [],
      cached_dependencies: [],
    };
    expect(parsed(parseRunnerMessage(JSON.stringify(minimal)))).toMatchObject({
      tag: null,
      tag_exclusive: false,
      group: null,
      max_runs: null,
      preemptible: false,
      is_terminating: false,
    });
  });

  it("parses binary frames holding UTF-8 JSON", () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ type: "heartbeat" }));
    expect(parsed(parseRunnerMessage(bytes))).toEqual({ type: "heartbeat" });
    expect(parsed(parseRunnerMessage(bytes.buffer))).toEqual({ type: "heartbeat" });
  });

  it("ignores unknown fields so that newer peers can add some", () => {
    expect(parsed(parseRunnerMessage(JSON.stringify({ type: "ack", seq: 1, extra: true })))).toEqual({
      type: "ack",
      seq: 1,
    });
  });

  it("tells commands from other server messages", () => {
    expect(serverMessages.filter(isCommand).map((m) => m.type)).toEqual([
      "assign",
      "kill",
      "write",
      "mark_finalized",
      "reconcile",
    ]);
  });
});

describe("malformed frames", () => {
  it("refuses text that is not JSON", () => {
    expect(rejected(parseRunnerMessage("{not json")).message).toBe("protocol error: frame is not JSON");
  });

  it("refuses binary frames that are not UTF-8", () => {
    expect(rejected(parseRunnerMessage(new Uint8Array([0xff, 0xfe, 0xfd]))).message).toMatch(/not UTF-8/);
  });

  it("refuses unknown message types and non-objects", () => {
    expect(rejected(parseRunnerMessage(JSON.stringify({ type: "launch_missiles" }))).message).toMatch(
      /invalid launch_missiles message/,
    );
    expect(rejected(parseRunnerMessage("42")).message).toMatch(/invalid message/);
    expect(rejected(parseServerMessage(JSON.stringify({ type: "hello" }))).message).toMatch(/invalid hello message/);
  });

  it.each([
    ["a bad uuid", { type: "run_ack", uuid: "0x123" }, /uuid: must be a bundle uuid/],
    ["a missing field", { type: "run_update", uuid: UUID, stage: "running" }, /run_status/],
    ["an unknown stage", { type: "run_update", uuid: UUID, stage: "dancing", run_status: "" }, /stage/],
    [
      "negative usage",
      { type: "run_update", uuid: UUID, stage: "running", run_status: "", usage: { memory: -1 } },
      /usage\.memory/,
    ],
    ["a fractional exit code", { type: "run_finished", uuid: UUID, exitcode: 1.5, failure_message: null }, /exitcode/],
    [
      "chunk data that is not base64",
      { type: "read_chunk", id: "r", index: 0, data: "not base64!" },
      /data: must be base64/,
    ],
    ["an oversized chunk", { type: "read_chunk", id: "r", index: 0, data: "A".repeat(400_000) }, /data/],
    ["a tag with spaces", { ...hello, tag: "my tag" }, /tag: must be letters, digits and hyphens/],
    ["an unknown runtime", { ...hello, runtime: "singularity" }, /runtime/],
    ["a negative seq", { type: "ack", seq: -1 }, /seq/],
    ["an unknown read error code", { type: "read_error", id: "r", code: "oops", message: "" }, /code/],
  ])("refuses %s and names the field", (_what, message, pattern) => {
    expect(rejected(parseRunnerMessage(JSON.stringify(message))).message).toMatch(pattern);
  });

  it.each([
    [
      "an info read that is too deep",
      { type: "read", id: "r", uuid: UUID, path: "", spec: { kind: "info", depth: 99 } },
    ],
    ["an unknown read kind", { type: "read", id: "r", uuid: UUID, path: "", spec: { kind: "everything" } }],
    ["a write with an empty path", { type: "write", seq: 1, uuid: UUID, subpath: "", string: "x" }],
    [
      "an assignment without requirements",
      { type: "assign", seq: 1, run: { uuid: UUID, command: "x", owner_id: "u", dependencies: [] } },
    ],
  ])("the runner refuses %s", (_what, message) => {
    rejected(parseServerMessage(JSON.stringify(message)));
  });

  it("refuses frames larger than the limit before parsing them", () => {
    const huge = JSON.stringify({ type: "pong", nonce: "€".repeat(MAX_MESSAGE_BYTES / 2) });
    expect(rejected(parseRunnerMessage(huge)).message).toMatch(/larger than 1048576 bytes/);
    expect(rejected(parseRunnerMessage(new Uint8Array(MAX_MESSAGE_BYTES + 1))).message).toMatch(/larger than/);
  });
});

describe("encodeMessage", () => {
  it("refuses to send a message that does not match its schema", () => {
    const bad = { type: "kill", seq: 1, uuid: "nope", message: "x" } as unknown as ServerMessage;
    expect(() => encodeMessage(bad)).toThrow(/protocol error: invalid kill message: uuid/);
  });

  it("refuses to send a frame larger than the limit", () => {
    const big: RunnerMessageInput = {
      ...hello,
      cached_dependencies: Array.from({ length: 300 }, () => ({ parent_uuid: PARENT, parent_path: "x".repeat(4000) })),
    } as RunnerMessage;
    try {
      encodeMessage(big);
      expect.unreachable();
    } catch (error) {
      expect((error as CodalabError).code).toBe("PAYLOAD_TOO_LARGE");
    }
  });
});

describe("chunks", () => {
  it("round-trips bytes through base64 without Buffer", () => {
    const bytes = new Uint8Array(70_000).map((_, i) => i % 256);
    const data = encodeChunk(bytes);
    expect(decodeChunk(data)).toEqual(bytes);
    expect(parsed(parseRunnerMessage(encodeMessage({ type: "read_chunk", id: "x", index: 3, data })))).toMatchObject({
      index: 3,
    });
  });

  it("refuses a chunk larger than the limit", () => {
    expect(() => encodeChunk(new Uint8Array(MAX_READ_CHUNK_BYTES + 1))).toThrow(/at most/);
  });

  it("fits a full chunk into one frame", () => {
    const data = encodeChunk(new Uint8Array(MAX_READ_CHUNK_BYTES));
    expect(parsed(parseRunnerMessage(encodeMessage({ type: "read_chunk", id: "x", index: 0, data }))).type).toBe(
      "read_chunk",
    );
  });
});
