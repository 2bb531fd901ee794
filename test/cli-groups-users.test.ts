/**
 * Groups, permissions and users end to end: several real accounts, each with its own `cl` home,
 * against a real local instance. Covers gnew/gls/ginfo/uadd/urm/grm, perm/wperm/chown and what
 * they change for other users, info -v permissions, uinfo/uedit/uls/ufarewell, and every refusal
 * a user meets (one error line, a hint, a non-zero exit).
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { type ClResult, makeClHome, runCl } from "./helpers/cli.ts";

const baseUrl = inject("baseUrl").replace(/\/+$/, "");
const UUID = /^0x[0-9a-f]{32}$/;
const suffix = Date.now().toString(36);
const PASSWORD = "correct horse battery";

type Person = { name: string; home: string; env: Record<string, string> };
const people: Record<"alice" | "bob" | "carol" | "admin", Person> = {} as Record<
  "alice" | "bob" | "carol" | "admin",
  Person
>;

async function signUp(name: string): Promise<void> {
  const response = await fetch(`${baseUrl}/rest/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user_name: name, email: `${name}@example.org`, password: PASSWORD }),
  });
  expect(response.status).toBe(201);
}

async function person(name: string, password = PASSWORD): Promise<Person> {
  return {
    name,
    home: await makeClHome({ address: baseUrl }),
    env: { CODALAB_USERNAME: name, CODALAB_PASSWORD: password },
  };
}

beforeAll(async () => {
  for (const who of ["alice", "bob", "carol"] as const) {
    const name = `${who}_${suffix}`;
    await signUp(name);
    people[who] = await person(name);
  }
  people.admin = await person(inject("adminUsername"), inject("adminPassword"));
});

function cl(who: Person, ...args: string[]): Promise<ClResult> {
  return runCl(args, { home: who.home, env: who.env });
}

/** Runs `cl` expecting success; returns stdout. */
async function ok(who: Person, ...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await cl(who, ...args);
  expect(stderr, `cl ${args.join(" ")}`).toBe("");
  expect(code).toBe(0);
  return stdout;
}

/** Runs `cl` expecting a refusal: one error line, a hint line, no stack trace, exit `exitCode`. */
async function refused(who: Person, exitCode: number, message: string | RegExp, ...args: string[]): Promise<void> {
  const { code, stdout, stderr } = await cl(who, ...args);
  expect(code, `cl ${args.join(" ")}: ${stderr}`).toBe(exitCode);
  expect(stdout).toBe("");
  const lines = stderr.trimEnd().split("\n");
  if (typeof message === "string") expect(lines[0]).toBe(`error: ${message}`);
  else expect(lines[0]).toMatch(message);
  expect(lines[1]).toMatch(/^hint: /);
  expect(lines).toHaveLength(2);
}

async function upload(who: Person, text: string, name: string): Promise<string> {
  const uuid = (await ok(who, "upload", "-c", text, "-n", name)).trim();
  expect(uuid).toMatch(UUID);
  return uuid;
}

describe("groups: cl gnew, gls, ginfo, uadd, urm, grm", () => {
  it("builds a team, shows roles, and enforces who may manage it", async () => {
    const { alice, bob, carol } = people;
    const team = `team_${suffix}`;
    const created = await ok(alice, "gnew", team);
    const uuid = /^Created new group (\S+)\((0x[0-9a-f]{32})\)\.\n$/.exec(created)?.[2];
    expect(uuid).toMatch(UUID);

    expect(await ok(alice, "uadd", bob.name, team)).toBe(`${bob.name} in group ${team} as member\n`);
    expect(await ok(alice, "uadd", carol.name, team, "-a")).toBe(`${carol.name} in group ${team} as admin\n`);

    const listing = (await ok(bob, "gls")).split("\n");
    expect(listing[0]).toMatch(/^name\s+uuid\s+owner\s+role$/);
    expect(listing[2]).toMatch(/^public\s+0x0{32}\s+-$/);
    expect(listing.find((line) => line.startsWith(team))).toMatch(
      new RegExp(`^${team}\\s+${uuid}\\s+${alice.name}\\(0x[0-9a-f]{32}\\)\\s+member$`),
    );

    const info = (await ok(bob, "ginfo", team)).split("\n");
    expect(info[0]).toBe(`Members of group ${team}(${uuid}):`);
    expect(info[1]).toMatch(/^user\s+role$/);
    expect(info.slice(3, 6).map((line) => line.split(/\s+/)[1])).toEqual(["owner", "admin", "member"]);
    expect(info[3]).toMatch(new RegExp(`^${alice.name}\\(0x`));

    // A plain member cannot add anyone, and nobody can demote the owner.
    await refused(
      bob,
      1,
      `only the owner and admins of group ${team}(${uuid}) can change it`,
      "uadd",
      carol.name,
      team,
    );
    await refused(
      carol,
      1,
      `the owner of group ${team}(${uuid}) cannot be demoted: the owner is always an admin`,
      "uadd",
      alice.name,
      team,
    );
    await refused(carol, 1, 'no user matches "nobody_at_all"', "uadd", "nobody_at_all", team);

    expect(await ok(carol, "urm", bob.name, team)).toBe(`Removed ${bob.name} from group ${team}.\n`);
    expect(await ok(alice, "ginfo", team)).not.toContain(bob.name);
    await refused(bob, 1, `you are not a member of group ${team}(${uuid})`, "ginfo", team);

    await refused(bob, 1, `only the owner and admins of group ${team}(${uuid}) can change it`, "grm", team);
    expect(await ok(alice, "grm", team)).toBe(`Deleted group ${team}(${uuid}).\n`);
    await refused(alice, 1, `no group matches "${team}"`, "ginfo", team);
  });
});

describe("permissions: cl perm, wperm, chown and cl info -v", () => {
  it("shares a bundle with a group only, and withdraws it", async () => {
    const { alice, bob } = people;
    const team = `perm_${suffix}`;
    await ok(alice, "gnew", team);
    await ok(alice, "uadd", bob.name, team);
    const uuid = await upload(alice, "for the team only", `secret_${suffix}`);
    // Uploads land on the home worksheet and copy its public read permission: withdraw it.
    expect(await ok(alice, "perm", uuid, "public", "n")).toMatch(
      /^Group public\(0x0{32}\) has none permission on 1 bundles\.\n$/,
    );
    await refused(bob, 1, `you do not have read permission on bundle ${uuid}`, "cat", uuid);

    expect(await ok(alice, "perm", uuid, team, "read")).toMatch(
      new RegExp(`^Group ${team}\\(0x[0-9a-f]{32}\\) has read permission on 1 bundles\\.\\n$`),
    );
    expect(await ok(bob, "cat", uuid)).toBe("for the team only");
    const info = await ok(alice, "info", "-v", uuid);
    expect(info).toContain("permission: all\n");
    expect(info).toMatch(new RegExp(`group_permissions:\\n  ${team}\\(0x[0-9a-f]{6}\\):read\\n`));
    expect(await ok(bob, "info", "-v", uuid)).toContain("permission: read\n");

    // Setting permissions on a bundle one cannot manage, and a permission that does not exist.
    await refused(bob, 1, `you do not have all permission on bundle ${uuid}`, "perm", uuid, "public", "all");
    await refused(alice, 2, 'invalid permission "write": use n/none, r/read or a/all', "perm", uuid, team, "write");

    expect(await ok(alice, "perm", uuid, team, "none")).toContain("has none permission on 1 bundles.");
    await refused(bob, 1, `you do not have read permission on bundle ${uuid}`, "cat", uuid);
  });

  it("hides a worksheet from the public with wperm, and only its owner may", async () => {
    const { alice, bob } = people;
    const name = `ws_${suffix}`;
    await ok(alice, "new", name);
    expect(await ok(alice, "wperm", name, "public", "none")).toMatch(
      new RegExp(
        `^Group public\\(0x0{32}\\) has none permission on worksheet ${baseUrl}/worksheets/0x[0-9a-f]{32} \\(${name}\\)\\.\\n$`,
      ),
    );
    const { code } = await cl(bob, "print", name);
    expect(code).toBe(1);
    await refused(alice, 2, 'invalid permission "rw": use n/none, r/read or a/all', "wperm", name, "public", "rw");
  });

  it("gives a bundle away with chown, and refuses unknown users and other people's bundles", async () => {
    const { alice, bob } = people;
    const uuid = await upload(alice, "a present", `gift_${suffix}`);
    await refused(alice, 1, 'no user matches "no_such_person"', "chown", "no_such_person", uuid);
    await refused(bob, 1, `you do not have all permission on bundle ${uuid}`, "chown", bob.name, uuid);
    expect(await ok(alice, "chown", bob.name, uuid)).toBe(`${uuid}\n`);
    expect(await ok(bob, "info", uuid)).toMatch(new RegExp(`owner +: ${bob.name}\\(0x`));
  });
});

describe("users: cl uinfo, uedit, uls, ufarewell", () => {
  it("shows others their public fields and you your own account", async () => {
    const { alice, bob } = people;
    const seen = await ok(bob, "uinfo", alice.name);
    expect(seen).toContain(`user_name      : ${alice.name}\n`);
    expect(seen).not.toContain("email");
    expect(seen).not.toContain("disk");
    const own = await ok(alice, "uinfo");
    expect(own).toContain(`email          : ${alice.name}@example.org\n`);
    expect(own).toMatch(/\ndisk +: .+ \/ .+ \(\d+\.\d%\)\n/);
    expect(await ok(bob, "uinfo", alice.name, "-f", "user_name,email")).toBe(`${alice.name}\n`);
    await refused(bob, 1, 'no user matches "ghost_user"', "uinfo", "ghost_user");
  });

  it("edits your own profile, and leaves quotas to administrators", async () => {
    const { alice, bob, admin } = people;
    const edited = await ok(alice, "uedit", "--affiliation", "Stanford", "--url", "https://alice.example.org");
    expect(edited).toContain("affiliation    : Stanford\n");
    expect(edited).toContain("url            : https://alice.example.org\n");
    await refused(alice, 1, "only instance administrators can change disk_quota", "uedit", "-d", "1t");
    await refused(bob, 1, "you can only edit your own account", "uedit", alice.name, "--affiliation", "MIT");
    await refused(alice, 1, /url: must be an http:\/\/ or https:\/\/ address/, "uedit", "--url", "javascript:alert(1)");
    expect(await ok(admin, "uedit", alice.name, "-d", "5g", "-p", "2")).toContain("parallel_run_quota: 2\n");
  });

  it("searches users, with private filters for administrators only", async () => {
    const { alice, bob, admin } = people;
    const table = (await ok(bob, "uls", alice.name)).split("\n");
    expect(table[0]).toMatch(/^user_name\s+first_name\s+last_name\s+affiliation\s+date_joined$/);
    expect(table[2]).toMatch(new RegExp(`^${alice.name}\\s+<none>\\s+<none>\\s+Stanford\\s+\\d{4}-`));
    expect(await ok(bob, "uls", `user_name=${alice.name}`, ".count")).toBe("1\n");
    await refused(
      bob,
      1,
      `only the root user may search users by email=${alice.name}@example.org`,
      "uls",
      `email=${alice.name}@example.org`,
    );
    expect(await ok(admin, "uls", `email=${alice.name}@example.org`)).toMatch(
      /last_login\s+time\s+disk\s+parallel_run_quota\n/,
    );
  });

  it("deletes an account only once it owns nothing", async () => {
    const name = `dave_${suffix}`;
    await signUp(name);
    const dave = await person(name);
    const uuid = await upload(dave, "mine", "mine");
    await refused(
      dave,
      1,
      `cannot delete user ${name}: they still own 1 bundle and 1 worksheet; delete them or give them to someone else first`,
      "ufarewell",
      name,
    );
    await refused(people.bob, 1, "you can only delete your own account", "ufarewell", name);
    await ok(dave, "rm", uuid);
    expect(await ok(dave, "ufarewell", name)).toMatch(new RegExp(`^Deleted user ${name}\\(0x[0-9a-f]{32}\\)\\.\\n$`));
    await refused(people.admin, 1, `no user matches "${name}"`, "uinfo", name);
  });
});
