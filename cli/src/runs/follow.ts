/**
 * Waiting for a run (or any bundle) to finish, optionally printing its output as it is written:
 * what `cl wait`, `cl run -W/-t` and `cl make -W/-t` share. The state comes pushed from
 * `/rest/bundles/events` and the output from followed files, so a line the run prints shows up
 * within a round trip and the command returns as soon as the bundle is final.
 */
import type { ApiClient } from "../api/api-client.ts";
import type { WireBundle } from "../api/bundle-wire.ts";
import { fetchTargetInfo } from "../bundles/contents.ts";
import { CliError } from "../errors/cli-error.ts";
import type { Output } from "../output/output.ts";
import { followFile } from "./follow-file.ts";
import { watchBundle } from "./watch-bundle.ts";

/** A file to print while waiting, and where: the run's stdout to standard output, stderr to standard error. */
export type TailedFile = { path: string; to: "stdout" | "stderr" };

export const RUN_OUTPUT: readonly TailedFile[] = [
  { path: "stdout", to: "stdout" },
  { path: "stderr", to: "stderr" },
];

/** CodaLab starts a tail this many bytes before the end of what is already written. */
const TAIL_BACKLOG_BYTES = 64;

export type FollowBundleOptions = {
  out: Output;
  /** Files to print while waiting (none: just wait). */
  tail?: readonly TailedFile[];
  /** Print each file from its start (a run just created) rather than from near its end (CodaLab's `cl wait -t`). */
  fromStart?: boolean;
  /** Sees every state on the way. */
  onChange?: (bundle: WireBundle) => void;
};

async function startOffset(client: ApiClient, uuid: string, path: string, fromStart: boolean): Promise<number> {
  if (fromStart) return 0;
  const info = await fetchTargetInfo(client, uuid, path, 0);
  return info === null ? 0 : Math.max(0, info.size - TAIL_BACKLOG_BYTES);
}

/**
 * Resolves with the bundle once it is final and every tailed file is printed to its end. Rejects
 * when the bundle cannot be read or the instance stays unreachable (tails stop then too).
 */
export async function followBundle(client: ApiClient, uuid: string, options: FollowBundleOptions): Promise<WireBundle> {
  const stop = new AbortController();
  const signal = stop.signal;
  const tails = (options.tail ?? []).map(async (file) => {
    const offset = await startOffset(client, uuid, file.path, options.fromStart ?? false);
    const write = (bytes: Uint8Array) =>
      file.to === "stdout" ? options.out.bytes(bytes) : options.out.errorBytes(bytes);
    await followFile(client, uuid, file.path, { offset, write, signal });
  });
  try {
    const [bundle] = await Promise.all([watchBundle(client, uuid, { onChange: options.onChange, signal }), ...tails]);
    return bundle;
  } catch (error) {
    stop.abort();
    await Promise.allSettled(tails);
    throw error;
  }
}

/**
 * CodaLab's verdict on a finished bundle for `cl wait` and `-W`: nothing for `ready`, otherwise
 * an error naming the state (exit status 1).
 */
export function unlessReady(bundle: WireBundle): CliError | null {
  if (bundle.state === "ready") return null;
  const why = bundle.state_details ? `: ${bundle.state_details}` : "";
  return new CliError("INVALID_STATE", `bundle ${bundle.uuid} is ${bundle.state}${why}`, {
    hint: `see \`cl info ${bundle.uuid}\` and its stderr: \`cl cat ${bundle.uuid}/stderr\``,
  });
}
