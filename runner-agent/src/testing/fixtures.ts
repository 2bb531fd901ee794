/** Test support: protocol values tests build on. */
import { type AssignedRun, AssignedRunSchema } from "@codalab/core/runs/protocol";

export const UUID_A = `0x${"a".repeat(32)}`;
export const UUID_B = `0x${"b".repeat(32)}`;
export const UUID_C = `0x${"c".repeat(32)}`;
export const UUID_D = `0x${"d".repeat(32)}`;

export function assignedRun(
  overrides: Partial<Omit<AssignedRun, "requirements">> & { requirements?: Partial<AssignedRun["requirements"]> } = {},
): AssignedRun {
  const { requirements, ...rest } = overrides;
  return AssignedRunSchema.parse({
    uuid: UUID_A,
    command: "echo hi",
    owner_id: "0x1",
    dependencies: [],
    exclude_patterns: [],
    ...rest,
    requirements: {
      docker_image: "img",
      time: 60,
      memory: 2 ** 30,
      disk: 2 ** 30,
      cpus: 1,
      gpus: 0,
      network: false,
      ...requirements,
    },
  });
}

/** A byte stream of the given chunks. */
export function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}
