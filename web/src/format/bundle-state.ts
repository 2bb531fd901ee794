/**
 * How bundle states read on the page: a tone for their colour, and each bundle type's lifecycle
 * (spec §3) for the state tooltip and the bundle page's progress line.
 */
import type { BundleState, BundleType } from "@codalab/core/constants";

export type StateTone = "done" | "failed" | "stopped" | "active" | "waiting";

export function stateTone(state: string): StateTone {
  switch (state) {
    case "ready":
      return "done";
    case "failed":
      return "failed";
    case "killed":
    case "worker_offline":
      return "stopped";
    case "created":
    case "staged":
      return "waiting";
    default:
      return "active";
  }
}

const LIFECYCLES: Record<BundleType, readonly BundleState[]> = {
  dataset: ["uploading", "ready"],
  program: ["uploading", "ready"],
  make: ["created", "staged", "making", "ready"],
  run: ["created", "staged", "starting", "preparing", "running", "finalizing", "ready"],
};

export type LifecycleStep = { state: BundleState; status: "done" | "current" | "todo" };

/**
 * The states a bundle of this type passes through, marked done / current / to do. A failed or
 * killed bundle shows its path up to where it stopped: everything before is done, nothing current.
 */
export function lifecycle(type: BundleType, state: string): LifecycleStep[] {
  const steps = LIFECYCLES[type];
  const index = steps.indexOf(state as BundleState);
  if (index === -1) {
    return steps.filter((step) => step !== "ready").map((step) => ({ state: step, status: "done" as const }));
  }
  return steps.map((step, i) => ({ state: step, status: i < index ? "done" : i === index ? "current" : "todo" }));
}

export function isFinalState(state: string): boolean {
  return state === "ready" || state === "failed" || state === "killed";
}
