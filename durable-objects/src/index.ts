export { BundleWatch, CHANGED_FRAME, WATCH_SHARDS, watchShard } from "./bundle-watch.ts";
export { type RoutedEffects, routeMachineEffects } from "./machine-effects.ts";
export type {
  AssignmentBuild,
  BundlePorts,
  CommandOutcome,
  SchedulerPorts,
  SessionPorts,
  TransitionItem,
  TransitionOutcome,
} from "./ports.ts";
export { SchedulerObject } from "./scheduler.ts";
export {
  type LiveReadReply,
  type LiveReadRequest,
  WORKER_ID_HEADER,
  WORKER_TOKEN_ID_HEADER,
  WorkerSessionObject,
} from "./worker-session.ts";
