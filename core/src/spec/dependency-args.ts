/**
 * Positional arguments of `cl run` and `cl make` → dependencies (spec §1 top and §4.4).
 * Mirrors CodaLab's `desugar_command` / `resolve_key_targets`, plus key validation so a bad
 * key is refused before anything is created.
 */
import { CodalabError } from "../errors.ts";
import { basename } from "../paths/safe-path.ts";
import { formatBundleRef } from "./bundle-spec.ts";
import { parseTargetSpec, type TargetSpec } from "./target-spec.ts";

export const RUN_TARGET_SPEC_FORMAT = "[<key>]:<target_spec>";
export const MAKE_TARGET_SPEC_FORMAT = "[<key>:]<target_spec>";

export type DependencyArg = {
  /** Where the dependency appears in the new bundle; "" only for make's single unkeyed target. */
  key: string;
  /** The target spec text, without the key. */
  target: string;
  spec: TargetSpec;
};

/** `key:target` → key; `:target` → "" (derive the key); `target` → null (no key given). */
export function parseKeyTarget(arg: string, format = RUN_TARGET_SPEC_FORMAT): { key: string | null; target: string } {
  const colon = keyColonIndex(arg);
  const key = colon === -1 ? null : arg.slice(0, colon);
  const target = colon === -1 ? arg : arg.slice(colon + 1);
  if (target.trim() === "") {
    throw new CodalabError("INVALID_SPEC", `target spec '${arg}' is incomplete: expected ${format}`);
  }
  return { key, target };
}

/**
 * Where the `key:` prefix ends, or -1. The first `:` counts unless it is part of `::`
 * (`alias::ws//b` has no key) or of an address scheme (`https://host::ws//b` is not key `https`).
 */
export function keyColonIndex(arg: string): number {
  const colon = arg.indexOf(":");
  if (colon === -1 || arg[colon + 1] === ":" || /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(arg)) return -1;
  return colon;
}

const KEY_CHARS = /^[a-zA-Z0-9_\-./]*$/;

/**
 * Checks one key and returns its canonical form (`a//b/` → `a/b`; `.` stays `.`, meaning
 * "merge into the bundle root"). Throws VALIDATION_FAILED naming the key.
 */
export function normalizeDependencyKey(key: string): string {
  const shown = JSON.stringify(key);
  if (/[\0\n\r]/.test(key)) {
    throw new CodalabError("VALIDATION_FAILED", `dependency key ${shown} may not contain NUL or newline characters`);
  }
  if (!KEY_CHARS.test(key)) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `dependency key ${shown} may only contain letters, digits, _, -, . and /`,
    );
  }
  if (key.startsWith("/")) {
    throw new CodalabError("VALIDATION_FAILED", `dependency key ${shown} must be a relative path (no leading /)`);
  }
  const segments = key.split("/");
  if (segments.includes("..")) {
    throw new CodalabError("VALIDATION_FAILED", `dependency key ${shown} may not contain a '..' segment`);
  }
  if (key === "." || key === "") return key;
  const normalized = segments.filter((segment) => segment !== "" && segment !== ".").join("/");
  if (normalized === "") {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `dependency key ${shown} names no path; use '.' to merge into the bundle root`,
    );
  }
  return normalized;
}

/** Keys must be unique and none may be an ancestor of another (`a` and `a/b` would overlap). */
export function checkDependencyKeys(keys: readonly string[]): void {
  const seen: string[] = [];
  for (const key of keys) {
    for (const other of seen) {
      if (key === other) {
        throw new CodalabError(
          "VALIDATION_FAILED",
          key === ""
            ? "give every target a key (key:target) when there are several"
            : `duplicate dependency key '${key}'`,
        );
      }
      if (key.startsWith(`${other}/`) || other.startsWith(`${key}/`)) {
        throw new CodalabError(
          "VALIDATION_FAILED",
          `dependency key '${other}' and '${key}' overlap: a key cannot be an ancestor of another`,
        );
      }
    }
    seen.push(key);
  }
}

/** The key `:target` gets: the subpath's basename, else the bundle's name (or uuid). */
export function deriveDependencyKey(spec: TargetSpec): string {
  if (spec.subpath !== "") return basename(spec.subpath);
  const ref = spec.bundle.ref;
  switch (ref.kind) {
    case "uuid":
      return ref.uuid;
    case "uuid_prefix":
      return ref.prefix;
    case "name":
      return ref.name;
    case "index":
      throw new CodalabError(
        "VALIDATION_FAILED",
        `cannot name a dependency after '${formatBundleRef(ref)}' in ':${spec.text}'; give a key, as in mykey:${spec.text}`,
      );
  }
}

function parseDependencyTarget(target: string, arg: string): TargetSpec {
  let spec: TargetSpec;
  try {
    spec = parseTargetSpec(target);
  } catch (error) {
    if (error instanceof CodalabError) throw new CodalabError(error.code, `dependency '${arg}': ${error.message}`);
    throw error;
  }
  if (spec.bundle.instance !== null) {
    throw new CodalabError(
      "INVALID_SPEC",
      `dependency '${arg}' is on another instance (${spec.bundle.instance}); dependencies must be on this instance, so copy the bundle here first (cl add bundle ${spec.bundleText})`,
    );
  }
  return spec;
}

export type RunArgs = { dependencies: DependencyArg[]; command: string };

/** `cl run` positionals: every argument but the last is a target, the last is the command. */
export function parseRunArgs(positionals: readonly string[]): RunArgs {
  const command = positionals.at(-1);
  if (command === undefined) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `cl run needs a command: cl run ${RUN_TARGET_SPEC_FORMAT} ... '<command>'`,
    );
  }
  return desugarRunCommand(positionals.slice(0, -1), command);
}

const INLINE_SPEC = /^([^%]*)%([^%]+)%(.*)$/s;

/**
 * Turns targets and `%spec%` occurrences in the command into keyed dependencies:
 * `%a.txt%` → key `b1`; `%:a.txt%` → key `a.txt`; `%k:a.txt%` → key `k`. A bare target gets
 * `b<N>` where N counts the dependencies so far; the same target text reuses its key.
 */
export function desugarRunCommand(targets: readonly string[], command: string): RunArgs {
  const dependencies: DependencyArg[] = [];
  const targetByKey = new Map<string, string>();
  const keyByTarget = new Map<string, string>();

  const bind = (arg: string, context: string): string => {
    const { key: given, target } = parseKeyTarget(arg);
    const spec = parseDependencyTarget(target, context);
    let key: string;
    if (given === null) key = keyByTarget.get(target) ?? `b${dependencies.length + 1}`;
    else key = normalizeDependencyKey(given === "" ? deriveDependencyKey(spec) : given);
    if (!keyByTarget.has(target)) keyByTarget.set(target, key);
    const bound = targetByKey.get(key);
    if (bound === undefined) {
      targetByKey.set(key, target);
      dependencies.push({ key, target, spec });
    } else if (bound !== target) {
      throw new CodalabError(
        "VALIDATION_FAILED",
        `dependency key '${key}' is bound to two different targets: ${bound} and ${target}`,
      );
    }
    return key;
  };

  for (const target of targets) bind(target, target);
  let rest = command;
  let output = "";
  for (let match = INLINE_SPEC.exec(rest); match; match = INLINE_SPEC.exec(rest)) {
    const [, before = "", inline = "", after = ""] = match;
    if (inline.trim() !== inline) {
      // `printf '%d %s'` would otherwise silently depend on a bundle named `d`.
      throw new CodalabError(
        "INVALID_SPEC",
        `'%${inline}%' in the command is read as an inline dependency (%<target>%), but '${inline}' is not a target spec; move text with paired % signs into a script`,
      );
    }
    output += before + bind(inline, `%${inline}%`);
    rest = after;
  }
  const desugared = output + rest;
  if (desugared.trim() === "") throw new CodalabError("VALIDATION_FAILED", "the command cannot be empty");
  checkDependencyKeys(dependencies.map((dependency) => dependency.key));
  return { dependencies, command: desugared };
}

export type MakeArgs = {
  dependencies: DependencyArg[];
  /** True when the single dependency has key "": the new bundle *is* that target. */
  anonymous: boolean;
};

/** `cl make` targets: one unkeyed target, or any number of keyed ones (`:target` derives the key). */
export function parseMakeArgs(targets: readonly string[]): MakeArgs {
  if (targets.length === 0) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `cl make needs at least one target: cl make ${MAKE_TARGET_SPEC_FORMAT} ...`,
    );
  }
  const dependencies = targets.map((arg): DependencyArg => {
    const { key: given, target } = parseKeyTarget(arg, MAKE_TARGET_SPEC_FORMAT);
    const spec = parseDependencyTarget(target, arg);
    if (given === null) return { key: "", target, spec };
    return { key: normalizeDependencyKey(given === "" ? deriveDependencyKey(spec) : given), target, spec };
  });
  const anonymous = dependencies.some((dependency) => dependency.key === "");
  if (anonymous && dependencies.length > 1) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      "an unkeyed target makes the new bundle that target, so it must be the only one; give every target a key (key:target)",
    );
  }
  checkDependencyKeys(dependencies.map((dependency) => dependency.key));
  return { dependencies, anonymous };
}

/**
 * CodaLab's `---`: everything after the first `---` argument becomes one argument, each word
 * shell-quoted and joined with spaces, so `cl run a:b --- python x.py --lr 3` needs no quotes.
 */
export function joinAfterDashes(argv: readonly string[]): string[] {
  const index = argv.indexOf("---");
  if (index === -1) return [...argv];
  return [
    ...argv.slice(0, index),
    argv
      .slice(index + 1)
      .map(shellQuote)
      .join(" "),
  ];
}

/** Python's `shlex.quote`: safe words stay bare, anything else is single-quoted. */
export function shellQuote(word: string): string {
  if (word === "") return "''";
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}
