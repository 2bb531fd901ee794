/**
 * Fetches one dependency `(parent_uuid, parent_path)` from the server as CodaLab's worker does
 * (spec §8.4): `contents/info` says whether it is a file or a directory, `contents/blob` brings
 * the bytes (a directory arrives as our tar and is unpacked through the extract policy).
 */
import { createWriteStream } from "node:fs";
import { Writable } from "node:stream";
import { CodalabError } from "@codalab/core/errors";
import { type DependencyKeyWire, TargetInfoSchema } from "@codalab/core/runs/protocol";
import { z } from "zod";
import { contentsPath, type ServerApi } from "../api/server-api.ts";
import { unpackTar } from "./unpack-tar.ts";

export type DownloadedDependency = { type: "file" | "directory"; size: number };

export type Downloader = (
  key: DependencyKeyWire,
  dest: string,
  options: { signal: AbortSignal; onProgress: (bytes: number) => void },
) => Promise<DownloadedDependency>;

const InfoEnvelopeSchema = z.object({ info: TargetInfoSchema });

function describeKey(key: DependencyKeyWire): string {
  return key.parent_path === "" ? key.parent_uuid : `${key.parent_uuid}/${key.parent_path}`;
}

async function writeFileFrom(body: ReadableStream<Uint8Array>, dest: string, onProgress: (bytes: number) => void) {
  let written = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      written += chunk.byteLength;
      onProgress(written);
      controller.enqueue(chunk);
    },
  });
  await body.pipeThrough(counter).pipeTo(Writable.toWeb(createWriteStream(dest, { flags: "wx" })));
  return written;
}

export function httpDownloader(api: ServerApi): Downloader {
  return async (key, dest, { signal, onProgress }) => {
    const what = describeKey(key);
    const envelope = InfoEnvelopeSchema.safeParse(
      await api.json("GET", contentsPath(key.parent_uuid, "info", key.parent_path), { query: { depth: 0 }, signal }),
    );
    if (!envelope.success) throw new CodalabError("INTERNAL", `the server described ${what} in an unexpected way`);
    const info = envelope.data.info;
    if (info.type === "link") {
      throw new CodalabError(
        "INVALID_PATH",
        `${what} is a symbolic link${info.link ? ` to ${info.link}` : ""}; depend on its target instead`,
      );
    }
    const response = await api.request("GET", contentsPath(key.parent_uuid, "blob", key.parent_path), { signal });
    const body = response.body;
    if (body === null) throw new CodalabError("INTERNAL", `the server sent no contents for ${what}`);
    if (info.type === "file") {
      const size = await writeFileFrom(body, dest, onProgress);
      if (size !== info.size) {
        throw new CodalabError("UNAVAILABLE", `${what}: received ${size} bytes instead of ${info.size}`);
      }
      return { type: "file", size };
    }
    const size = await unpackTar(body, dest, { signal, onBytes: onProgress });
    return { type: "directory", size };
  };
}
