import { describe, expect, it } from "vitest";
import {
  archiveExtension,
  CONTENTS_BUNDLE_NAME,
  defaultMakeName,
  defaultRunName,
  defaultUploadName,
  sanitizeName,
  shortenName,
  stripArchiveExtension,
  validateName,
} from "./default-names.ts";

describe("sanitizeName", () => {
  it("turns invalid characters into single dashes", () => {
    expect(sanitizeName("a b:c//d")).toBe("a-b-c-d");
  });

  it("adds a leading _ when the name does not start with a letter or _", () => {
    expect(sanitizeName("9lives")).toBe("_9lives");
    expect(sanitizeName(".hidden")).toBe("_.hidden");
    expect(sanitizeName("")).toBe("_");
    expect(sanitizeName("_ok")).toBe("_ok");
  });

  it("always produces a valid name", () => {
    for (const raw of ["", "^1", "💥", "a/b c", "-x-"]) expect(() => validateName(sanitizeName(raw))).not.toThrow();
  });
});

describe("shortenName", () => {
  it("keeps names of up to 32 characters", () => {
    expect(shortenName("a".repeat(32))).toBe("a".repeat(32));
  });

  it("shortens longer names to 32 with .. in the middle, keeping both ends", () => {
    const name = `${"a".repeat(20)}${"b".repeat(20)}`;
    const short = shortenName(name);
    expect(short).toBe(`${"a".repeat(15)}..${"b".repeat(15)}`);
    expect(short).toHaveLength(32);
  });
});

describe("archive extensions", () => {
  it("recognises the longest matching extension", () => {
    expect(archiveExtension("x.tar.gz")).toBe(".tar.gz");
    expect(archiveExtension("x.gz")).toBe(".gz");
    expect(archiveExtension("x.tbz2")).toBe(".tbz2");
    expect(archiveExtension("x.txt")).toBeNull();
  });

  it("strips archive extensions and leaves other names alone", () => {
    expect(stripArchiveExtension("data.tar.bz2")).toBe("data");
    expect(stripArchiveExtension("data.tgz")).toBe("data");
    expect(stripArchiveExtension("data.tar")).toBe("data");
    expect(stripArchiveExtension("data.zip")).toBe("data");
    expect(stripArchiveExtension("data.csv")).toBe("data.csv");
  });
});

describe("defaultUploadName", () => {
  it("uses the basename of a single path", () => {
    expect(defaultUploadName(["/home/me/data/train.csv"])).toBe("train.csv");
    expect(defaultUploadName(["results/"])).toBe("results");
  });

  it("joins the basenames of several paths with -", () => {
    expect(defaultUploadName(["a.txt", "dir/b.py", "c"])).toBe("a.txt-b.py-c");
  });

  it("strips an archive extension unless packing", () => {
    expect(defaultUploadName(["glove.6B.tar.gz"])).toBe("glove.6B");
    expect(defaultUploadName(["glove.6B.tar.gz"], { pack: true })).toBe("glove.6B.tar.gz");
  });

  it("uses the last URL segment, without query or fragment", () => {
    expect(defaultUploadName(["https://example.org/files/mnist.zip?raw=1#top"])).toBe("mnist");
    expect(defaultUploadName(["http://example.org/datasets/"])).toBe("datasets");
    expect(defaultUploadName(["ftp://example.org/x.csv"])).toBe("x.csv");
  });

  it("reads Windows paths", () => {
    expect(defaultUploadName(["C:\\Users\\me\\data set\\"])).toBe("data-set");
  });

  it("names stdin uploads stdin", () => {
    expect(defaultUploadName(["-"])).toBe("stdin");
  });

  it("sanitizes and shortens", () => {
    expect(defaultUploadName(["1 weird name!.txt"])).toBe("_1-weird-name-.txt");
    expect(defaultUploadName([`${"x".repeat(40)}.tar.gz`])).toBe(`${"x".repeat(15)}..${"x".repeat(8)}`);
  });

  it("names contents uploads contents", () => {
    expect(CONTENTS_BUNDLE_NAME).toBe("contents");
  });
});

describe("defaultRunName", () => {
  it("is run-<first word of the command>", () => {
    expect(defaultRunName("python train.py --lr 3")).toBe("run-python");
    expect(defaultRunName("  bash\trun.sh")).toBe("run-bash");
  });

  it("sanitizes the word", () => {
    expect(defaultRunName("./scripts/go.sh")).toBe("run-.-scripts-go.sh");
    expect(defaultRunName("")).toBe("run-");
  });
});

describe("defaultMakeName", () => {
  it("uses the basename of a single unkeyed target", () => {
    expect(defaultMakeName(["run1/output/model.pt"])).toBe("model.pt");
    expect(defaultMakeName(["papers//data"])).toBe("data");
    expect(defaultMakeName(["data/dir/"])).toBe("dir");
  });

  it("treats alias:: as part of an unkeyed target", () => {
    expect(defaultMakeName(["main::ws//data"])).toBe("data");
  });

  it("sanitizes a basename that is not a valid name", () => {
    expect(defaultMakeName(["^2"])).toBe("_-2");
  });

  it("is make-<targets> for keyed or several targets", () => {
    expect(defaultMakeName(["a:x", "b:y/z"])).toBe("make-a-x-b-y-z");
    expect(defaultMakeName([":x"])).toBe("make-x");
  });
});

describe("validateName", () => {
  it("returns valid names", () => {
    expect(validateName("my_bundle-1.0")).toBe("my_bundle-1.0");
  });

  it("refuses invalid names with CodaLab's rule", () => {
    expect(() => validateName("1abc", "bundle name")).toThrow(
      expect.objectContaining({
        code: "INVALID_NAME",
        message: expect.stringMatching(/^invalid bundle name "1abc": it must start with a letter or _/),
      }),
    );
    expect(() => validateName("a b")).toThrow(expect.objectContaining({ code: "INVALID_NAME" }));
  });

  it("refuses empty names", () => {
    expect(() => validateName("", "worksheet name")).toThrow(
      expect.objectContaining({
        code: "INVALID_NAME",
        message: expect.stringContaining("worksheet name must not be empty"),
      }),
    );
  });
});
