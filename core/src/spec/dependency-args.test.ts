import { describe, expect, it } from "vitest";
import {
  checkDependencyKeys,
  desugarRunCommand,
  joinAfterDashes,
  normalizeDependencyKey,
  parseKeyTarget,
  parseMakeArgs,
  parseRunArgs,
  shellQuote,
} from "./dependency-args.ts";

const failure = (code: string, message: string | RegExp) =>
  expect.objectContaining({
    code,
    message: typeof message === "string" ? expect.stringContaining(message) : expect.stringMatching(message),
  });

const keysAndTargets = (dependencies: { key: string; target: string }[]) =>
  dependencies.map(({ key, target }) => `${key}:${target}`);

describe("parseKeyTarget", () => {
  it("splits key:target at the first colon", () => {
    expect(parseKeyTarget("a:b/c")).toEqual({ key: "a", target: "b/c" });
  });

  it("gives an empty key for :target and none for a bare target", () => {
    expect(parseKeyTarget(":data")).toEqual({ key: "", target: "data" });
    expect(parseKeyTarget("data")).toEqual({ key: null, target: "data" });
  });

  it("does not take alias:: for a key", () => {
    expect(parseKeyTarget("main::ws//data")).toEqual({ key: null, target: "main::ws//data" });
    expect(parseKeyTarget("k:main::ws//data")).toEqual({ key: "k", target: "main::ws//data" });
  });

  it("does not take an address scheme for a key", () => {
    expect(parseKeyTarget("https://host::ws//data")).toEqual({ key: null, target: "https://host::ws//data" });
  });

  it("refuses a key with no target", () => {
    expect(() => parseKeyTarget("a:")).toThrow(failure("INVALID_SPEC", "target spec 'a:' is incomplete"));
    expect(() => parseKeyTarget(":")).toThrow(failure("INVALID_SPEC", "[<key>]:<target_spec>"));
  });
});

describe("normalizeDependencyKey", () => {
  it("accepts nested keys and canonicalizes them", () => {
    expect(normalizeDependencyKey("in/data")).toBe("in/data");
    expect(normalizeDependencyKey("a//b/./c/")).toBe("a/b/c");
    expect(normalizeDependencyKey("./x")).toBe("x");
  });

  it("keeps . (merge into the root) and the empty key", () => {
    expect(normalizeDependencyKey(".")).toBe(".");
    expect(normalizeDependencyKey("")).toBe("");
  });

  it("refuses characters outside the key alphabet, naming the key", () => {
    expect(() => normalizeDependencyKey("a b")).toThrow(
      failure("VALIDATION_FAILED", 'dependency key "a b" may only contain'),
    );
    expect(() => normalizeDependencyKey("a$")).toThrow(failure("VALIDATION_FAILED", '"a$"'));
  });

  it("refuses NUL and newlines", () => {
    expect(() => normalizeDependencyKey("a\nb")).toThrow(failure("VALIDATION_FAILED", "NUL or newline"));
    expect(() => normalizeDependencyKey("a\0b")).toThrow(failure("VALIDATION_FAILED", "NUL or newline"));
  });

  it("refuses a leading slash and .. segments", () => {
    expect(() => normalizeDependencyKey("/abs")).toThrow(failure("VALIDATION_FAILED", "no leading /"));
    expect(() => normalizeDependencyKey("a/../b")).toThrow(failure("VALIDATION_FAILED", "'..' segment"));
    expect(() => normalizeDependencyKey("..")).toThrow(failure("VALIDATION_FAILED", "'..' segment"));
  });

  it("accepts dots that are not a .. segment", () => {
    expect(normalizeDependencyKey("a..b")).toBe("a..b");
  });

  it("refuses a key that names no path", () => {
    expect(() => normalizeDependencyKey("./")).toThrow(failure("VALIDATION_FAILED", "names no path"));
  });
});

describe("checkDependencyKeys", () => {
  it("accepts distinct, unrelated keys", () => {
    expect(() => checkDependencyKeys(["a", "b", "ab", "a.b"])).not.toThrow();
  });

  it("refuses duplicates", () => {
    expect(() => checkDependencyKeys(["a", "a"])).toThrow(failure("VALIDATION_FAILED", "duplicate dependency key 'a'"));
    expect(() => checkDependencyKeys(["", ""])).toThrow(failure("VALIDATION_FAILED", "give every target a key"));
  });

  it("refuses a key that is an ancestor of another, either way round", () => {
    expect(() => checkDependencyKeys(["a", "a/b"])).toThrow(failure("VALIDATION_FAILED", "'a' and 'a/b' overlap"));
    expect(() => checkDependencyKeys(["a/b/c", "a/b"])).toThrow(failure("VALIDATION_FAILED", "ancestor"));
  });
});

describe("desugarRunCommand", () => {
  it("gives bare targets auto keys b1, b2...", () => {
    const { dependencies, command } = desugarRunCommand(["data", "code/run.py"], "python b2 b1");
    expect(keysAndTargets(dependencies)).toEqual(["b1:data", "b2:code/run.py"]);
    expect(command).toBe("python b2 b1");
  });

  it("keeps explicit keys and counts them when numbering auto keys", () => {
    const { dependencies } = desugarRunCommand(["in:data", "code"], "x");
    expect(keysAndTargets(dependencies)).toEqual(["in:data", "b2:code"]);
  });

  it("derives the key of :target from the subpath basename, else the bundle name", () => {
    const { dependencies } = desugarRunCommand([":data/dir/train.csv", ":model^2", ":papers//glove"], "x");
    expect(keysAndTargets(dependencies)).toEqual([
      "train.csv:data/dir/train.csv",
      "model:model^2",
      "glove:papers//glove",
    ]);
  });

  it("derives a uuid key from a uuid target", () => {
    const uuid = `0x${"a".repeat(32)}`;
    expect(desugarRunCommand([`:${uuid}`], "x").dependencies[0]?.key).toBe(uuid);
    expect(desugarRunCommand([":0x1a"], "x").dependencies[0]?.key).toBe("0x1a");
  });

  it("refuses to derive a key from ^N", () => {
    expect(() => desugarRunCommand([":^2"], "x")).toThrow(failure("VALIDATION_FAILED", "give a key, as in mykey:^2"));
  });

  it("replaces %spec% in the command with a new key", () => {
    const { dependencies, command } = desugarRunCommand([], "cat %a.txt%");
    expect(keysAndTargets(dependencies)).toEqual(["b1:a.txt"]);
    expect(command).toBe("cat b1");
  });

  it("uses the derived key for %:spec%", () => {
    const { dependencies, command } = desugarRunCommand([], "cat %:a.txt%");
    expect(keysAndTargets(dependencies)).toEqual(["a.txt:a.txt"]);
    expect(command).toBe("cat a.txt");
  });

  it("numbers several inline specs in order", () => {
    const { dependencies, command } = desugarRunCommand([], "%corenlp%/run %a.txt%");
    expect(keysAndTargets(dependencies)).toEqual(["b1:corenlp", "b2:a.txt"]);
    expect(command).toBe("b1/run b2");
  });

  it("handles instance-qualified inline specs and explicit inline keys", () => {
    const { dependencies, command } = desugarRunCommand([], "run %ws//a.txt% %k:b%");
    expect(keysAndTargets(dependencies)).toEqual(["b1:ws//a.txt", "k:b"]);
    expect(command).toBe("run b1 k");
  });

  it("reuses the key of a repeated identical spec", () => {
    const { dependencies, command } = desugarRunCommand(["data"], "diff %data% %data% %:x% %:x%");
    expect(keysAndTargets(dependencies)).toEqual(["b1:data", "x:x"]);
    expect(command).toBe("diff b1 b1 x x");
  });

  it("keeps one dependency for the same key bound to the same target twice", () => {
    expect(desugarRunCommand(["a:x", "a:x"], "c").dependencies).toHaveLength(1);
  });

  it("refuses a key bound to two different targets", () => {
    expect(() => desugarRunCommand(["a:x", "a:y"], "c")).toThrow(
      failure("VALIDATION_FAILED", "dependency key 'a' is bound to two different targets: x and y"),
    );
    expect(() => desugarRunCommand(["a:x"], "%a:y%")).toThrow(failure("VALIDATION_FAILED", "'a'"));
  });

  it("refuses keys that are ancestors of other keys", () => {
    expect(() => desugarRunCommand(["a:x", "a/b:y"], "c")).toThrow(failure("VALIDATION_FAILED", "overlap"));
  });

  it("validates explicit keys", () => {
    expect(() => desugarRunCommand(["../up:x"], "c")).toThrow(failure("VALIDATION_FAILED", "'..'"));
  });

  it("stops desugaring at %% like CodaLab, leaving the rest alone", () => {
    const { dependencies, command } = desugarRunCommand([], "echo 100%% %x%");
    expect(dependencies).toEqual([]);
    expect(command).toBe("echo 100%% %x%");
  });

  it("desugars across newlines in multi-line commands", () => {
    const { command } = desugarRunCommand([], "cat %a%\ncat %b%");
    expect(command).toBe("cat b1\ncat b2");
  });

  it("reports a bad inline spec with the %...% it came from", () => {
    expect(() => desugarRunCommand([], "printf '%d %s'")).toThrow(
      failure("INVALID_SPEC", "'%d %' in the command is read as an inline dependency"),
    );
    expect(() => desugarRunCommand([], "cat %a b%")).toThrow(failure("INVALID_SPEC", "dependency '%a b%'"));
  });

  it("refuses dependencies on another instance", () => {
    expect(() => desugarRunCommand(["main::ws//data"], "c")).toThrow(
      failure("INVALID_SPEC", "dependencies must be on this instance"),
    );
  });

  it("refuses an empty command", () => {
    expect(() => desugarRunCommand(["data"], "  ")).toThrow(
      failure("VALIDATION_FAILED", "the command cannot be empty"),
    );
  });

  it("keeps the parsed target spec of each dependency", () => {
    const [dependency] = desugarRunCommand(["k:ws//run/out/x"], "c").dependencies;
    expect(dependency?.spec).toMatchObject({ bundleText: "ws//run", subpath: "out/x" });
  });
});

describe("parseRunArgs", () => {
  it("takes the last positional as the command", () => {
    const { dependencies, command } = parseRunArgs(["in:data", "python x.py in"]);
    expect(keysAndTargets(dependencies)).toEqual(["in:data"]);
    expect(command).toBe("python x.py in");
  });

  it("accepts a command with no dependencies", () => {
    expect(parseRunArgs(["echo hi"])).toEqual({ dependencies: [], command: "echo hi" });
  });

  it("refuses no positionals at all", () => {
    expect(() => parseRunArgs([])).toThrow(failure("VALIDATION_FAILED", "cl run needs a command"));
  });
});

describe("parseMakeArgs", () => {
  it("reads a single unkeyed target as the bundle itself", () => {
    const { dependencies, anonymous } = parseMakeArgs(["run/out/model.pt"]);
    expect(anonymous).toBe(true);
    expect(dependencies).toMatchObject([{ key: "", target: "run/out/model.pt", spec: { subpath: "out/model.pt" } }]);
  });

  it("reads keyed targets as entries of a directory", () => {
    const { dependencies, anonymous } = parseMakeArgs(["a:x", "b/c:y/z", ":w/file.txt"]);
    expect(anonymous).toBe(false);
    expect(keysAndTargets(dependencies)).toEqual(["a:x", "b/c:y/z", "file.txt:w/file.txt"]);
  });

  it("refuses an unkeyed target next to others", () => {
    expect(() => parseMakeArgs(["x", "a:y"])).toThrow(failure("VALIDATION_FAILED", "it must be the only one"));
    expect(() => parseMakeArgs(["x", "y"])).toThrow(failure("VALIDATION_FAILED", "give every target a key"));
  });

  it("refuses duplicate and overlapping keys", () => {
    expect(() => parseMakeArgs(["a:x", "a:x"])).toThrow(failure("VALIDATION_FAILED", "duplicate dependency key 'a'"));
    expect(() => parseMakeArgs(["a:x", "a/b:y"])).toThrow(failure("VALIDATION_FAILED", "overlap"));
  });

  it("refuses no targets", () => {
    expect(() => parseMakeArgs([])).toThrow(failure("VALIDATION_FAILED", "at least one target"));
  });

  it("refuses a key with no target in make's own format", () => {
    expect(() => parseMakeArgs(["a:"])).toThrow(failure("INVALID_SPEC", "[<key>:]<target_spec>"));
  });
});

describe("joinAfterDashes", () => {
  it("joins everything after --- into one shell-quoted argument", () => {
    expect(joinAfterDashes(["run", "a:b", "---", "python", "x.py", "--lr", "3"])).toEqual([
      "run",
      "a:b",
      "python x.py --lr 3",
    ]);
  });

  it("quotes words the shell would split or expand", () => {
    expect(joinAfterDashes(["run", "---", "echo", "hello world", "$HOME", "it's", ""])).toEqual([
      "run",
      `echo 'hello world' '$HOME' 'it'"'"'s' ''`,
    ]);
  });

  it("only the first --- counts", () => {
    expect(joinAfterDashes(["---", "a", "---"])).toEqual(["a ---"]);
  });

  it("leaves argv without --- unchanged (as a copy)", () => {
    const argv = ["run", "echo hi"];
    const result = joinAfterDashes(argv);
    expect(result).toEqual(argv);
    expect(result).not.toBe(argv);
  });

  it("gives an empty command for a trailing ---", () => {
    expect(joinAfterDashes(["run", "---"])).toEqual(["run", ""]);
  });
});

describe("shellQuote", () => {
  it("leaves safe words bare, like Python's shlex.quote", () => {
    expect(shellQuote("a-b_c.d/e:f,g=h+i@j%k")).toBe("a-b_c.d/e:f,g=h+i@j%k");
    expect(shellQuote("a*")).toBe("'a*'");
  });
});
