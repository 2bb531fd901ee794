import { describe, expect, it } from "vitest";
import { markup, table, UUID_A, UUID_B } from "../testing/blocks.ts";
import { itemIdsOfBundles, readClipboard, selectedInOrder, writeClipboard } from "./selection.ts";

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  };
}

describe("selection", () => {
  const blocks = [markup("x"), table([{ name: "a" }, { name: "b" }], { [UUID_A]: "ready", [UUID_B]: "ready" }, [5, 6])];

  it("finds the items showing the selected bundles", () => {
    expect(itemIdsOfBundles(blocks, new Set([UUID_B]))).toEqual([6]);
    expect(itemIdsOfBundles(blocks, new Set([UUID_A, UUID_B]))).toEqual([5, 6]);
  });

  it("lists the selected bundles in page order, without the ones no longer shown", () => {
    expect(selectedInOrder(blocks, new Set([UUID_B, "0xgone", UUID_A]))).toEqual([UUID_A, UUID_B]);
  });
});

describe("the bundle clipboard", () => {
  it("keeps copied bundles and what a cut must detach", () => {
    const storage = memoryStorage();
    expect(readClipboard(storage)).toBeNull();
    writeClipboard(storage, { uuids: [UUID_A], cut: { worksheet_uuid: UUID_B, item_ids: [3] } });
    expect(readClipboard(storage)).toEqual({ uuids: [UUID_A], cut: { worksheet_uuid: UUID_B, item_ids: [3] } });
    writeClipboard(storage, null);
    expect(readClipboard(storage)).toBeNull();
  });

  it("ignores a clipboard that is not ours", () => {
    const storage = memoryStorage();
    storage.setItem("codalab.bundle-clipboard", "{not json");
    expect(readClipboard(storage)).toBeNull();
    storage.setItem("codalab.bundle-clipboard", JSON.stringify({ uuids: ["<script>"] }));
    expect(readClipboard(storage)).toBeNull();
  });
});
