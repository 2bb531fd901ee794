/**
 * The rules for turning an untrusted archive into a bundle (security principle 1), and the
 * "normalize" step built on them: read members from any archive reader, refuse anything unsafe,
 * and re-encode the rest as our own tar + index. Clients run it before uploading and the server
 * runs it on uploaded archives, so both sides agree on what a bundle may contain.
 *
 * Refused: absolute and `..` paths (by `normalizeMemberPath`), symlinks whose target leaves the
 * bundle, hardlinks to anything but an earlier file, device files and FIFOs, members that go
 * through a symlink or a file, duplicate paths; and archives beyond the member or size limits.
 */
import { CodalabError } from "../errors.ts";
import { resolveLinkInBundle } from "../paths/safe-path.ts";
import type { BundleIndex } from "./bundle-index.ts";
import { discardBody } from "./entry-body.ts";
import { compileGlob, type GlobMatcher } from "./glob.ts";
import { normalizeMemberPath, parentPath } from "./member-path.ts";
import type { ArchiveEntry } from "./tar-reader.ts";
import { TarWriter } from "./tar-writer.ts";

export const DEFAULT_MAX_MEMBERS = 1_000_000;
export const DEFAULT_MAX_TOTAL_SIZE = 2 ** 50;

export type ExtractPolicyOptions = {
  /** Glob patterns; a member is skipped when a pattern matches its name or a parent's name (patterns with `/` match whole paths). */
  exclude?: readonly string[];
  /** Keep symlinks (default); when false they are dropped, but nothing may still go through them. */
  keepSymlinks?: boolean;
  /** Most members (of any type) an archive may have. */
  maxMembers?: number;
  /** Most bytes of file data an archive may hold. */
  maxTotalSize?: number;
};

export type SkipReason = "root" | "excluded" | "symlink-dropped";

export type Admission =
  | { action: "skip"; reason: SkipReason }
  | { action: "write" }
  /** A hardlink, written as a second name for `target` (a file already admitted). */
  | { action: "hardlink"; target: string };

type Kind = "directory" | "implied-directory" | "file" | "symlink" | "excluded";

/**
 * Decides, member by member and in archive order, what may enter a bundle. Stateful: it
 * remembers what earlier members were so later ones cannot go through links or duplicate them.
 */
export class ExtractPolicy {
  private readonly kinds = new Map<string, Kind>();
  private readonly nameMatchers: GlobMatcher[] = [];
  private readonly pathMatchers: GlobMatcher[] = [];
  private readonly keepSymlinks: boolean;
  private readonly maxMembers: number;
  private readonly maxTotalSize: number;
  private members = 0;
  private totalSize = 0;

  constructor(options: ExtractPolicyOptions = {}) {
    for (const pattern of options.exclude ?? []) {
      if (pattern.includes("/")) this.pathMatchers.push(compileGlob(pattern.replace(/^\/+|\/+$/g, "")));
      else this.nameMatchers.push(compileGlob(pattern));
    }
    this.keepSymlinks = options.keepSymlinks ?? true;
    this.maxMembers = options.maxMembers ?? DEFAULT_MAX_MEMBERS;
    this.maxTotalSize = options.maxTotalSize ?? DEFAULT_MAX_TOTAL_SIZE;
  }

  /** Throws INVALID_ARCHIVE (or PAYLOAD_TOO_LARGE for the limits) naming the member at fault. */
  admit(entry: Pick<ArchiveEntry, "header" | "path">): Admission {
    const { header, path } = entry;
    const member = () => `archive member ${JSON.stringify(header.name)}`;
    const refuse = (why: string) => new CodalabError("INVALID_ARCHIVE", `${member()} ${why}`);

    this.members++;
    if (this.members > this.maxMembers) {
      throw new CodalabError(
        "PAYLOAD_TOO_LARGE",
        `the archive has more than ${this.maxMembers} members (stopped at ${member()})`,
      );
    }
    switch (header.type) {
      case "character-device":
      case "block-device":
      case "fifo":
        throw refuse(`is a ${header.type.replace("-", " ")}; device files and FIFOs are not allowed in bundles`);
      case "other":
        throw refuse(`has an unsupported type (tar type ${JSON.stringify(header.typeflag ?? "?")})`);
    }
    if (path === "") {
      if (header.type === "directory") return { action: "skip", reason: "root" };
      throw refuse("would replace the bundle's root directory");
    }
    if (this.isExcluded(path)) {
      this.kinds.set(path, "excluded");
      return { action: "skip", reason: "excluded" };
    }
    this.checkParents(path, refuse);
    const existing = this.kinds.get(path);
    if (existing !== undefined && !(existing === "implied-directory" && header.type === "directory")) {
      throw refuse(`is a duplicate of an earlier ${existing === "implied-directory" ? "directory" : existing}`);
    }

    switch (header.type) {
      case "directory":
        this.kinds.set(path, "directory");
        return { action: "write" };
      case "file":
        this.totalSize += header.size;
        if (this.totalSize > this.maxTotalSize) {
          throw new CodalabError(
            "PAYLOAD_TOO_LARGE",
            `the archive holds more than ${this.maxTotalSize} bytes (stopped at ${member()})`,
          );
        }
        this.kinds.set(path, "file");
        return { action: "write" };
      case "symlink": {
        // Recorded even when dropped, so that no later member can be written through it.
        this.kinds.set(path, "symlink");
        if (!this.keepSymlinks) return { action: "skip", reason: "symlink-dropped" };
        const problem = symlinkProblem(path, header.linkTarget);
        if (problem !== null) throw refuse(`is a symlink that ${problem}`);
        return { action: "write" };
      }
      case "hardlink": {
        const target = this.hardlinkTarget(header.linkTarget, refuse);
        this.kinds.set(path, "file");
        return { action: "hardlink", target };
      }
    }
  }

  private isExcluded(path: string): boolean {
    if (this.nameMatchers.length > 0) {
      for (const segment of path.split("/")) {
        if (this.nameMatchers.some((match) => match(segment))) return true;
      }
    }
    if (this.pathMatchers.length > 0) {
      for (let prefix = path; prefix !== ""; prefix = parentPath(prefix)) {
        if (this.pathMatchers.some((match) => match(prefix))) return true;
      }
    }
    return false;
  }

  /** Every ancestor must be a directory (possibly one only implied by earlier members). */
  private checkParents(path: string, refuse: (why: string) => CodalabError): void {
    const implied: string[] = [];
    for (let parent = parentPath(path); parent !== ""; parent = parentPath(parent)) {
      const kind = this.kinds.get(parent);
      if (kind === "directory" || kind === "implied-directory") break;
      if (kind === "symlink") throw refuse(`goes through the symlink ${JSON.stringify(parent)}`);
      if (kind === "file") throw refuse(`is inside ${JSON.stringify(parent)}, which is a file`);
      implied.push(parent);
    }
    for (const parent of implied) this.kinds.set(parent, "implied-directory");
  }

  private hardlinkTarget(linkTarget: string, refuse: (why: string) => CodalabError): string {
    let target: string;
    try {
      target = normalizeMemberPath(linkTarget);
    } catch {
      throw refuse(`is a hardlink that points outside the bundle (${JSON.stringify(linkTarget)})`);
    }
    const kind = this.kinds.get(target);
    if (kind === "file") return target;
    if (kind === "excluded") throw refuse(`is a hardlink to ${JSON.stringify(target)}, which was excluded`);
    throw refuse(`is a hardlink to ${JSON.stringify(linkTarget)}, which is not a file earlier in the archive`);
  }
}

/**
 * Why a symlink target is unsafe, or null. Besides leaving the bundle lexically, a target may not
 * use `..` after a name: `x/..` climbs out of wherever `x` really is, and `x` may itself be a link
 * (`x -> .` makes `x/..` the bundle's parent), which a lexical check cannot see.
 */
export function symlinkProblem(linkPath: string, target: string): string | null {
  if (target === "" || target.includes("\0")) return "has an empty or invalid target";
  if (resolveLinkInBundle(linkPath, target) === null) return `points outside the bundle (${JSON.stringify(target)})`;
  let sawName = false;
  for (const segment of target.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment !== "..") sawName = true;
    else if (sawName)
      return `uses '..' after a name (${JSON.stringify(target)}), which could leave the bundle through another link`;
  }
  return null;
}

export type NormalizeOptions = ExtractPolicyOptions & {
  /** Output bytes buffered before reading more input (default 1 MiB). */
  highWaterMark?: number;
};

/**
 * Re-encodes an untrusted archive's members as a bundle: a tar stream to store and, once that
 * stream has been fully read, its index. A refused member errors both, so nothing partial can be
 * taken for a bundle. Permission bits beyond rwx (setuid, setgid, sticky) are dropped.
 */
export function normalizeArchive(
  entries: AsyncIterable<ArchiveEntry>,
  options: NormalizeOptions = {},
): { readable: ReadableStream<Uint8Array>; index: Promise<BundleIndex> } {
  const writer = new TarWriter(options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark });
  const policy = new ExtractPolicy(options);
  const index = (async () => {
    try {
      for await (const entry of entries) {
        const admission = policy.admit(entry);
        const { header, path } = entry;
        const mode = header.mode & 0o777;
        if (admission.action === "skip") await discardBody(entry.body);
        else if (admission.action === "hardlink") await writer.addHardlink(path, admission.target);
        else if (header.type === "directory") await writer.addDirectory(path, { mode, mtime: header.mtime });
        else if (header.type === "symlink")
          await writer.addSymlink(path, header.linkTarget, { mode, mtime: header.mtime });
        else await writer.addFile(path, entry.body, { size: header.size, mode, mtime: header.mtime });
      }
      return await writer.finish();
    } catch (error) {
      writer.abort(error);
      throw error;
    }
  })();
  // The caller may only watch `readable`; the same error reaches it there.
  index.catch(() => undefined);
  return { readable: writer.readable, index };
}
