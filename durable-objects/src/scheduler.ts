/**
 * Scheduler: the singleton that stages created runs and assigns them to workers (CodaLab's bundle
 * manager). Its state lives in its SQLite storage; it wakes on events and on alarms for timeouts.
 */
import { DurableObject } from "cloudflare:workers";

export class Scheduler extends DurableObject<Env> {}
