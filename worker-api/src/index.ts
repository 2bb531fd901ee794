export default { fetch: () => new Response("ok") };
export class Scheduler {}
export class WorkerSession {}
