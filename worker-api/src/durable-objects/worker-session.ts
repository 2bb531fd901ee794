/** The WorkerSession Durable Object of this Worker: the shell from durable-objects with D1/R2 ports. */
import { type SessionPorts, WorkerSessionObject } from "@codalab/durable-objects";
import { sessionPorts } from "../runs/object-ports.ts";

export class WorkerSession extends WorkerSessionObject {
  protected override createPorts(): SessionPorts {
    return sessionPorts(this.env);
  }
}
