import { describe, expect, it } from "vitest";
import { CreateMakeRequestSchema, CreateRunRequestSchema } from "../api/runs.ts";
import {
  type GraphBundle,
  type MimicForm,
  macroSpecs,
  mimicForm,
  mimicRequestBody,
  planMimic,
  preludeItems,
} from "./mimic-plan.ts";

const uuid = (n: number) => `0x${n.toString(16).padStart(32, "0")}`;

function upload(n: number, name: string): GraphBundle {
  return { uuid: uuid(n), bundle_type: "dataset", command: null, metadata: { name }, dependencies: [] };
}

function run(n: number, name: string, command: string, parents: [string, number][], extra = {}): GraphBundle {
  return {
    uuid: uuid(n),
    bundle_type: "run",
    command,
    metadata: {
      name,
      description: `old ${name}`,
      tags: ["paper"],
      request_memory: 4 * 1024 ** 3,
      request_time: 3600,
      request_cpus: 2,
      request_network: false,
      // Generated metadata, which a new bundle never inherits.
      time: 12.5,
      data_size: 2048,
      run_status: "Finished",
      exitcode: 0,
      ...extra,
    },
    dependencies: parents.map(([key, parent]) => ({ child_path: key, parent_uuid: uuid(parent), parent_path: "" })),
  };
}

function make(n: number, name: string, parents: [string, number][]): GraphBundle {
  return { ...run(n, name, "", parents), bundle_type: "make", command: null, metadata: { name, tags: [] } };
}

function graphOf(...bundles: GraphBundle[]) {
  return { graph: new Map(bundles.map((bundle) => [bundle.uuid, bundle])), order: bundles.map((b) => b.uuid) };
}

const form = (bundles: number[]): MimicForm => mimicForm(bundles.map(uuid));

// data(1), code(2) → prep(3: data) → train(4: prep, code) → report(5, make: train); new data is 9.
const pipeline = graphOf(
  upload(1, "data"),
  upload(2, "code"),
  run(3, "prep", "python code/prep.py data", [
    ["data", 1],
    ["code", 2],
  ]),
  run(4, "train", "python code/train.py prep", [
    ["prep", 3],
    ["code", 2],
  ]),
  make(5, "report", [["train", 4]]),
);

describe("mimicForm", () => {
  it("tells the forms apart by the argument count, as CodaLab does", () => {
    expect(mimicForm(["r"])).toEqual({ oldInputs: [], oldOutput: "r", newInputs: [] });
    expect(mimicForm(["a", "b"])).toEqual({ oldInputs: ["a"], oldOutput: null, newInputs: ["b"] });
    expect(mimicForm(["a1", "a2", "x", "b1", "b2"])).toEqual({
      oldInputs: ["a1", "a2"],
      oldOutput: "x",
      newInputs: ["b1", "b2"],
    });
  });

  it("refuses no bundles with the forms it takes", () => {
    expect(() => mimicForm([])).toThrow(/mimic needs bundles: <bundle>, <old> <new>/);
  });
});

describe("macroSpecs", () => {
  it("names the macro's inputs M-in1.., M-in-<name> and its output M-out", () => {
    expect(macroSpecs("sort", ["a", "b", "opts:c"])).toEqual([
      "sort-in1",
      "sort-in2",
      "sort-in-opts",
      "sort-out",
      "a",
      "b",
      "c",
    ]);
  });
});

describe("planMimic", () => {
  it("recreates everything downstream of a swapped input, parents first, the new input in place of the old", () => {
    const steps = planMimic({ form: form([1, 9]), ...pipeline, depth: 10 });
    expect(steps.map((step) => [step.old_name, step.bundle_type, step.metadata.name])).toEqual([
      ["prep", "run", "prep"],
      ["train", "run", "train"],
      ["report", "make", "report"],
    ]);
    expect(steps[0]?.dependencies).toEqual([
      { key: "data", parent: { uuid: uuid(9) }, parent_path: "" },
      { key: "code", parent: { uuid: uuid(2) }, parent_path: "" },
    ]);
    expect(steps[1]?.dependencies[0]).toEqual({ key: "prep", parent: { step: 0 }, parent_path: "" });
    expect(steps[2]?.dependencies).toEqual([{ key: "train", parent: { step: 1 }, parent_path: "" }]);
  });

  it("keeps the old user metadata, drops the generated, and lets flags override requests of runs only", () => {
    const steps = planMimic({
      form: form([1, 9]),
      ...pipeline,
      depth: 10,
      overrides: { requestMemory: "8g", description: "swapped" },
    });
    expect(steps[0]?.metadata).toEqual({
      name: "prep",
      description: "swapped",
      tags: ["paper"],
      allow_failed_dependencies: false,
      request_docker_image: null,
      request_time: "3600",
      request_memory: "8g",
      request_disk: null,
      request_cpus: "2",
      request_gpus: 0,
      request_queue: null,
      request_priority: null,
      request_network: false,
      exclude_patterns: [],
    });
    expect(steps[2]?.metadata).toEqual({
      name: "report",
      description: "swapped",
      tags: [],
      allow_failed_dependencies: false,
    });
  });

  it("requests the image the old run resolved to, so the environment is reproduced", () => {
    const image = `codalab/default-cpu@sha256:${"a".repeat(64)}`;
    const { graph, order } = graphOf(
      upload(1, "data"),
      run(3, "prep", "wc data", [["data", 1]], { request_docker_image: "codalab/default-cpu", docker_image: image }),
    );
    const [step] = planMimic({ form: form([1, 9]), graph, order, depth: 10 });
    expect(step?.metadata).toMatchObject({ request_docker_image: image });
    const overridden = planMimic({
      form: form([1, 9]),
      graph,
      order,
      depth: 10,
      overrides: { requestDockerImage: "python:3.12" },
    });
    expect(overridden[0]?.metadata).toMatchObject({ request_docker_image: "python:3.12" });
  });

  it("with an output, recreates only the path to it and names it -n, the others <name>-<old name>", () => {
    const steps = planMimic({ form: form([1, 4, 9]), ...pipeline, depth: 10, name: "v2" });
    expect(steps.map((step) => [step.old_name, step.metadata.name])).toEqual([
      ["prep", "v2-prep"],
      ["train", "v2"],
    ]);
  });

  it("re-runs a lone run bundle with its own dependencies, keeping its name unless -n is given", () => {
    const [same] = planMimic({ form: form([4]), ...pipeline, depth: 10 });
    expect(same).toMatchObject({ old_uuid: uuid(4), metadata: { name: "train" } });
    expect(same?.dependencies.map((dependency) => dependency.parent)).toEqual([{ uuid: uuid(3) }, { uuid: uuid(2) }]);
    const [named] = planMimic({ form: form([4]), ...pipeline, depth: 10, name: "again" });
    expect(named?.metadata.name).toBe("again");
  });

  it("refuses an uploaded bundle alone: there is nothing to recreate", () => {
    expect(() => planMimic({ form: form([1]), ...pipeline, depth: 10 })).toThrow(
      /nothing to recreate: data \(0x0+1\) is an uploaded dataset/,
    );
  });

  it("refuses an output that does not depend on the inputs, naming the depth", () => {
    expect(() => planMimic({ form: form([2, 3, 9]), ...pipeline, depth: 10 })).not.toThrow();
    const { graph, order } = graphOf(upload(1, "data"), upload(2, "code"), run(3, "prep", "ls", [["code", 2]]));
    expect(() => planMimic({ form: form([1, 3, 9]), graph, order, depth: 10 })).toThrow(
      `nothing to recreate: ${uuid(3)} does not depend on ${uuid(1)} within --depth 10`,
    );
  });

  it("with --depth 0 the downstream form reaches nothing, and the output form only the output", () => {
    const inputsOnly = graphOf(upload(1, "data"));
    expect(() => planMimic({ form: form([1, 9]), ...inputsOnly, depth: 0 })).toThrow(
      `nothing to recreate: no run or make bundle depends on ${uuid(1)} within --depth 0`,
    );
    const outputOnly = graphOf(pipeline.graph.get(uuid(3)) as GraphBundle);
    const steps = planMimic({ form: form([1, 3, 9]), ...outputOnly, depth: 0 });
    expect(steps.map((step) => step.old_name)).toEqual(["prep"]);
  });

  it("recreates the join of a diamond once", () => {
    const { graph, order } = graphOf(
      upload(1, "data"),
      run(3, "left", "a", [["data", 1]]),
      run(4, "right", "b", [["data", 1]]),
      run(5, "join", "c", [
        ["l", 3],
        ["r", 4],
      ]),
    );
    const steps = planMimic({ form: form([1, 9]), graph, order, depth: 10 });
    expect(steps.map((step) => step.old_name)).toEqual(["left", "right", "join"]);
    expect(steps[2]?.dependencies.map((dependency) => dependency.parent)).toEqual([{ step: 0 }, { step: 1 }]);
  });

  it("refuses a graph whose dependencies form a cycle", () => {
    const { graph, order } = graphOf(
      upload(1, "data"),
      run(3, "a", "a", [
        ["data", 1],
        ["b", 4],
      ]),
      run(4, "b", "b", [["a", 3]]),
    );
    expect(() => planMimic({ form: form([1, 9]), graph, order, depth: 10 })).toThrow(/form a cycle/);
  });

  it("refuses a -n that is not a bundle name", () => {
    expect(() => planMimic({ form: form([4]), ...pipeline, depth: 10, name: "9 bad" })).toThrow(/invalid bundle name/);
  });
});

describe("mimicRequestBody", () => {
  it("gives each step the uuids of the bundles created before it, in a body the server accepts", () => {
    const steps = planMimic({ form: form([1, 9]), ...pipeline, depth: 10 });
    const created = [uuid(20), uuid(21)];
    const train = mimicRequestBody(steps[1] as (typeof steps)[number], created, uuid(50));
    expect(CreateRunRequestSchema.parse(train)).toMatchObject({
      bundle_type: "run",
      command: "python code/train.py prep",
      dependencies: [
        { child_path: "prep", parent_uuid: uuid(20), parent_path: "" },
        { child_path: "code", parent_uuid: uuid(2), parent_path: "" },
      ],
      worksheet_uuid: uuid(50),
    });
    const report = mimicRequestBody(steps[2] as (typeof steps)[number], [...created, uuid(22)]);
    expect(CreateMakeRequestSchema.parse(report).dependencies).toEqual([
      { child_path: "train", parent_uuid: uuid(21), parent_path: "" },
    ]);
  });
});

describe("preludeItems", () => {
  const item = (id: number, type: string, value = "", bundle: string | null = null) => ({
    id,
    type,
    value,
    bundle_uuid: bundle,
  });

  it("takes the markup and directives right before the bundle's first occurrence, back to the previous bundle", () => {
    const items = [
      item(1, "markup", "## data"),
      item(2, "bundle", "", uuid(1)),
      item(3, "markup", "## training"),
      item(4, "directive", "display table results"),
      item(5, "bundle", "", uuid(4)),
      item(6, "markup", "after"),
      item(7, "bundle", "", uuid(4)),
    ];
    expect(preludeItems(items, uuid(4)).map((i) => i.id)).toEqual([3, 4]);
    expect(preludeItems(items, uuid(1)).map((i) => i.id)).toEqual([1]);
    expect(preludeItems(items, uuid(9))).toEqual([]);
  });
});
