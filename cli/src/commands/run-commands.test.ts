/**
 * `cl run`, `cl make`, `cl kill`, `cl write` and `cl workers` against the in-memory bundle server,
 * extended here with the run routes: what each command sends, what it prints, and the one-line
 * error and hint for every bad input, with no request made when the command line is wrong.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { FetchLike } from "../api/api-client.ts";
import { createFakeBundleServer, FAKE_ADDRESS, type FakeBundleServer } from "../testing/fake-bundle-server.ts";
import { selfUser } from "../testing/fake-instance.ts";
import { createTestClient } from "../testing/test-context.ts";

const GiB = 1024 ** 3;
const WORKER_RUN = `0x${"e".repeat(32)}`;
/** The session's current worksheet, where new bundles go. */
const WORKSHEET = `0x${"d".repeat(32)}`;

let server: FakeBundleServer;
/** Bodies of every `POST /rest/bundles`, in order. */
let created: Record<string, unknown>[];
/** `POST /rest/bundles/<uuid>/<action>` requests: action, uuid, body. */
let actions: { action: string; uuid: string; body: unknown }[];
let quota: { time_quota: number; time_used: number; disk_quota: number; disk_used: number };

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

/** Built when served: `last_checkin` is 5 s before the request. */
const workersBody = () => ({
  workers: [
    {
      id: "0xw2",
      name: "zeta",
      owner_id: "0",
      owner_name: "admin",
      group_uuid: null,
      tag: "gpu",
      tag_exclusive: true,
      shared_pool: false,
      preemptible: false,
      hostname: "h2",
      runtime: "docker",
      connected: false,
      last_checkin: null,
      cpus: 8,
      gpus: 2,
      memory_bytes: 64 * GiB,
      free_disk_bytes: 500 * GiB,
      cpus_used: 0,
      gpus_used: 0,
      memory_used: 0,
      max_runs: 3,
      is_terminating: true,
      runs: [],
    },
    {
      id: "0xw1",
      name: "alpha",
      owner_id: "0",
      owner_name: "admin",
      group_uuid: "0xgroup",
      tag: null,
      tag_exclusive: false,
      shared_pool: true,
      preemptible: false,
      hostname: "h1",
      runtime: "process",
      connected: true,
      last_checkin: Math.floor(Date.now() / 1000) - 5,
      cpus: 4,
      gpus: 0,
      memory_bytes: 16 * GiB,
      free_disk_bytes: 100 * GiB,
      cpus_used: 1,
      gpus_used: 0,
      memory_used: 2 * GiB,
      max_runs: null,
      is_terminating: false,
      runs: [WORKER_RUN, `0x${"f".repeat(32)}`],
    },
  ],
});
let servedWorkers: unknown;

/** The bundle server plus the run routes: kill, write, the workers list and the caller's quotas. */
function runFetch(): FetchLike {
  return async (url, init) => {
    const { pathname } = new URL(url);
    const body = typeof init.body === "string" ? JSON.parse(init.body) : undefined;
    if (init.method === "POST" && pathname === "/rest/bundles") created.push(body);
    if (init.method === "GET" && pathname === "/rest/workers") {
      const body = workersBody();
      servedWorkers = body.workers;
      return json(200, body);
    }
    if (init.method === "GET" && pathname === "/rest/user") {
      return json(200, { user: { ...selfUser({ id: "0", user_name: "admin", is_admin: true }), ...quota } });
    }
    const action = /^\/rest\/bundles\/(0x[0-9a-f]+)\/(kill|write)$/.exec(pathname);
    if (init.method === "POST" && action) {
      const [, uuid = "", name = ""] = action;
      const bundle = server.bundles.get(uuid);
      if (bundle === undefined) return json(404, { error: { code: "NOT_FOUND", message: `bundle ${uuid} not found` } });
      actions.push({ action: name, uuid, body });
      if (bundle.state !== "running") {
        return json(409, {
          error: {
            code: "INVALID_STATE",
            message: "Cannot execute this action on a bundle that is in the following states: ready, failed, killed.",
          },
        });
      }
      if (name === "kill") bundle.state = "killed";
      return json(200, { bundle: await bundleJson(uuid) });
    }
    return server.fetch(url, init);
  };
}

async function bundleJson(uuid: string): Promise<unknown> {
  const response = await server.fetch(`${FAKE_ADDRESS}/rest/bundles/${uuid}`, {
    method: "GET",
    headers: { authorization: "Bearer access-1" },
    signal: new AbortController().signal,
  });
  return (JSON.parse(await response.text()) as { bundle: unknown }).bundle;
}

async function cl(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const client = createTestClient({
    fetch: runFetch(),
    env: { CODALAB_USERNAME: "admin", CODALAB_PASSWORD: "admin-password" },
    config: { cli: { default_address: FAKE_ADDRESS }, aliases: {} },
    state: { sessions: { "test-session": { address: FAKE_ADDRESS, worksheet_uuid: WORKSHEET } } },
  });
  const code = await client.run(...argv);
  return { code, stdout: client.out.stdout, stderr: client.out.stderr };
}

/** Exactly `error: …` then `hint: …`, and the exit status given. */
function expectRefusal(
  result: { code: number; stdout: string; stderr: string },
  code: number,
  message: string | RegExp,
  hint: string | RegExp,
) {
  expect(result.stdout).toBe("");
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(2);
  if (typeof message === "string") expect(lines[0]).toBe(`error: ${message}`);
  else expect(lines[0]).toMatch(message);
  if (typeof hint === "string") expect(lines[1]).toBe(`hint: ${hint}`);
  else expect(lines[1]).toMatch(hint);
  expect(result.code).toBe(code);
}

const file = (text: string) => ({ kind: "file" as const, bytes: new TextEncoder().encode(text) });

beforeEach(() => {
  server = createFakeBundleServer();
  created = [];
  actions = [];
  quota = { time_quota: 86_400, time_used: 0, disk_quota: 100 * GiB, disk_used: 0 };
});

describe("cl run", () => {
  it("creates a run with keyed, derived, bare and inline dependencies and prints only its uuid", async () => {
    const data = await server.addBundle("data", file("x"));
    const code = await server.addBundle("code", file("y"));
    const other = await server.addBundle("other", file("z"));
    const result = await cl("run", "in:data", ":code/sub/train.py", "other", "python %code% %k:data% --lr 3");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^0x[0-9a-f]{32}\n$/);
    expect(created).toEqual([
      {
        bundle_type: "run",
        command: "python b4 k --lr 3",
        dependencies: [
          { child_path: "in", parent_uuid: data.uuid, parent_path: "" },
          { child_path: "train.py", parent_uuid: code.uuid, parent_path: "sub/train.py" },
          { child_path: "b3", parent_uuid: other.uuid, parent_path: "" },
          { child_path: "b4", parent_uuid: code.uuid, parent_path: "" },
          { child_path: "k", parent_uuid: data.uuid, parent_path: "" },
        ],
        metadata: expect.objectContaining({ name: "run-python", request_memory: "2g", request_network: false }),
        worksheet_uuid: WORKSHEET,
      },
    ]);
  });

  it("joins the words after --- into the command, quoted", async () => {
    await server.addBundle("data", file("x"));
    expect((await cl("run", "d:data", "---", "python", "x.py", "--name", "a b")).code).toBe(0);
    expect(created[0]?.command).toBe("python x.py --name 'a b'");
  });

  it("sends every metadata flag and request as typed", async () => {
    const result = await cl(
      "run",
      "echo hi",
      "-n",
      "greet",
      "-d",
      "says hi",
      "--allow-failed-dependencies",
      "--request-docker-image",
      "img:2",
      "--request-time",
      "2h",
      "--request-memory",
      "512m",
      "--request-disk",
      "1g",
      "--request-cpus",
      "2",
      "--request-gpus",
      "0",
      "--request-queue",
      "fast",
      "--request-priority",
      "-2",
      "--request-network",
      "--exclude-patterns",
      "*.tmp",
      "cache",
      "--tags",
      "a",
      "b",
    );
    expect(result.stderr).toBe("");
    expect(created[0]?.metadata).toEqual({
      name: "greet",
      description: "says hi",
      tags: ["a", "b"],
      allow_failed_dependencies: true,
      request_docker_image: "img:2",
      request_time: "2h",
      request_memory: "512m",
      request_disk: "1g",
      request_cpus: "2",
      request_gpus: "0",
      request_queue: "fast",
      request_priority: "-2",
      request_network: true,
      exclude_patterns: ["*.tmp", "cache"],
    });
  });

  it("refuses bad keys before any request", async () => {
    for (const [key, message] of [
      ["../up", `dependency key "../up" may not contain a '..' segment`],
      ["/abs", `dependency key "/abs" must be a relative path (no leading /)`],
      ["a b", `dependency key "a b" may only contain letters, digits, _, -, . and /`],
    ] as const) {
      expectRefusal(
        await cl("run", `${key}:data`, "echo"),
        2,
        message,
        /^hint: a dependency is \[<key>\]:<target_spec>/,
      );
    }
    expectRefusal(
      await cl("run", "a:data", "a/b:data", "echo"),
      2,
      "dependency key 'a' and 'a/b' overlap: a key cannot be an ancestor of another",
      /see `cl help run`/,
    );
    expectRefusal(
      await cl("run", "a:data", "a:code", "echo"),
      2,
      "dependency key 'a' is bound to two different targets: data and code",
      /see `cl help run`/,
    );
    expectRefusal(
      await cl("run", "main::ws//data", "echo"),
      2,
      /^error: dependency 'main::ws\/\/data' is on another instance/,
      /^hint: dependencies are \[<key>\]:<target_spec> on this instance/,
    );
    expect(server.calls).toEqual([]);
  });

  it("refuses malformed units and counts with a hint for the flag", async () => {
    expectRefusal(
      await cl("run", "--request-memory", "2x", "echo"),
      2,
      'invalid request_memory: invalid size "2x": use a number with an optional unit k, m, g or t (e.g. 2g)',
      "--request-memory takes bytes, or a number with k, m, g or t (512m, 2g)",
    );
    expectRefusal(
      await cl("run", "--request-time", "3 hours", "echo"),
      2,
      /^error: invalid request_time: invalid duration "3 hours"/,
      /^hint: --request-time takes seconds/,
    );
    expectRefusal(
      await cl("run", "--request-gpus", "many", "echo"),
      2,
      'invalid request_gpus: "many" is not a non-negative integer',
      "--request-gpus takes a whole number (default 0)",
    );
    expectRefusal(
      await cl("run", "--request-memory", "1k", "echo"),
      2,
      "invalid request_memory: 1k is below the minimum of 4m",
      /--request-memory/,
    );
    expect(server.calls).toEqual([]);
  });

  it("refuses a missing command", async () => {
    expectRefusal(await cl("run"), 2, "missing argument <command>", /^hint: usage: cl run /);
  });

  it("refuses a dependency that does not exist, creating nothing", async () => {
    expectRefusal(
      await cl("run", "in:nothing-here", "cat in"),
      1,
      'no bundle named "nothing-here"',
      /^hint: dependencies must exist when the bundle is created/,
    );
    expect(created).toEqual([]);
  });

  it("refuses requests the caller's quotas cannot cover, creating nothing", async () => {
    quota = { time_quota: 3600, time_used: 1800, disk_quota: 10 * GiB, disk_used: 9 * GiB };
    expectRefusal(
      await cl("run", "--request-time", "1h", "echo"),
      1,
      "Requested more time (1h) than user time quota left (30m) by 30m",
      /^hint: request less \(--request-time, --request-disk\) or ask an administrator/,
    );
    expectRefusal(
      await cl("run", "--request-disk", "2g", "echo"),
      1,
      "Requested more disk (2g) than user disk quota left (1g) by 1g",
      /ask an administrator of the instance to raise your quota/,
    );
    quota.time_used = 3600;
    expectRefusal(await cl("run", "echo"), 1, "User time quota exceeded (used 1h of 1h)", /raise your quota/);
    expect(created).toEqual([]);
  });

  it("gives the server's quota refusal a hint", async () => {
    server.failNext("POST /rest/bundles", () =>
      json(403, { error: { code: "QUOTA_EXCEEDED", message: "disk quota exceeded: 10g of 10g used" } }),
    );
    expectRefusal(
      await cl("run", "echo"),
      1,
      "disk quota exceeded: 10g of 10g used",
      /^hint: delete bundles you no longer need \(`cl rm`\)/,
    );
    server.failNext("POST /rest/bundles", () =>
      json(403, { error: { code: "QUOTA_EXCEEDED", message: "time quota exceeded: 1h of 1h used" } }),
    );
    expectRefusal(
      await cl("run", "echo"),
      1,
      "time quota exceeded: 1h of 1h used",
      /^hint: runs need time quota left: ask an administrator of the instance to raise yours$/,
    );
  });
});

describe("cl make", () => {
  it("makes a bundle that is one target, named after it", async () => {
    const data = await server.addBundle("data", file("x"));
    const result = await cl("make", "data/sub/f.txt");
    expect(result.stdout).toMatch(/^0x[0-9a-f]{32}\n$/);
    expect(created).toEqual([
      {
        bundle_type: "make",
        dependencies: [{ child_path: "", parent_uuid: data.uuid, parent_path: "sub/f.txt" }],
        metadata: { name: "f.txt", description: "", tags: [], allow_failed_dependencies: false },
        worksheet_uuid: WORKSHEET,
      },
    ]);
  });

  it("makes a directory of keyed targets", async () => {
    const data = await server.addBundle("data", file("x"));
    const code = await server.addBundle("code", file("y"));
    await cl("make", "x:data", ":code", "-n", "both", "--tags", "t");
    expect(created[0]).toMatchObject({
      dependencies: [
        { child_path: "x", parent_uuid: data.uuid },
        { child_path: "code", parent_uuid: code.uuid },
      ],
      metadata: { name: "both", tags: ["t"] },
    });
  });

  it("refuses an unkeyed target among several, and no target at all", async () => {
    expectRefusal(
      await cl("make", "a:data", "code"),
      2,
      /^error: an unkeyed target makes the new bundle that target, so it must be the only one/,
      /see `cl help make`/,
    );
    expectRefusal(await cl("make"), 2, /^error: cl make needs at least one target/, /see `cl help make`/);
    expect(server.calls).toEqual([]);
  });
});

describe("cl kill", () => {
  it("kills several bundles, printing each uuid", async () => {
    const a = await server.addBundle("a", file("x"), { state: "running" });
    const b = await server.addBundle("b", file("x"), { state: "running" });
    const result = await cl("kill", "a", b.uuid);
    expect(result).toEqual({ code: 0, stdout: `${a.uuid}\n${b.uuid}\n`, stderr: "" });
    expect(actions.map(({ action, uuid }) => `${action} ${uuid}`)).toEqual([`kill ${a.uuid}`, `kill ${b.uuid}`]);
  });

  it("kills the others and then reports a finished bundle with a hint", async () => {
    const done = await server.addBundle("done", file("x"));
    const live = await server.addBundle("live", file("x"), { state: "running" });
    const result = await cl("kill", "done", "live");
    expect(result.stdout).toBe(`${live.uuid}\n`);
    expect(result.stderr).toBe(
      "error: Cannot execute this action on a bundle that is in the following states: ready, failed, killed.\n" +
        "hint: only bundles that have not finished can be killed: `cl info -f state <bundle>` shows where one is\n",
    );
    expect(result.code).toBe(1);
    expect(done.state).toBe("ready");
  });
});

describe("cl write", () => {
  it("writes a string into a running bundle and prints its uuid", async () => {
    const run = await server.addBundle("job", file("x"), { state: "running" });
    const result = await cl("write", "job/signal", "stop now");
    expect(result).toEqual({ code: 0, stdout: `${run.uuid}\n`, stderr: "" });
    expect(actions).toEqual([{ action: "write", uuid: run.uuid, body: { subpath: "signal", string: "stop now" } }]);
  });

  it("refuses a target without a file name, and a bundle that is not running", async () => {
    await server.addBundle("job", file("x"));
    expectRefusal(await cl("write", "job", "x"), 2, 'no file named in "job"', /^hint: name a top-level file/);
    expectRefusal(
      await cl("write", "job/signal", "x"),
      1,
      /^error: Cannot execute this action/,
      /^hint: only a run that is starting, preparing or running can be written to/,
    );
  });
});

describe("cl workers", () => {
  it("prints CodaLab's table, sorted by worker id", async () => {
    const result = await cl("workers");
    expect(result.stderr).toBe("");
    const header =
      "worker_id  cpus  gpus  memory  free_disk  last_checkin  connected  group    tag   runs               tag_exclusive  exit_after_num_runs  is_terminating";
    expect(result.stdout.split("\n")).toEqual([
      header,
      "-".repeat(header.length),
      "alpha      1/4   0/0   16g     100g       5s ago        True       0xgroup  None  0xeeeeee,0xffffff  False          None                 False",
      "zeta       0/8   0/2   64g     500g       never         False      None     gpu                      True           3                    True",
      "",
    ]);
  });

  it("prints the workers as received with --json", async () => {
    const result = await cl("workers", "--json");
    expect(JSON.parse(result.stdout)).toEqual(servedWorkers);
  });
});
