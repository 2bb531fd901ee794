import { describe, expect, it } from "vitest";
import { CodalabError } from "../errors.ts";
import type { ReadFileResult } from "./data-access.ts";
import { readFileSafely, resolveFileCells, statTargetSafely } from "./file-cells.ts";
import { createMemoryDataAccess, makeBundleInfo } from "./memory-data-access.ts";

const UUID = "0x1";
const access = createMemoryDataAccess({
  bundles: [makeBundleInfo({ uuid: UUID })],
  files: {
    [UUID]: {
      "log.tsv": "loss\t0.25\nacc\t0.9\n",
      "out/stats.json": '{"train": {"acc": 0.75}}',
      "stats.json": '{"acc": 0.5, "runs": [{"loss": 2}]}',
      "bin.dat": "a\u0000b",
      dir: { directory: true },
    },
  },
});

describe("resolving file cells", () => {
  it("resolves the spec's examples from TSV and JSON files", async () => {
    const cells = await resolveFileCells(
      [
        { bundle_uuid: UUID, genpath: "/log.tsv:loss", post: null },
        { bundle_uuid: UUID, genpath: "/out/stats.json:train/acc", post: "%.1f" },
      ],
      access,
    );
    expect(cells).toEqual(["0.25", "0.8"]);
  });

  it("reads, selects, post-processes and reads each file once", async () => {
    const cells = await resolveFileCells(
      [
        { bundle_uuid: UUID, genpath: "/stats.json:acc", post: "%.1f" },
        { bundle_uuid: UUID, genpath: "/stats.json:runs/0/loss", post: null },
        { bundle_uuid: UUID, genpath: "/stats.json:missing", post: null },
        { bundle_uuid: UUID, genpath: "/nope.json:x", post: null },
        { bundle_uuid: UUID, genpath: "/dir", post: null },
      ],
      access,
    );
    expect(cells).toEqual(["0.5", 2, null, null, null]);
    expect(access.calls.filter((call) => call.includes(" stats.json "))).toHaveLength(1);
  });

  it("gives error cells for binary files, bad genpaths and escaping paths", async () => {
    const cells = await resolveFileCells(
      [
        { bundle_uuid: UUID, genpath: "/bin.dat", post: null },
        { bundle_uuid: UUID, genpath: "stats.json", post: null },
        { bundle_uuid: UUID, genpath: "/../x:y", post: null },
      ],
      access,
    );
    expect(cells).toEqual([
      { type: "error", message: "binary file" },
      { type: "error", message: "Not file genpath: stats.json" },
      { type: "error", message: "genpath may not contain '..': \"../x\"" },
    ]);
  });
});

describe("reading files for the interpreter", () => {
  const throwing = (error: Error) => ({
    readFile: async (): Promise<ReadFileResult> => {
      throw error;
    },
  });
  const limits = { maxLines: 1, maxLineBytes: 1024 };

  it("maps permission and not-found errors onto results", async () => {
    await expect(readFileSafely(throwing(new CodalabError("FORBIDDEN", "x")), UUID, "a", limits)).resolves.toEqual({
      type: "forbidden",
    });
    await expect(
      readFileSafely(throwing(new CodalabError("UNAUTHENTICATED", "x")), UUID, "a", limits),
    ).resolves.toEqual({
      type: "forbidden",
    });
    await expect(readFileSafely(throwing(new CodalabError("NOT_FOUND", "x")), UUID, "a", limits)).resolves.toEqual({
      type: "not_found",
    });
    await expect(readFileSafely(throwing(new CodalabError("INVALID_PATH", "x")), UUID, "a", limits)).resolves.toEqual({
      type: "not_found",
    });
  });

  it("maps the same errors when checking a target", async () => {
    const stat = (error: Error) => ({
      statTarget: async () => {
        throw error;
      },
    });
    await expect(statTargetSafely(stat(new CodalabError("FORBIDDEN", "x")), UUID, "a")).resolves.toBe("forbidden");
    await expect(statTargetSafely(stat(new CodalabError("NOT_FOUND", "x")), UUID, "a")).resolves.toBe("not_found");
    await expect(statTargetSafely(stat(new CodalabError("UNAVAILABLE", "down")), UUID, "a")).rejects.toThrow("down");
  });

  it("lets other errors through", async () => {
    await expect(readFileSafely(throwing(new CodalabError("UNAVAILABLE", "down")), UUID, "a", limits)).rejects.toThrow(
      "down",
    );
    await expect(readFileSafely(throwing(new Error("boom")), UUID, "a", limits)).rejects.toThrow("boom");
  });
});
