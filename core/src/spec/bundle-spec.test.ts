import { describe, expect, it } from "vitest";
import { CodalabError } from "../errors.ts";
import {
  type BundleSpecResolver,
  expandRanges,
  formatBundleSpec,
  MAX_RANGE_LENGTH,
  type NameMatch,
  parseBundleSpec,
  resolveBundleSpecs,
} from "./bundle-spec.ts";
import type { WorksheetRef } from "./worksheet-spec.ts";

const UUID = `0x${"0123456789abcdef".repeat(2)}`;

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

describe("parseBundleSpec", () => {
  it("reads 0x + 32 hex digits as a full uuid, lower-cased", () => {
    expect(parseBundleSpec(UUID.toUpperCase().replace("0X", "0x"))).toEqual({
      text: UUID.toUpperCase().replace("0X", "0x"),
      instance: null,
      worksheet: null,
      ref: { kind: "uuid", uuid: UUID },
    });
  });

  it("reads 0x + 1..31 hex digits as a uuid prefix", () => {
    expect(parseBundleSpec("0x1A").ref).toEqual({ kind: "uuid_prefix", prefix: "0x1a" });
    expect(parseBundleSpec(UUID.slice(0, 33)).ref).toEqual({ kind: "uuid_prefix", prefix: UUID.slice(0, 33) });
  });

  it("reads a plain name as the most recent bundle with that name", () => {
    expect(parseBundleSpec("train.py").ref).toEqual({
      kind: "name",
      name: "train.py",
      pattern: "train.py",
      isPattern: false,
      index: 1,
    });
  });

  it("reads name^N as the N-th most recent match and name^ as the first", () => {
    expect(parseBundleSpec("run^3").ref).toMatchObject({ kind: "name", name: "run", index: 3 });
    expect(parseBundleSpec("run^").ref).toMatchObject({ kind: "name", name: "run", index: 1 });
  });

  it("reads ^N and ^ as worksheet positions", () => {
    expect(parseBundleSpec("^4").ref).toEqual({ kind: "index", index: 4 });
    expect(parseBundleSpec("^").ref).toEqual({ kind: "index", index: 1 });
  });

  it("turns .* into a LIKE % and marks the name as a pattern", () => {
    expect(parseBundleSpec("exp.*-v2^2").ref).toEqual({
      kind: "name",
      name: "exp.*-v2",
      pattern: "exp%-v2",
      isPattern: true,
      index: 2,
    });
    expect(parseBundleSpec("exp%").ref).toMatchObject({ pattern: "exp%", isPattern: true });
  });

  it("reads ws//bundle as a bundle on another worksheet", () => {
    expect(parseBundleSpec("papers//data^2")).toEqual({
      text: "papers//data^2",
      instance: null,
      worksheet: { kind: "name", name: "papers" },
      ref: { kind: "name", name: "data", pattern: "data", isPattern: false, index: 2 },
    });
  });

  it("reads //bundle as a bundle on the home worksheet", () => {
    expect(parseBundleSpec("//data").worksheet).toEqual({ kind: "home" });
  });

  it("reads alias::ws//bundle with the instance", () => {
    const spec = parseBundleSpec("main::papers//^1");
    expect(spec.instance).toBe("main");
    expect(spec.worksheet).toEqual({ kind: "name", name: "papers" });
    expect(spec.ref).toEqual({ kind: "index", index: 1 });
  });

  it("accepts an address as the instance", () => {
    const spec = parseBundleSpec("https://worksheets.codalab.org::0x12//data");
    expect(spec.instance).toBe("https://worksheets.codalab.org");
    expect(spec.worksheet).toEqual({ kind: "uuid_prefix", prefix: "0x12" });
  });

  it("refuses an instance without a worksheet, showing the right form", () => {
    expectCode(() => parseBundleSpec("main::data"), "INVALID_SPEC", /main::<worksheet>\/\/data/);
  });

  it("refuses the legacy single-slash ws/bundle form, pointing at // and target specs", () => {
    expectCode(() => parseBundleSpec("papers/data"), "INVALID_SPEC", /<worksheet>\/\/<bundle>.*target spec/);
    expectCode(() => parseBundleSpec("papers//data/x"), "INVALID_SPEC");
  });

  it("accepts the legacy single-slash form when asked to", () => {
    const spec = parseBundleSpec("papers/data", { allowLegacySlash: true });
    expect(spec.worksheet).toEqual({ kind: "name", name: "papers" });
    expect(spec.ref).toMatchObject({ kind: "name", name: "data" });
  });

  it("still refuses a second slash with the legacy form", () => {
    expectCode(() => parseBundleSpec("papers//a/b", { allowLegacySlash: true }), "INVALID_SPEC");
  });

  it("refuses an empty spec and an empty bundle part", () => {
    expectCode(() => parseBundleSpec("  "), "INVALID_SPEC", /empty bundle spec/);
    expectCode(() => parseBundleSpec("papers//"), "INVALID_SPEC", /bundle part is missing/);
  });

  it("refuses characters no name or pattern has", () => {
    expectCode(() => parseBundleSpec("a b"), "INVALID_SPEC", /invalid bundle spec 'a b'/);
    expectCode(() => parseBundleSpec("a^b"), "INVALID_SPEC");
  });

  it("refuses ^0 because positions count from 1", () => {
    expectCode(() => parseBundleSpec("^0"), "INVALID_SPEC", /counts from 1/);
    expectCode(() => parseBundleSpec("run^0"), "INVALID_SPEC");
  });

  it("refuses a bad worksheet part", () => {
    expectCode(() => parseBundleSpec("a b//c"), "INVALID_SPEC", /invalid worksheet spec/);
  });
});

describe("formatBundleSpec", () => {
  it("round-trips every form", () => {
    for (const text of [
      "0x1a",
      UUID,
      "run",
      "run^3",
      "^2",
      "papers//run",
      "main::papers//^1",
      "//data",
      `${UUID}//x`,
    ]) {
      expect(formatBundleSpec(parseBundleSpec(text))).toBe(text);
    }
  });

  it("drops the instance when asked", () => {
    expect(formatBundleSpec(parseBundleSpec("main::papers//run^2"), { withInstance: false })).toBe("papers//run^2");
  });

  it("writes name^1 as the bare name", () => {
    expect(formatBundleSpec(parseBundleSpec("run^1"))).toBe("run");
  });
});

describe("expandRanges", () => {
  it("expands name^a-b and ^a-b and keeps other specs in place", () => {
    expect(expandRanges(["foo", "a^1-3", "bar", "^2-3"])).toEqual(["foo", "a^1", "a^2", "a^3", "bar", "^2", "^3"]);
  });

  it("counts down for descending ranges", () => {
    expect(expandRanges(["^5-3"])).toEqual(["^5", "^4", "^3"]);
  });

  it("expands a one-element range to itself", () => {
    expect(expandRanges(["x^2-2"])).toEqual(["x^2"]);
  });

  it("keeps worksheet-qualified prefixes", () => {
    expect(expandRanges(["ws//run^1-2"])).toEqual(["ws//run^1", "ws//run^2"]);
  });

  it("leaves specs that only look like ranges alone", () => {
    expect(expandRanges(["a-b", "^1-3x", "run^2"])).toEqual(["a-b", "^1-3x", "run^2"]);
  });

  it("refuses absurdly long ranges", () => {
    expectCode(() => expandRanges([`^1-${MAX_RANGE_LENGTH + 1}`]), "INVALID_SPEC", /too long/);
  });
});

type FakeBundle = { uuid: string; name: string };

/** An in-memory database: bundles in creation order, worksheets as item lists in order. */
function fakeResolver(
  bundles: FakeBundle[],
  worksheets: Record<string, string[]>,
): BundleSpecResolver & { calls: string[] } {
  const calls: string[] = [];
  const matches = (match: NameMatch, name: string) =>
    match.isPattern
      ? new RegExp(`^${match.pattern.split("%").map(escapeRegExp).join(".*")}$`).test(name)
      : name === match.pattern;
  const nameOf = (uuid: string) => bundles.find((bundle) => bundle.uuid === uuid)?.name ?? "";
  return {
    calls,
    async resolveWorksheet(ref: WorksheetRef) {
      calls.push(`ws:${ref.kind}`);
      if (ref.kind === "name" && ref.name in worksheets) return ref.name;
      if (ref.kind === "home") return "home";
      throw new CodalabError("NOT_FOUND", "no worksheet");
    },
    async findBundlesByUuidPrefix(prefix, limit) {
      calls.push(`prefix:${prefix}:${limit}`);
      return bundles
        .filter((bundle) => bundle.uuid.startsWith(prefix))
        .map((bundle) => bundle.uuid)
        .slice(0, limit);
    },
    async findBundlesByName(match, { worksheetUuid, limit }) {
      calls.push(`name:${match.pattern}:${worksheetUuid}:${limit}`);
      const pool = worksheetUuid === null ? bundles.map((bundle) => bundle.uuid) : (worksheets[worksheetUuid] ?? []);
      return [...pool]
        .reverse()
        .filter((uuid) => matches(match, nameOf(uuid)))
        .slice(0, limit);
    },
    async listWorksheetBundles(worksheetUuid, limit) {
      calls.push(`list:${worksheetUuid}:${limit}`);
      return [...(worksheets[worksheetUuid] ?? [])].reverse().slice(0, limit);
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("resolveBundleSpecs", () => {
  const u = (n: number, prefix = "0xaa") => `${prefix}${String(n).padStart(32 - (prefix.length - 2), "0")}`;
  const bundles: FakeBundle[] = [
    { uuid: u(1), name: "data" },
    { uuid: u(2), name: "run-python" },
    { uuid: u(3, "0xbb"), name: "data" },
    { uuid: u(4, "0xcc"), name: "run-bash" },
  ];
  const worksheets = { papers: [u(1), u(2), u(1)], other: [u(3, "0xbb"), u(4, "0xcc")], home: [] };

  it("returns a full uuid without any lookup", async () => {
    const resolver = fakeResolver(bundles, worksheets);
    await expect(resolveBundleSpecs([UUID], resolver)).resolves.toEqual([UUID]);
    expect(resolver.calls).toEqual([]);
  });

  it("resolves a unique uuid prefix asking for at most two matches", async () => {
    const resolver = fakeResolver(bundles, worksheets);
    await expect(resolveBundleSpecs(["0xbb"], resolver)).resolves.toEqual([u(3, "0xbb")]);
    expect(resolver.calls).toEqual(["prefix:0xbb:2"]);
  });

  it("reports an ambiguous uuid prefix with the matches", async () => {
    await expect(resolveBundleSpecs(["0xaa"], fakeResolver(bundles, worksheets))).rejects.toMatchObject({
      code: "AMBIGUOUS_SPEC",
      message: expect.stringMatching(/^more than one bundle has uuid prefix 0xaa: 0xaa0+1, 0xaa0+2/),
    });
  });

  it("reports a uuid prefix that matches nothing", async () => {
    await expect(resolveBundleSpecs(["0xdd"], fakeResolver(bundles, worksheets))).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("no bundle found matching '0xdd'"),
    });
  });

  it("finds a name on the base worksheet, newest item first", async () => {
    const resolver = fakeResolver(bundles, worksheets);
    await expect(resolveBundleSpecs(["data"], resolver, { worksheetUuid: "other" })).resolves.toEqual([u(3, "0xbb")]);
    expect(resolver.calls).toEqual(["name:data:other:1"]);
  });

  it("counts a bundle listed twice on a worksheet twice for name^N", async () => {
    await expect(
      resolveBundleSpecs(["data^2"], fakeResolver(bundles, worksheets), { worksheetUuid: "papers" }),
    ).resolves.toEqual([u(1)]);
  });

  it("finds a name globally, newest bundle first, when there is no worksheet", async () => {
    const resolver = fakeResolver(bundles, worksheets);
    await expect(resolveBundleSpecs(["data", "data^2"], resolver)).resolves.toEqual([u(3, "0xbb"), u(1)]);
    expect(resolver.calls).toEqual(["name:data:null:1", "name:data:null:2"]);
  });

  it("matches name patterns", async () => {
    await expect(resolveBundleSpecs(["run-.*"], fakeResolver(bundles, worksheets))).resolves.toEqual([u(4, "0xcc")]);
    await expect(resolveBundleSpecs(["run-%^2"], fakeResolver(bundles, worksheets))).resolves.toEqual([u(2)]);
  });

  it("resolves ws//name on that worksheet instead of the base one", async () => {
    const resolver = fakeResolver(bundles, worksheets);
    await expect(resolveBundleSpecs(["other//data"], resolver, { worksheetUuid: "papers" })).resolves.toEqual([
      u(3, "0xbb"),
    ]);
    expect(resolver.calls).toEqual(["ws:name", "name:data:other:1"]);
  });

  it("resolves .//name on the base worksheet without asking the resolver", async () => {
    const resolver = fakeResolver(bundles, worksheets);
    await expect(resolveBundleSpecs([".//data"], resolver, { worksheetUuid: "other" })).resolves.toEqual([
      u(3, "0xbb"),
    ]);
    expect(resolver.calls).toEqual(["name:data:other:1"]);
  });

  it("refuses .//name when there is no current worksheet", async () => {
    await expect(resolveBundleSpecs([".//data"], fakeResolver(bundles, worksheets))).rejects.toMatchObject({
      code: "INVALID_SPEC",
    });
  });

  it("resolves ^N to the N-th most recent bundle item", async () => {
    const resolver = fakeResolver(bundles, worksheets);
    await expect(resolveBundleSpecs(["^1", "^2"], resolver, { worksheetUuid: "papers" })).resolves.toEqual([
      u(1),
      u(2),
    ]);
    expect(resolver.calls).toEqual(["list:papers:1", "list:papers:2"]);
  });

  it("explains that ^N needs a worksheet when there is none", async () => {
    await expect(resolveBundleSpecs(["^2"], fakeResolver(bundles, worksheets))).rejects.toMatchObject({
      code: "INVALID_SPEC",
      message: expect.stringContaining(
        "'^2' means the 2nd most recent bundle on a worksheet, but no worksheet was given",
      ),
    });
  });

  it("reports ^N beyond the worksheet's bundles", async () => {
    await expect(
      resolveBundleSpecs(["^4"], fakeResolver(bundles, worksheets), { worksheetUuid: "papers" }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "no bundle found matching '^4': there are only 3 bundle(s) on this worksheet",
    });
  });

  it("reports an unknown name, saying where it looked", async () => {
    await expect(
      resolveBundleSpecs(["nope"], fakeResolver(bundles, worksheets), { worksheetUuid: "papers" }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "no bundle found matching 'nope' on this worksheet",
    });
    await expect(resolveBundleSpecs(["other//nope"], fakeResolver(bundles, worksheets))).rejects.toMatchObject({
      message: "no bundle found matching 'other//nope' on worksheet 'other'",
    });
    await expect(resolveBundleSpecs(["nope"], fakeResolver(bundles, worksheets))).rejects.toMatchObject({
      message: "no bundle found matching 'nope'",
    });
  });

  it("reports name^N beyond the matches with how many there are", async () => {
    await expect(resolveBundleSpecs(["data^5"], fakeResolver(bundles, worksheets))).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "no bundle found matching 'data^5' (only 2 bundle(s) match 'data')",
    });
    await expect(
      resolveBundleSpecs(["data^5"], fakeResolver(bundles, worksheets), { worksheetUuid: "other" }),
    ).rejects.toMatchObject({
      message: "no bundle found matching 'data^5' (only 1 bundle(s) match 'data' on this worksheet)",
    });
  });

  it("refuses specs naming another instance", async () => {
    await expect(resolveBundleSpecs(["main::papers//data"], fakeResolver(bundles, worksheets))).rejects.toMatchObject({
      code: "INVALID_SPEC",
      message: expect.stringContaining("only the command-line client can follow '::'"),
    });
  });

  it("passes the legacy-slash option through to parsing", async () => {
    await expect(
      resolveBundleSpecs(["other/data"], fakeResolver(bundles, worksheets), { allowLegacySlash: true }),
    ).resolves.toEqual([u(3, "0xbb")]);
  });

  it("uses ordinal words in the ^N message", async () => {
    const resolver = fakeResolver(bundles, worksheets);
    for (const [n, word] of [
      [1, "1st"],
      [3, "3rd"],
      [11, "11th"],
      [22, "22nd"],
      [104, "104th"],
    ] as const) {
      await expect(resolveBundleSpecs([`^${n}`], resolver)).rejects.toMatchObject({
        message: expect.stringContaining(`the ${word} most recent`),
      });
    }
  });
});
