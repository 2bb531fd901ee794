import { describe, expect, it } from "vitest";
import { archiveFormatOf, archiveSuffixOf, isBzip2, unpacksToDirectory } from "./archive-format.ts";

describe("archive formats by file name", () => {
  it("takes the longest suffix, whatever its case", () => {
    expect(archiveFormatOf("data.tar.gz")).toBe("tar.gz");
    expect(archiveFormatOf("data.TGZ")).toBe("tar.gz");
    expect(archiveFormatOf("data.tbz2")).toBe("tar.bz2");
    expect(archiveFormatOf("notes.txt.gz")).toBe("gz");
    expect(archiveFormatOf("x.Zip")).toBe("zip");
    expect(archiveFormatOf("x.tar")).toBe("tar");
    expect(archiveFormatOf("x.tar.xz")).toBeNull();
    expect(archiveFormatOf("gz")).toBeNull();
  });

  it("gives the suffix as the name spells it", () => {
    expect(archiveSuffixOf("Glove.6B.TAR.GZ")).toEqual({ format: "tar.gz", suffix: ".TAR.GZ" });
    expect(archiveSuffixOf("readme.md")).toBeNull();
  });

  it("says which formats unpack to a directory and which need bzip2", () => {
    expect(["tar", "tar.gz", "tar.bz2", "zip", "gz", "bz2"].map((f) => unpacksToDirectory(f as never))).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(isBzip2("tar.bz2") && isBzip2("bz2") && !isBzip2("gz")).toBe(true);
  });
});
