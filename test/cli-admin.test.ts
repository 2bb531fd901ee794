/**
 * Instance administration with the real `cl` against a real local instance: the daily report
 * (made on demand, with a backup into R2), the run queue and the default quotas of new users,
 * and what a user who is not an administrator, or a mistyped argument, gets instead.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { makeClHome, runCl } from "./helpers/cli.ts";

const baseUrl = inject("baseUrl").replace(/\/+$/, "");
const admin = { CODALAB_USERNAME: inject("adminUsername"), CODALAB_PASSWORD: inject("adminPassword") };
const member = { CODALAB_USERNAME: `member_${Date.now().toString(36)}`, CODALAB_PASSWORD: "a member's password" };
const today = new Date().toISOString().slice(0, 10);

let home: string;
let memberHome: string;

beforeAll(async () => {
  home = await makeClHome({ address: baseUrl });
  memberHome = await makeClHome({ address: baseUrl });
  const signup = await fetch(`${baseUrl}/rest/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      user_name: member.CODALAB_USERNAME,
      email: `${member.CODALAB_USERNAME}@example.org`,
      password: member.CODALAB_PASSWORD,
    }),
  });
  expect(signup.status).toBe(201);
});

function cl(args: string[], as: "admin" | "member" = "admin") {
  return runCl(args, as === "admin" ? { home, env: admin } : { home: memberHome, env: member });
}

async function ok(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await runCl(args, { home, env: admin });
  expect(stderr, `cl ${args.join(" ")}`).toBe("");
  expect(code).toBe(0);
  return stdout;
}

/** One error line, one hint line, a non-zero exit. */
function expectRefusal(
  result: { code: number; stdout: string; stderr: string },
  error: string,
  hint: RegExp,
  code = 1,
) {
  expect(result.stdout).toBe("");
  const [first, second, ...rest] = result.stderr.trimEnd().split("\n");
  expect(first).toBe(`error: ${error}`);
  expect(second).toMatch(hint);
  expect(rest).toEqual([]);
  expect(result.code).toBe(code);
}

describe("cl report", () => {
  it("makes today's report on demand, with a backup of the database into R2", async () => {
    const lines = (await ok("report", "--now", "--backup")).trimEnd().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^Daily report ${today} \\(made ${today} \\d\\d:\\d\\d:\\d\\d UTC\\)$`));
    expect(lines.slice(1, 8).map((line) => /^ {2}(\w+): /.exec(line)?.[1])).toEqual([
      "bundles",
      "users",
      "workers",
      "queue",
      "database",
      "backup",
      "warnings",
    ]);
    expect(lines.find((line) => line.includes("backup:"))).toMatch(
      new RegExp(`backup: {4}backups/d1/${today}\\.sql\\.gz, \\S+, \\d+ tables, \\d+ rows, `),
    );
  });

  it("reads the latest report back, as text, as JSON and in the list of days", async () => {
    expect(await ok("report")).toContain(`Daily report ${today}`);
    const json = JSON.parse(await ok("report", today, "--json")) as {
      day: string;
      statistics: { users: { total: number } };
    };
    expect(json.day).toBe(today);
    expect(json.statistics.users.total).toBeGreaterThanOrEqual(2);
    expect(await ok("report", "--list")).toMatch(new RegExp(`^day +made +warnings\\n-+\\n${today} `));
  });

  it("says which day has no report, and refuses what is not a day", async () => {
    expectRefusal(
      await cl(["report", "1999-01-01"]),
      "no daily report for 1999-01-01",
      /^hint: `cl report --list` shows the days that have one; `cl report --now` makes today's$/,
    );
    expectRefusal(
      await cl(["report", "yesterday"]),
      'not a day: "yesterday"',
      /^hint: give the day as YYYY-MM-DD, e\.g\. 2026-01-31$/,
      2,
    );
    expectRefusal(await cl(["report", "--backup"]), "--backup goes with --now", /^hint: cl report --now --backup$/, 2);
  });
});

describe("cl queue and cl default-quotas", () => {
  it("lists the queue in two parts", async () => {
    const out = await ok("queue");
    expect(out).toMatch(/^Waiting \(\d+\):\n/);
    expect(out).toMatch(/\nRunning \(\d+\):\n/);
    expectRefusal(
      await cl(["queue", "--limit", "0"]),
      '--limit: expected a whole number from 1 to 1000, got "0"',
      /^hint: /,
      2,
    );
  });

  it("shows the default quotas and changes them for accounts made afterwards", async () => {
    expect(await ok("default-quotas")).toMatch(/^time_quota: +\S+ +\(the deployment's default\)\n/);
    const changed = await ok("default-quotas", "-p", "4", "-d", "20g");
    expect(changed).toContain("disk_quota:          20g       (set by an administrator)");
    expect(changed).toContain("parallel_run_quota:  4         (set by an administrator)");
    await ok("default-quotas", "-p", "3", "-d", "1t");
    expectRefusal(
      await cl(["default-quotas", "-t", "soon"]),
      '-t: cannot read "soon" as an amount',
      /^hint: for example: -t 1y$/,
      2,
    );
  });
});

describe("user access", () => {
  it("is removed and granted again with cl uedit, and the user is told why they are shut out", async () => {
    const name = member.CODALAB_USERNAME;
    expect(await ok("uedit", name, "--remove-access")).toMatch(/^has_access +: False$/m);
    expectRefusal(
      await cl(["search", ".mine"], "member"),
      `the account ${name} has no access to this instance: an administrator can grant it (cl uedit ${name} --grant-access)`,
      /^hint: /,
    );
    expect(await ok("uedit", name, "--grant-access")).toMatch(/^has_access +: True$/m);
    const search = await cl(["search", ".mine"], "member");
    expect(search.code).toBe(0);
    expectRefusal(
      await cl(["uedit", name, "--grant-access", "--remove-access"]),
      "give --grant-access or --remove-access, not both",
      /^hint: for example: cl uedit alice --remove-access$/,
      2,
    );
  });
});

describe("a user who is not an administrator", () => {
  it("is refused every admin command, with the way out", async () => {
    for (const args of [["report"], ["queue"], ["default-quotas"], ["default-quotas", "-p", "9"]]) {
      expectRefusal(
        await cl(args, "member"),
        "only instance administrators can do this",
        /^hint: this command is for the instance's administrators: log in as one/,
      );
    }
  });
});
