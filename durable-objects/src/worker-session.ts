/**
 * WorkerSession: one per compute worker. Owns the worker's WebSocket (hibernatable), its command
 * queue and the pending live reads; the queue survives hibernation in SQLite storage.
 */
import { DurableObject } from "cloudflare:workers";

export class WorkerSession extends DurableObject<Env> {}
