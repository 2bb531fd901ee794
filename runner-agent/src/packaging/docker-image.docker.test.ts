/**
 * runner-agent/Dockerfile, built and run for real: no registry is reachable here, so the base
 * image (`node:24-…-slim` for operators) is stood in for by one imported from this machine's own
 * Node binary and the libraries it links, passed as the NODE_IMAGE build argument. The container
 * then drives the daemon through the mounted socket, as on a compute host. Skipped (with the
 * reason in the suite's name) when no daemon answers.
 */
import { spawnSync } from "node:child_process";
import { createReadStream } from "node:fs";
import { chown, mkdtemp, readdir, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { TarWriter } from "@codalab/core/archive/tar-writer";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDocker } from "../runtime/local-image.ts";
import { buildRunnerPackage } from "./build-package.ts";

const connection = await connectDocker();
const title = connection.ok ? "the cl-runner image" : `the cl-runner image (skipped: ${connection.reason})`;
const DOCKERFILE = fileURLToPath(new URL("../../Dockerfile", import.meta.url));
const BASE_IMAGE = "codalab-test/node-base:local";
const IMAGE = "codalab-test/cl-runner:local";
/** Marks the stand-in base with the Node it holds, so it is imported once per Node version. */
const BASE_LABEL = "codalab.test-image";
/** The Dockerfile's user: the official node images' `node`. */
const NODE_UID = 1000;
const MTIME = 1_700_000_000;

function daemon(): Docker {
  if (!connection.ok) throw new Error(connection.reason);
  return connection.docker;
}

function fileStream(path: string): ReadableStream<Uint8Array> {
  return Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
}

/** Writes members through `fill` and hands the tar to Docker as a Node stream while it is written. */
function tarStream(fill: (writer: TarWriter) => Promise<void>): Readable {
  const writer = new TarWriter();
  void fill(writer).then(() => writer.finish());
  return Readable.fromWeb(writer.readable as import("node:stream/web").ReadableStream<Uint8Array>);
}

async function follow(stream: NodeJS.ReadableStream): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    daemon().modem.followProgress(stream, (error: unknown, output: { error?: string }[]) => {
      const failed = output?.find((line) => line.error);
      if (error || failed) reject(error ?? new Error(failed?.error));
      else resolve();
    }),
  );
}

/** A root file system with this machine's Node at /usr/local/bin/node, as in the official images. */
async function importNodeBase(): Promise<void> {
  const label = `node-${process.version}`;
  const present = await daemon()
    .getImage(BASE_IMAGE)
    .inspect()
    .then((info) => info.Config?.Labels?.[BASE_LABEL] === label)
    .catch(() => false);
  if (present) return;
  const libraries = [
    ...spawnSync("ldd", [process.execPath], { encoding: "utf8" }).stdout.matchAll(/(\/\S+) \(0x/g),
  ].map((match) => match[1] ?? "");
  const stream = tarStream(async (writer) => {
    const dirs = new Set(["etc", "tmp", "usr", "usr/local", "usr/local/bin", "var", "var/lib", "home", "home/node"]);
    for (const library of libraries) {
      const parts = library.slice(1).split("/").slice(0, -1);
      for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
    }
    for (const dir of [...dirs].sort())
      await writer.addDirectory(dir, { mtime: MTIME, mode: dir === "tmp" ? 0o777 : 0o755 });
    const node = await stat(process.execPath);
    await writer.addFile("usr/local/bin/node", fileStream(process.execPath), {
      size: node.size,
      mtime: MTIME,
      mode: 0o755,
    });
    for (const library of libraries) {
      const bytes = await readFile(library);
      await writer.addFile(library.slice(1), bytes, { size: bytes.length, mtime: MTIME, mode: 0o755 });
    }
    const passwd = new TextEncoder().encode(
      `root:x:0:0:root:/root:/bin/sh\nnode:x:${NODE_UID}:${NODE_UID}::/home/node:/bin/sh\n`,
    );
    await writer.addFile("etc/passwd", passwd, { size: passwd.length, mtime: MTIME });
    const group = new TextEncoder().encode(`root:x:0:\nnode:x:${NODE_UID}:\n`);
    await writer.addFile("etc/group", group, { size: group.length, mtime: MTIME });
  });
  await follow(
    await daemon().importImage(stream, {
      repo: BASE_IMAGE.split(":")[0],
      tag: "local",
      changes: ["ENV PATH=/usr/local/bin:/usr/bin:/bin", `LABEL ${BASE_LABEL}=${label}`],
    }),
  );
}

/** `docker build -f runner-agent/Dockerfile <package>` with the stand-in base. */
async function buildImage(packageDir: string): Promise<void> {
  const files = (await readdir(packageDir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  const context = tarStream(async (writer) => {
    const dockerfile = await readFile(DOCKERFILE);
    await writer.addFile("Dockerfile", dockerfile, { size: dockerfile.length, mtime: MTIME });
    const ignore = new TextEncoder().encode("Dockerfile\n");
    await writer.addFile(".dockerignore", ignore, { size: ignore.length, mtime: MTIME });
    for (const entry of files) {
      const path = join(entry.parentPath, entry.name);
      const bytes = await readFile(path);
      await writer.addFile(relative(packageDir, path), bytes, { size: bytes.length, mtime: MTIME });
    }
  });
  await follow(await daemon().buildImage(context, { t: IMAGE, buildargs: { NODE_IMAGE: BASE_IMAGE }, rm: true }));
}

async function logsOf(container: Docker.Container): Promise<string> {
  const raw = await container.logs({ stdout: true, stderr: true });
  // Multiplexed: 8-byte frame headers before each piece; strip them for reading.
  const chunks: Buffer[] = [];
  for (let offset = 0; offset + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(offset + 4);
    chunks.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(chunks).toString();
}

describe.skipIf(!connection.ok)(title, () => {
  const containers: Docker.Container[] = [];
  beforeAll(async () => {
    const work = await mkdtemp(join(tmpdir(), "cl-runner-image-"));
    await importNodeBase();
    await buildImage(await buildRunnerPackage(join(work, "package")));
  }, 300_000);
  afterAll(async () => {
    for (const container of containers) await container.remove({ force: true }).catch(() => undefined);
    await daemon()
      .getImage(IMAGE)
      .remove({ force: true })
      .catch(() => undefined);
  });

  async function start(cmd: string[], env: string[], hostConfig: Docker.HostConfig = {}): Promise<Docker.Container> {
    const container = await daemon().createContainer({
      Image: IMAGE,
      Cmd: cmd,
      Env: env,
      HostConfig: { NetworkMode: "none", ...hostConfig },
    });
    containers.push(container);
    await container.start();
    return container;
  }

  it("runs cl-runner as the unprivileged node user", async () => {
    const container = await start(["--help"], []);
    expect((await container.wait()).StatusCode).toBe(0);
    expect(await logsOf(container)).toContain("Usage: cl-runner [options]");
    expect((await container.inspect()).Config.User).toBe("node");
  });

  it("drives the host's Docker through the mounted socket and drains on docker stop", async () => {
    const socket = (process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock").replace(/^unix:\/\//, "");
    // Same path inside and out: run directories are mounted by the host's daemon.
    const workDir = await mkdtemp(join(tmpdir(), "cl-runner-image-work-"));
    await chown(workDir, NODE_UID, NODE_UID);
    const container = await start(
      ["--server", "http://127.0.0.1:9", "--id", "in-a-container", "--tag", "gpu"],
      ["CODALAB_USERNAME=worker", "CODALAB_PASSWORD=secret", `CODALAB_RUNNER_WORK_DIR=${workDir}`],
      {
        Binds: [`${socket}:/var/run/docker.sock`, `${workDir}:${workDir}`],
        GroupAdd: [String((await stat(socket)).gid)],
      },
    );
    let logs = "";
    for (const deadline = Date.now() + 30_000; !/group: /.test(logs) && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      logs = await logsOf(container);
    }
    expect(logs).toMatch(/runtime: {4}docker: /);
    expect(logs).toContain(`work dir ${workDir}`);
    expect(logs).toContain("tag:        gpu");
    await container.stop({ t: 30 });
    expect((await container.inspect()).State.ExitCode).toBe(0);
  }, 60_000);
});
