import { describe, expect, it } from "vitest";
import { UUID_A, UUID_B } from "../testing/blocks.ts";
import { cellView, linksToBundle } from "./cell-view.ts";

describe("cellView", () => {
  it("shows scalars as text and null as empty", () => {
    expect(cellView(0.5, UUID_A)).toEqual({ kind: "text", text: "0.5" });
    expect(cellView(false, UUID_A)).toEqual({ kind: "text", text: "false" });
    expect(cellView(null, UUID_A)).toEqual({ kind: "text", text: "" });
    expect(cellView(undefined, UUID_A)).toEqual({ kind: "text", text: "" });
  });

  it("marks pending file cells and shows errors", () => {
    expect(cellView({ type: "pending", bundle_uuid: UUID_A, genpath: "/x", post: null }, UUID_A)).toEqual({
      kind: "pending",
    });
    expect(cellView({ type: "error", message: "Forbidden" }, UUID_A)).toEqual({ kind: "error", text: "Forbidden" });
  });

  it("links a dict with a path to that file of the row's bundle, labelled by its text", () => {
    const cell = { type: "dict" as const, value: { path: "/stdout", text: "StandardOutput" } };
    expect(cellView(cell, UUID_A)).toEqual({
      kind: "link",
      text: "StandardOutput",
      href: `/rest/bundles/${UUID_A}/contents/blob/stdout`,
      download: true,
    });
  });

  it("links a dict with a uuid and a path to that bundle's file, and a bare uuid to its page", () => {
    expect(cellView({ type: "dict", value: { uuid: UUID_B, path: "out/a b.txt" } }, UUID_A)).toMatchObject({
      href: `/rest/bundles/${UUID_B}/contents/blob/out/a%20b.txt`,
      text: "out/a b.txt",
    });
    expect(cellView({ type: "dict", value: { uuid: UUID_B } }, UUID_A)).toEqual({
      kind: "link",
      text: UUID_B,
      href: `/bundles/${UUID_B}`,
      download: false,
    });
  });

  it("shows other dicts as JSON", () => {
    expect(cellView({ type: "dict", value: { a: 1 } }, undefined)).toEqual({ kind: "text", text: '{"a":1}' });
  });

  it("links the uuid and name columns to the bundle", () => {
    expect(linksToBundle("uuid")).toBe(true);
    expect(linksToBundle("name")).toBe(true);
    expect(linksToBundle("state")).toBe(false);
  });
});
