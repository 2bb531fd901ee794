/**
 * Which archive a file is, by its name, as `cl upload` (and the web's upload dialog) decide
 * whether to unpack it: `.tar`, `.tar.gz`/`.tgz`, `.tar.bz2`/`.tbz2` and `.zip` become directory
 * bundles, `.gz` and `.bz2` the single file they compress. Case does not matter (`DATA.ZIP`).
 */
export const ARCHIVE_FORMATS = ["tar", "tar.gz", "tar.bz2", "zip", "gz", "bz2"] as const;
export type ArchiveFormat = (typeof ARCHIVE_FORMATS)[number];

/** Longest suffix first, so `.tar.gz` is not taken for `.gz`. */
const SUFFIXES: readonly (readonly [string, ArchiveFormat])[] = [
  [".tar.gz", "tar.gz"],
  [".tgz", "tar.gz"],
  [".tar.bz2", "tar.bz2"],
  [".tbz2", "tar.bz2"],
  [".tar", "tar"],
  [".zip", "zip"],
  [".gz", "gz"],
  [".bz2", "bz2"],
];

/** The archive format and the suffix that says so (as spelled in the name), or null. */
export function archiveSuffixOf(fileName: string): { format: ArchiveFormat; suffix: string } | null {
  const lower = fileName.toLowerCase();
  const found = SUFFIXES.find(([suffix]) => lower.endsWith(suffix));
  return found === undefined ? null : { format: found[1], suffix: fileName.slice(fileName.length - found[0].length) };
}

export function archiveFormatOf(fileName: string): ArchiveFormat | null {
  return archiveSuffixOf(fileName)?.format ?? null;
}

/** tar and zip archives unpack to a directory; `.gz` and `.bz2` to one file. */
export function unpacksToDirectory(format: ArchiveFormat): boolean {
  return format !== "gz" && format !== "bz2";
}

/** bzip2 has no decoder in web streams: the CLI uses the system's `bzip2`, browsers cannot. */
export function isBzip2(format: ArchiveFormat): boolean {
  return format === "tar.bz2" || format === "bz2";
}
