/** The Scheduler Durable Object of this Worker: the shell from durable-objects with D1/R2 ports. */
import { SchedulerObject, type SchedulerPorts } from "@codalab/durable-objects";
import { schedulerPorts } from "../runs/object-ports.ts";

export class Scheduler extends SchedulerObject {
  protected override createPorts(): SchedulerPorts {
    return schedulerPorts(this.env);
  }
}
