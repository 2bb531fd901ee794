/**
 * Target specs (spec §4.3): `<bundle_spec>[/<subpath>]`, e.g. `run1/stdout`, `^2/out/model.pt`,
 * `main::myws//data/train.csv`. The subpath starts at the first `/` after the bundle part.
 */
import { CodalabError } from "../errors.ts";
import { normalizeSubpath } from "../paths/safe-path.ts";
import { type BundleSpec, parseBundleSpec, splitWorksheet, WORKSHEET_SEPARATOR } from "./bundle-spec.ts";

export const TARGET_SPEC_FORMAT = "[[(<alias>|<address>)::](<uuid>|<name>)//](<uuid>|<name>|^<index>)[/<subpath>]";

export type TargetSpec = {
  /** The spec as given (trimmed). */
  text: string;
  /** The bundle spec text, everything before the subpath (e.g. `main::ws//data`). */
  bundleText: string;
  bundle: BundleSpec;
  /** Normalized path inside the bundle; "" is the bundle itself. */
  subpath: string;
};

export function parseTargetSpec(text: string): TargetSpec {
  const trimmed = text.trim();
  if (trimmed === "") throw new CodalabError("INVALID_SPEC", `empty target spec: expected ${TARGET_SPEC_FORMAT}`);
  const { instance, worksheetText, rest } = splitWorksheet(trimmed);
  const slash = rest.indexOf("/");
  const bundlePart = slash === -1 ? rest : rest.slice(0, slash);
  const rawSubpath = slash === -1 ? "" : rest.slice(slash + 1);
  const prefix = `${instance === null ? "" : `${instance}::`}${worksheetText === null ? "" : `${worksheetText}${WORKSHEET_SEPARATOR}`}`;
  const bundleText = `${prefix}${bundlePart}`;
  let bundle: BundleSpec;
  try {
    bundle = parseBundleSpec(bundleText);
  } catch (error) {
    if (error instanceof CodalabError && bundlePart === "") {
      throw new CodalabError(
        "INVALID_SPEC",
        `invalid target spec '${trimmed}': the bundle is missing (expected ${TARGET_SPEC_FORMAT})`,
      );
    }
    throw error;
  }
  let subpath: string;
  try {
    subpath = normalizeSubpath(rawSubpath, "subpath");
  } catch (error) {
    if (error instanceof CodalabError)
      throw new CodalabError(error.code, `invalid target spec '${trimmed}': ${error.message}`);
    throw error;
  }
  return { text: trimmed, bundleText, bundle, subpath };
}

/** `bundle` or `bundle/sub/path`, without touching the bundle text. */
export function formatTargetSpec(bundleText: string, subpath: string): string {
  return subpath === "" ? bundleText : `${bundleText}/${subpath}`;
}
