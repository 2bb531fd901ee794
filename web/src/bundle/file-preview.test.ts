import { describe, expect, it } from "vitest";
import { isTextResponse, joinPath, pathCrumbs, previewKind } from "./file-preview.ts";

describe("file previews", () => {
  it("shows images as images and every other file, HTML included, as text", () => {
    expect(previewKind("plot.PNG")).toBe("image");
    expect(previewKind("figure.svg")).toBe("image");
    expect(previewKind("report.html")).toBe("text");
    expect(previewKind("stdout")).toBe("text");
  });

  it("trusts only the server's text verdict", () => {
    expect(isTextResponse("text/plain; charset=utf-8")).toBe(true);
    expect(isTextResponse("application/octet-stream")).toBe(false);
    expect(isTextResponse(null)).toBe(false);
  });

  it("splits paths into breadcrumbs and joins them back", () => {
    expect(pathCrumbs("a/b/c")).toEqual([
      ["a", "a"],
      ["b", "a/b"],
      ["c", "a/b/c"],
    ]);
    expect(pathCrumbs("")).toEqual([]);
    expect(joinPath("", "x")).toBe("x");
    expect(joinPath("a", "x")).toBe("a/x");
  });
});
