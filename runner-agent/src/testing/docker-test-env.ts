/**
 * Test support for the Docker integration tests: finds a Docker daemon (DOCKER_HOST or the
 * default socket) and makes the tiny local test images from the machine's busybox-static, since
 * no registry is reachable. Returns a reason instead when something is missing, so the tests can
 * skip and say why.
 */
import { spawnSync } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { TarWriter } from "@codalab/core/archive/tar-writer";
import type Docker from "dockerode";

export const TEST_IMAGE = "codalab/busybox:local";
export const TEST_IMAGE_NO_BASH = "codalab/busybox-nobash:local";
const BUSYBOX = "/bin/busybox";
/** Bumped when the images' contents change, so stale ones are rebuilt. */
const IMAGE_LABEL = "codalab.test-image";
const IMAGE_VERSION = "2";

export type DockerTestEnv = { ok: true; docker: Docker } | { ok: false; reason: string };

async function rootfsTar(withBash: boolean): Promise<Buffer> {
  const busybox = await readFile(BUSYBOX);
  const applets = spawnSync(BUSYBOX, ["--list"], { encoding: "utf8" })
    .stdout.split("\n")
    .filter((name) => /^[a-z0-9_.[-]+$/.test(name) && name !== "busybox" && name !== "bash");
  const writer = new TarWriter();
  const chunks: Uint8Array[] = [];
  const reading = (async () => {
    for await (const chunk of writer.readable) chunks.push(chunk);
  })();
  const mtime = 1_700_000_000;
  for (const dir of ["bin", "dev", "etc", "proc", "sys", "tmp", "usr"]) {
    await writer.addDirectory(dir, { mtime, mode: dir === "tmp" ? 0o777 : 0o755 });
  }
  await writer.addFile("bin/busybox", busybox, { size: busybox.length, mtime, mode: 0o755 });
  for (const applet of applets) await writer.addSymlink(`bin/${applet}`, "busybox", { mtime });
  if (withBash) {
    // busybox has no bash applet (it dispatches on its name), so "bash" is a script running sh.
    const script = new TextEncoder().encode('#!/bin/sh\nexec /bin/sh "$@"\n');
    await writer.addFile("bin/bash", script, { size: script.length, mtime, mode: 0o755 });
  }
  await writer.addSymlink("usr/bin", "../bin", { mtime });
  const passwd = new TextEncoder().encode("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n");
  await writer.addFile("etc/passwd", passwd, { size: passwd.length, mtime });
  await writer.finish();
  await reading;
  return Buffer.concat(chunks);
}

async function ensureImage(docker: Docker, name: string, withBash: boolean): Promise<void> {
  const present = await docker
    .getImage(name)
    .inspect()
    .then((info) => info.Config?.Labels?.[IMAGE_LABEL] === IMAGE_VERSION)
    .catch(() => false);
  if (present) return;
  const [repo, tag] = name.split(":");
  const stream = await docker.importImage(Readable.from([await rootfsTar(withBash)]), {
    repo,
    tag,
    changes: [
      `LABEL ${IMAGE_LABEL}=${IMAGE_VERSION}`,
      "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    ],
  });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: unknown) => (error ? reject(error) : resolve())),
  );
}

export async function dockerTestEnv(): Promise<DockerTestEnv> {
  const socket = process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock";
  let docker: Docker;
  try {
    const { default: Dockerode } = await import("dockerode");
    docker = new Dockerode();
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("no answer within 2s")), 2000)),
    ]);
  } catch (error) {
    return {
      ok: false,
      reason: `no Docker daemon reachable at ${socket} (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  if (!(await stat(BUSYBOX).catch(() => null))) {
    return { ok: false, reason: `${BUSYBOX} is missing (apt-get install busybox-static) to build the test images` };
  }
  try {
    await ensureImage(docker, TEST_IMAGE, true);
    await ensureImage(docker, TEST_IMAGE_NO_BASH, false);
  } catch (error) {
    return {
      ok: false,
      reason: `cannot build the test images: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return { ok: true, docker };
}
