export { type RoutedEffects, routeMachineEffects } from "./machine-effects.ts";
export type {
  BundlePorts,
  CommandOutcome,
  DeliveryOutcome,
  SchedulerPorts,
  SessionPorts,
  TransitionOutcome,
} from "./ports.ts";
export { SchedulerObject } from "./scheduler.ts";
export { type LiveReadReply, type LiveReadRequest, WORKER_ID_HEADER, WorkerSessionObject } from "./worker-session.ts";
