import { describe, expect, it } from "vitest";
import { UUID_A, UUID_B } from "../testing/blocks.ts";
import {
  checkRunForm,
  EMPTY_RUN_FORM,
  formFromBundle,
  RunFormError,
  type RunFormValues,
  runRequest,
} from "./run-form.ts";

const form = (values: Partial<RunFormValues>): RunFormValues => ({ ...EMPTY_RUN_FORM, ...values });

function failure(values: Partial<RunFormValues>): { field: string; message: string } {
  try {
    checkRunForm(form(values));
  } catch (error) {
    if (error instanceof RunFormError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error("the form was accepted");
}

describe("checkRunForm", () => {
  it("builds the request cl run would send, with CodaLab's defaults", () => {
    const checked = checkRunForm(
      form({
        command: "python train.py",
        dependencies: [
          { key: "", bundle: "data", path: "" },
          { key: "code", bundle: "^1", path: "/src/" },
        ],
        memory: "4g",
        tags: "exp, nightly",
      }),
    );
    expect(
      checked.dependencies.map((dependency) => [dependency.key, dependency.spec.bundleText, dependency.spec.subpath]),
    ).toEqual([
      ["data", "data", ""],
      ["code", "^1", "src"],
    ]);
    expect(checked.metadata).toMatchObject({
      request_memory: "4g",
      request_cpus: 1,
      request_gpus: 0,
      request_network: false,
      tags: ["exp", "nightly"],
    });
    expect(checked.metadata.name).toMatch(/^run-python/);
    expect(runRequest(checked, [UUID_A, UUID_B], UUID_A)).toMatchObject({
      bundle_type: "run",
      command: "python train.py",
      dependencies: [
        { child_path: "data", parent_uuid: UUID_A, parent_path: "" },
        { child_path: "code", parent_uuid: UUID_B, parent_path: "src" },
      ],
      worksheet_uuid: UUID_A,
    });
  });

  it("names the field of each problem", () => {
    expect(failure({ command: " " })).toEqual({ field: "command", message: "Write the command to run." });
    expect(failure({ command: "x", memory: "lots" }).field).toBe("memory");
    expect(failure({ command: "x", cpus: "-1" }).field).toBe("cpus");
    expect(failure({ command: "x", time: "3 weeks" }).field).toBe("time");
    expect(failure({ command: "x", name: "1bad name" }).field).toBe("name");
    expect(failure({ command: "x", dependencies: [{ key: "a b", bundle: "data", path: "" }] })).toMatchObject({
      field: "dependencies.0",
    });
    expect(failure({ command: "x", dependencies: [{ key: "k", bundle: "", path: "x" }] }).field).toBe("dependencies.0");
  });

  it("refuses keys that clash, and an index without a key", () => {
    expect(
      failure({
        command: "x",
        dependencies: [
          { key: "a", bundle: "d1", path: "" },
          { key: "a/b", bundle: "d2", path: "" },
        ],
      }),
    ).toMatchObject({ field: "dependencies", message: expect.stringMatching(/overlap/) });
    expect(failure({ command: "x", dependencies: [{ key: "", bundle: "^2", path: "" }] }).field).toBe("dependencies.0");
  });

  it("ignores dependency rows left empty", () => {
    expect(
      checkRunForm(form({ command: "x", dependencies: [{ key: "", bundle: "", path: "" }] })).dependencies,
    ).toEqual([]);
  });
});

describe("formFromBundle", () => {
  it("fills the form from a past run for a rerun", () => {
    const values = formFromBundle({
      command: "echo hi",
      metadata: { name: "r", tags: ["a", "b"], request_memory: 2147483648, request_network: true, request_queue: null },
      dependencies: [{ child_path: "data", parent_uuid: UUID_A, parent_path: "x" }],
    });
    expect(values).toMatchObject({
      command: "echo hi",
      name: "r",
      tags: "a b",
      memory: "2147483648",
      network: true,
      queue: "",
      dependencies: [{ key: "data", bundle: UUID_A, path: "x" }],
    });
    expect(checkRunForm(values).metadata.request_memory).toBe("2147483648");
  });
});
