import { randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fetchTargetInfo, missingTarget, openBlob } from "../bundles/contents.ts";
import { resolveTarget } from "../bundles/resolve-bundles.ts";
import { defineClCommand } from "../command.ts";
import { CliError, usageError } from "../errors/cli-error.ts";
import { ProgressBar } from "../output/progress-bar.ts";

export default defineClCommand({
  args: {
    target_spec: {
      type: "positional",
      required: true,
      description: "[[(<alias>|<address>)::](<uuid>|<name>)//](<uuid>|<name>|^<index>)[/<subpath>]",
    },
    outputPath: {
      type: "string",
      alias: "o",
      description:
        "Path to download bundle to. By default, the bundle or subpath name in the current directory is used.",
    },
    force: { type: "boolean", alias: "f", description: "Overwrite the output path if a file already exists." },
  },
  async run(args, ctx) {
    const local = ctx.local;
    if (local === undefined) throw usageError("cl download needs a local filesystem");
    const { client, bundle, subpath } = await resolveTarget(ctx, args.target_spec);
    const info = await fetchTargetInfo(client, bundle.uuid, subpath, 0);
    if (info === null) throw missingTarget(bundle, subpath);
    if (info.type === "link") throw usageError("downloading symlinks is not allowed");
    const name = typeof bundle.metadata.name === "string" ? bundle.metadata.name : "untitled";
    const target = resolve(local.cwd, args.outputPath ?? (subpath === "" ? name : basename(subpath)));
    const exists = await lstat(target).then(
      () => true,
      () => false,
    );
    if (exists && !args.force) {
      throw new CliError("ALREADY_EXISTS", `local file/directory '${target}' already exists`, {
        hint: "use -f/--force to overwrite it, or -o to choose another path",
      });
    }
    ctx.out.line(`Downloading ${name}(${bundle.uuid})/${subpath} => ${target}`);

    const response = await openBlob(client, bundle.uuid, subpath);
    // A directory arrives as a tar, a little larger than its data: only Content-Length measures that.
    const sizeHeader =
      info.type === "file"
        ? (response.headers.get("x-codalab-target-size") ?? response.headers.get("content-length"))
        : response.headers.get("content-length");
    const announced = Number(sizeHeader ?? Number.NaN);
    const bar = new ProgressBar({
      label: "Downloading",
      total: Number.isFinite(announced) && announced > 0 ? announced : null,
      status: ctx.out.status,
    });
    const body = counted(response.body ?? emptyStream(), (bytes) => bar.add(bytes));
    // Into a new sibling first, so a failed download never leaves half a tree or clobbers the old one.
    await mkdir(dirname(target), { recursive: true });
    const staging = join(dirname(target), `.${basename(target)}.cl-download-${randomBytes(4).toString("hex")}`);
    try {
      if (info.type === "directory") {
        await mkdir(staging, { mode: 0o700 });
        const { extractTar } = await import("../download/extract-tar.ts");
        await extractTar(body, staging);
        // Private while it fills up; then the bundle root's own permissions.
        await chmod(staging, (info.perm ?? 0o755) & 0o777);
      } else {
        await writeStreamToNewFile(staging, body);
        await chmod(staging, (info.perm ?? 0o644) & 0o777);
      }
      if (exists) await rm(target, { recursive: true, force: true });
      await rename(staging, target);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    } finally {
      bar.finish();
    }
  },
});

async function writeStreamToNewFile(path: string, body: ReadableStream<Uint8Array>): Promise<void> {
  const handle = await open(path, "wx", 0o644);
  try {
    for await (const chunk of body) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}

function counted(stream: ReadableStream<Uint8Array>, onBytes: (bytes: number) => void): ReadableStream<Uint8Array> {
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onBytes(chunk.byteLength);
        controller.enqueue(chunk);
      },
    }),
  );
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}
