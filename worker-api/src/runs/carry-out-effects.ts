/**
 * What a transition made from a request (kill, write) asks of the rest of the system: commands go
 * to the sessions of the workers concerned, and a final state to the Scheduler, which forgets the
 * run and stages its dependents.
 */
import type { MachineEffect } from "@codalab/core";
import { routeMachineEffects } from "@codalab/durable-objects";
import { schedulerStub, sessionStub } from "./stubs.ts";

export async function carryOutEffects(env: Env, uuid: string, effects: readonly MachineEffect[]): Promise<void> {
  const routed = routeMachineEffects(uuid, effects);
  for (const { worker_id, command } of routed.commands) {
    await sessionStub(env, worker_id).enqueue(worker_id, command);
  }
  if (routed.final !== null) {
    await schedulerStub(env).notify([{ type: "bundle_finished", now: Date.now(), uuid, state: routed.final }]);
  }
}
