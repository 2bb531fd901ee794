/**
 * Tiny local images made from the machine's busybox-static, for hosts where no registry is
 * reachable: the default image `npm start` offers its runner, and the images of the Docker tests.
 * An image is imported from a root file system tar written here (no `docker build`, no pull).
 */
import { spawnSync } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { TarWriter } from "@codalab/core/archive/tar-writer";
import type Docker from "dockerode";

export const BUSYBOX = "/bin/busybox";
/** Marks images made here; bumped when their contents change, so stale ones are rebuilt. */
const IMAGE_LABEL = "codalab.test-image";
const IMAGE_VERSION = "2";

export type DockerConnection = { ok: true; docker: Docker } | { ok: false; reason: string };

/** The Docker daemon at DOCKER_HOST (or the default socket), if it answers within `timeoutMs`. */
export async function connectDocker(timeoutMs = 2000): Promise<DockerConnection> {
  const socket = process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock";
  try {
    const { default: Dockerode } = await import("dockerode");
    const docker = new Dockerode();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000}s`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    return { ok: true, docker };
  } catch (error) {
    return {
      ok: false,
      reason: `no Docker daemon reachable at ${socket} (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

/** Why busybox images cannot be made on this machine, or null when they can. */
export async function busyboxMissing(): Promise<string | null> {
  if (await stat(BUSYBOX).catch(() => null)) return null;
  return `${BUSYBOX} is missing (apt-get install busybox-static)`;
}

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

export type ImageOutcome = "present" | "built" | "kept";

/**
 * Makes `name` (`repo:tag`) a busybox image unless an up-to-date one is there. An image of that
 * name made elsewhere (pulled, built by the user) is `kept` untouched unless `replace` is set.
 */
export async function ensureBusyboxImage(
  docker: Docker,
  name: string,
  options: { withBash: boolean; replace: boolean },
): Promise<ImageOutcome> {
  const labels = await docker
    .getImage(name)
    .inspect()
    .then((info) => info.Config?.Labels ?? {})
    .catch(() => null);
  if (labels !== null && labels[IMAGE_LABEL] === IMAGE_VERSION) return "present";
  if (labels !== null && labels[IMAGE_LABEL] === undefined && !options.replace) return "kept";
  // The tag is after the last `/` (a registry port, as in `host:5000/img`, is not a tag).
  const colon = name.indexOf(":", name.lastIndexOf("/") + 1);
  const stream = await docker.importImage(Readable.from([await rootfsTar(options.withBash)]), {
    repo: colon === -1 ? name : name.slice(0, colon),
    tag: colon === -1 ? "latest" : name.slice(colon + 1),
    changes: [
      `LABEL ${IMAGE_LABEL}=${IMAGE_VERSION}`,
      "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    ],
  });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: unknown) => (error ? reject(error) : resolve())),
  );
  return "built";
}
