/**
 * Following a file of a bundle as it is written (`contents/blob/<path>?follow=1`): where its next
 * bytes come from. A running run's directory lives on its worker, which streams the file as it
 * grows until the run stops running; a settled bundle's file is in the bundle store; anything in
 * between (staged, starting, uploading, finalizing, worker_offline) has nothing to add yet, so the
 * follower waits for the bundle's next change. The follower counts the bytes it passed on, so
 * switching from the worker to the store neither loses nor repeats a byte.
 */
import { type BundleState, type BundleType, FINAL_STATES } from "../constants.ts";

export type FollowSource = "runner" | "storage" | "wait";

/** States in which a run's directory is on its worker and the worker follows files. */
export const FOLLOWED_ON_RUNNER: readonly BundleState[] = ["preparing", "running"];

/**
 * `runnerDone`: the worker already streamed the file to the end of the run, so only the store can
 * add to it (the bundle is still `running` while the worker uploads its results).
 */
export function followSource(
  bundle: { bundle_type: BundleType; state: BundleState },
  runnerDone: boolean,
): FollowSource {
  if (FINAL_STATES.includes(bundle.state)) return "storage";
  if (bundle.bundle_type === "run" && FOLLOWED_ON_RUNNER.includes(bundle.state) && !runnerDone) return "runner";
  return "wait";
}

/** A run back in these states was given up and will run again, from the start of its files. */
export function restartsRun(state: BundleState): boolean {
  return state === "staged" || state === "starting";
}
