import { resolve } from "node:path";
import { parseSize } from "@codalab/core/format/size";
import { defaultUploadName, stripArchiveExtension, validateName } from "@codalab/core/names/default-names";
import type { JsonValue } from "@codalab/core/worksheet/json-value";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { usageError } from "../errors/cli-error.ts";
import { createResumeStore } from "../upload/resume-store.ts";
import { DEFAULT_PART_SIZE, uploadBundle } from "../upload/upload-bundle.ts";
import { contentsSource, localSource, type UploadSource } from "../upload/upload-source.ts";
import { checkUrlUpload, isUrl, uploadFromUrl } from "../upload/url-upload.ts";
import { worksheetTarget } from "../worksheets/current-worksheet.ts";

export default defineClCommand({
  details: [
    "  upload <path>            : Upload contents of file/directory <path> as a bundle.",
    "  upload <path> ... <path> : Upload one bundle whose directory contents contain <path> ... <path>.",
    "  upload -c <text>         : Upload one bundle whose file contents is <text>.",
    "  upload <url>             : Upload one bundle whose contents the instance downloads from <url> (http/https).",
    "Archives (.tar.gz, .tgz, .tar.bz2, .tar, .zip, .gz, .bz2) are unpacked unless -p is given.",
    "From a URL, the instance unpacks .tar, .tar.gz, .tgz and .gz (judged by the URL's file name, query ignored);",
    "  .zip, .tar.bz2 and .bz2 URLs need -p (or download them and upload the local file). source_url is set to the URL;",
    "  cl waits until the bundle is ready or failed. -g/--git is not possible: git clone, then upload the directory.",
    "An interrupted upload continues where it stopped when the same command is run again.",
    "Most of the other arguments specify metadata fields.",
  ],
  args: {
    contents: { type: "string", alias: "c", description: "Specify the string contents of the bundle." },
    followSymlinks: { type: "boolean", alias: "L", description: "Always dereference (follow) symlinks." },
    excludePatterns: { type: "string", alias: "x", valueHint: "pattern", description: "Exclude these file patterns." },
    git: {
      type: "boolean",
      alias: "g",
      description:
        "Path is a git repository, git clone it (not on this instance: clone it, then upload the directory).",
    },
    pack: {
      type: "boolean",
      alias: "p",
      description: "If path is an archive file (e.g., zip, tar.gz), keep it packed.",
    },
    name: {
      type: "string",
      alias: "n",
      description:
        "Short name (not necessarily unique), which must start with a letter or underscore and can only contain letters, digits, underscores, periods, and dashes (name).",
    },
    description: { type: "string", alias: "d", description: "Full description of the bundle (description)." },
    tags: {
      type: "string",
      valueHint: "tag",
      description: "Space-separated list of tags used for search, e.g. machine-learning (tags).",
    },
    license: { type: "string", description: "The license under which this program/dataset is released (license)." },
    sourceUrl: { type: "string", description: "URL corresponding to the original source of this bundle (source_url)." },
    worksheetSpec: {
      type: "string",
      alias: "w",
      valueHint: "worksheet",
      description:
        "Add the bundle to this worksheet ([(<alias>|<address>)::](<uuid>|<name>); default: the current one).",
    },
    json: JSON_ARG,
  },
  rest: { name: "path", description: "Paths of the files/directories to upload, or one http(s) URL." },
  lists: { excludePatterns: "*", tags: "*" },
  async run(args, ctx, lists) {
    const paths = args._;
    if (args.contents === undefined && paths.length === 0) {
      throw usageError("nothing to upload", "give paths to upload, or -c <text>");
    }
    if (args.contents !== undefined && paths.length > 0) {
      throw usageError("upload does not support mixing content strings and paths (local files and URLs)");
    }
    const urls = paths.filter(isUrl);
    if (urls.length > 0 && paths.length > 1) {
      throw usageError(
        "upload takes one URL and nothing else: no other URLs or local paths with it",
        "upload each URL, and the local paths, with a command of their own",
      );
    }
    const url = urls[0];
    if (args.git && url === undefined) throw usageError("-g/--git needs the URL of a git repository");
    const local = ctx.local;
    // What is sent: the URL the instance downloads, or the bytes of a source.
    let from: { url: string } | { source: UploadSource };
    let defaultName: string;
    if (url !== undefined) {
      checkUrlUpload(url, { pack: args.pack === true, git: args.git === true });
      if ((lists.excludePatterns ?? []).length > 0) {
        throw usageError("-x/--exclude-patterns applies to local paths, not to URLs");
      }
      from = { url };
      defaultName = defaultUploadName([url], { pack: args.pack });
    } else if (args.contents !== undefined) {
      from = { source: contentsSource(args.contents) };
      defaultName = "contents";
    } else {
      if (local === undefined) throw usageError("local file paths are not allowed without a filesystem");
      const absolute = paths.map((path) => resolve(local.cwd, path));
      defaultName = defaultUploadName(absolute, { pack: args.pack });
      // Packing comes first so that bad input fails before a bundle exists.
      ctx.out.status?.("Preparing upload...");
      try {
        from = {
          source: await localSource(absolute, {
            pack: args.pack === true,
            followSymlinks: args.followSymlinks === true,
            exclude: lists.excludePatterns ?? [],
            warn: (message) => ctx.out.note(message),
          }),
        };
      } finally {
        ctx.out.status?.("");
      }
    }
    let name = args.name ?? defaultName;
    if (!args.pack) name = stripArchiveExtension(name);
    validateName(name);
    const metadata: Record<string, JsonValue> = { name };
    if (args.description !== undefined) metadata.description = args.description;
    if (lists.tags !== undefined) metadata.tags = lists.tags;
    if (args.license !== undefined) metadata.license = args.license;
    if (args.sourceUrl !== undefined) metadata.source_url = args.sourceUrl;
    else if (url !== undefined) metadata.source_url = url;

    const { client, uuid: worksheetUuid } = await worksheetTarget(ctx, args.worksheetSpec);
    if ("url" in from) {
      const bundle = await uploadFromUrl({
        client,
        url: from.url,
        pack: args.pack === true,
        metadata,
        worksheetUuid,
        status: ctx.out.status,
      });
      if (args.json) ctx.out.json(bundle.raw);
      else ctx.out.line(bundle.uuid);
      return;
    }
    const env = local?.env ?? {};
    const bundle = await uploadBundle({
      client,
      source: from.source,
      metadata,
      worksheetUuid,
      // `-c` text is sent in one go; there is nothing to resume.
      resume:
        local && args.contents === undefined ? createResumeStore(resolve(ctx.about.codalabHome, "uploads")) : undefined,
      partSize: env.CODALAB_UPLOAD_PART_SIZE ? parseSize(env.CODALAB_UPLOAD_PART_SIZE) : DEFAULT_PART_SIZE,
      status: ctx.out.status,
      stopAfterParts: env.CODALAB_TEST_STOP_AFTER_PARTS ? Number(env.CODALAB_TEST_STOP_AFTER_PARTS) : undefined,
    });
    if (args.json) ctx.out.json(bundle.raw);
    else ctx.out.line(bundle.uuid);
  },
});
