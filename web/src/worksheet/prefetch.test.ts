import { afterEach, describe, expect, it, vi } from "vitest";
import { UUID_A } from "../testing/blocks.ts";

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe("prefetching the worksheet", () => {
  it("asks for the worksheet of a worksheet address once, and hands the answer over once", async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) =>
      Response.json({
        worksheet: { uuid: UUID_A, name: "w", version: 1, permission: "read" },
        blocks: [],
        raw_to_block: [],
        block_to_raw: {},
        source: [],
      }),
    );
    vi.stubGlobal("fetch", fetch);
    vi.stubGlobal("document", { cookie: "" });
    const { prefetchForPath, takePrefetched } = await import("./prefetch.ts");
    prefetchForPath(`/worksheets/${UUID_A}`);
    prefetchForPath("/bundles/0x1");
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0]?.[0]).toBe(`/rest/worksheets/${UUID_A}/interpretation?brief=1`);
    await expect(takePrefetched(UUID_A)).resolves.toMatchObject({ worksheet: { name: "w" } });
    expect(takePrefetched(UUID_A)).toBeUndefined();
  });
});
