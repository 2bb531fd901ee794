import { describe, expect, it } from "vitest";
import { CodalabError } from "../errors.ts";
import {
  formatWorksheetRef,
  homeWorksheetName,
  isHomeWorksheetName,
  parseWorksheetSpec,
  resolveWorksheetRef,
  splitInstance,
  type WorksheetSpecResolver,
} from "./worksheet-spec.ts";

const UUID = `0x${"ab".repeat(16)}`;

function expectCode(fn: () => unknown, code: string, message?: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CodalabError);
    expect((error as CodalabError).code).toBe(code);
    if (message) expect((error as CodalabError).message).toMatch(message);
    return;
  }
  throw new Error("expected a CodalabError");
}

describe("parseWorksheetSpec", () => {
  it("treats an empty spec and / as the caller's home worksheet", () => {
    expect(parseWorksheetSpec("").ref).toEqual({ kind: "home" });
    expect(parseWorksheetSpec("/").ref).toEqual({ kind: "home" });
    expect(parseWorksheetSpec("  ").ref).toEqual({ kind: "home" });
  });

  it("treats . as the current worksheet", () => {
    expect(parseWorksheetSpec(".")).toEqual({ text: ".", instance: null, ref: { kind: "current" } });
  });

  it("reads a full uuid, lower-cased", () => {
    expect(parseWorksheetSpec(UUID.toUpperCase().replace("0X", "0x")).ref).toEqual({ kind: "uuid", uuid: UUID });
  });

  it("reads a shorter run of hex digits as a uuid prefix", () => {
    expect(parseWorksheetSpec("0x1A").ref).toEqual({ kind: "uuid_prefix", prefix: "0x1a" });
  });

  it("reads a valid name", () => {
    expect(parseWorksheetSpec("my-ws.v2").ref).toEqual({ kind: "name", name: "my-ws.v2" });
  });

  it("splits off an alias before ::", () => {
    expect(parseWorksheetSpec("main::papers")).toEqual({
      text: "main::papers",
      instance: "main",
      ref: { kind: "name", name: "papers" },
    });
  });

  it("keeps an address with a port as the instance", () => {
    const spec = parseWorksheetSpec("http://localhost:8000::papers");
    expect(spec.instance).toBe("http://localhost:8000");
    expect(spec.ref).toEqual({ kind: "name", name: "papers" });
  });

  it("treats alias:: alone as that instance's home worksheet", () => {
    expect(parseWorksheetSpec("main::")).toEqual({ text: "main::", instance: "main", ref: { kind: "home" } });
  });

  it("refuses . combined with an instance", () => {
    expectCode(() => parseWorksheetSpec("main::."), "INVALID_SPEC", /current worksheet/);
  });

  it("refuses a name that breaks the name rule, explaining the rule", () => {
    expectCode(() => parseWorksheetSpec("9lives"), "INVALID_SPEC", /must start with a letter/);
    expectCode(() => parseWorksheetSpec("a b"), "INVALID_SPEC", /invalid worksheet spec 'a b'/);
  });

  it("refuses :: with nothing before it", () => {
    expectCode(() => parseWorksheetSpec("::ws"), "INVALID_SPEC", /nothing before '::'/);
  });
});

describe("splitInstance", () => {
  it("returns the text unchanged when there is no ::", () => {
    expect(splitInstance("ws//b")).toEqual({ instance: null, rest: "ws//b" });
  });
});

describe("home worksheet names", () => {
  it("names the home worksheet home-<user>", () => {
    expect(homeWorksheetName("alice")).toBe("home-alice");
    expect(isHomeWorksheetName("home-alice")).toBe(true);
    expect(isHomeWorksheetName("homework")).toBe(false);
  });
});

describe("formatWorksheetRef", () => {
  it("writes every kind back as spec text", () => {
    expect(formatWorksheetRef({ kind: "home" })).toBe("/");
    expect(formatWorksheetRef({ kind: "current" })).toBe(".");
    expect(formatWorksheetRef({ kind: "uuid", uuid: UUID })).toBe(UUID);
    expect(formatWorksheetRef({ kind: "uuid_prefix", prefix: "0x1" })).toBe("0x1");
    expect(formatWorksheetRef({ kind: "name", name: "ws" })).toBe("ws");
  });
});

describe("resolveWorksheetRef", () => {
  const uuids = [`0x1a${"0".repeat(30)}`, `0x1a${"1".repeat(30)}`, `0x2b${"0".repeat(30)}`];
  const resolver: WorksheetSpecResolver = {
    homeWorksheetUuid: async () => "0xhome",
    findWorksheetsByUuidPrefix: async (prefix, limit) =>
      uuids.filter((uuid) => uuid.startsWith(prefix)).slice(0, limit),
    findWorksheetByName: async (name) => (name === "papers" ? "0xpapers" : null),
  };

  it("resolves home through the resolver", async () => {
    await expect(resolveWorksheetRef({ kind: "home" }, resolver)).resolves.toBe("0xhome");
  });

  it("resolves . to the current worksheet", async () => {
    await expect(resolveWorksheetRef({ kind: "current" }, resolver, "0xcur")).resolves.toBe("0xcur");
  });

  it("refuses . when there is no current worksheet", async () => {
    await expect(resolveWorksheetRef({ kind: "current" }, resolver)).rejects.toMatchObject({ code: "INVALID_SPEC" });
  });

  it("returns a full uuid without a lookup", async () => {
    await expect(resolveWorksheetRef({ kind: "uuid", uuid: UUID }, resolver)).resolves.toBe(UUID);
  });

  it("resolves a unique uuid prefix", async () => {
    await expect(resolveWorksheetRef({ kind: "uuid_prefix", prefix: "0x2b" }, resolver)).resolves.toBe(uuids[2]);
  });

  it("reports an ambiguous uuid prefix with the candidates", async () => {
    await expect(resolveWorksheetRef({ kind: "uuid_prefix", prefix: "0x1a" }, resolver)).rejects.toMatchObject({
      code: "AMBIGUOUS_SPEC",
      message: expect.stringContaining(`more than one worksheet has uuid prefix 0x1a: ${uuids[0]}, ${uuids[1]}`),
    });
  });

  it("reports a uuid prefix that matches nothing", async () => {
    await expect(resolveWorksheetRef({ kind: "uuid_prefix", prefix: "0xff" }, resolver)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("resolves names and reports unknown ones", async () => {
    await expect(resolveWorksheetRef({ kind: "name", name: "papers" }, resolver)).resolves.toBe("0xpapers");
    await expect(resolveWorksheetRef({ kind: "name", name: "nope" }, resolver)).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "no worksheet found with name 'nope'",
    });
  });
});
