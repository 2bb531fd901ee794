/**
 * A transition's effects sorted by who carries them out: commands for workers' sessions, the
 * result commit, and the scheduler's news that a bundle reached a final state. `released` and
 * `became_staged` need no action: the scheduler's reducer tracks placements from its own events.
 */
import type { BundleState, CommandInput, MachineEffect } from "@codalab/core";

export type RoutedEffects = {
  commands: { worker_id: string; command: CommandInput }[];
  commit: boolean;
  final: BundleState | null;
};

export function routeMachineEffects(uuid: string, effects: readonly MachineEffect[]): RoutedEffects {
  const routed: RoutedEffects = { commands: [], commit: false, final: null };
  for (const effect of effects) {
    switch (effect.type) {
      case "send_kill":
        routed.commands.push({ worker_id: effect.worker_id, command: { type: "kill", uuid, message: effect.message } });
        break;
      case "send_write":
        routed.commands.push({
          worker_id: effect.worker_id,
          command: { type: "write", uuid, subpath: effect.subpath, string: effect.string },
        });
        break;
      case "send_mark_finalized":
        routed.commands.push({ worker_id: effect.worker_id, command: { type: "mark_finalized", uuid } });
        break;
      case "commit_results":
        routed.commit = true;
        break;
      case "reached_final":
        routed.final = effect.state;
        break;
      case "released":
      case "became_staged":
        break;
    }
  }
  return routed;
}
