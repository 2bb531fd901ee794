import { expandRanges } from "@codalab/core/spec/bundle-spec";
import { resolveBundles } from "../bundles/resolve-bundles.ts";
import { defineClCommand } from "../command.ts";
import { usageError } from "../errors/cli-error.ts";
import { fetchWorksheet, worksheetTarget } from "../worksheets/current-worksheet.ts";

export default defineClCommand({
  details: ["The bundles are not deleted (use `cl rm` for that)."],
  args: {
    bundle_spec: {
      type: "positional",
      required: true,
      description: "[[(<alias>|<address>)::](<uuid>|<name>)//](<uuid>|<name>|^<index>)",
    },
    index: {
      type: "string",
      alias: "n",
      valueHint: "N",
      description: "Specifies which occurrence (1, 2, ...) of the bundle to detach, counting from the end.",
    },
    worksheetSpec: {
      type: "string",
      alias: "w",
      valueHint: "worksheet",
      description: "Operate on this worksheet ([(<alias>|<address>)::](<uuid>|<name>)).",
    },
  },
  rest: { name: "bundle_spec", description: "More bundles; ranges like ^1-3 are expanded." },
  async run(args, ctx) {
    const index = args.index === undefined ? undefined : Number(args.index);
    if (index !== undefined && !(Number.isInteger(index) && index >= 1)) {
      throw usageError(`-n takes a whole number ≥ 1, not ${JSON.stringify(args.index)}`);
    }
    const target = await worksheetTarget(ctx, args.worksheetSpec);
    // Resolve every spec before detaching anything: ^1 ^2 are relative to the worksheet as it is.
    const wanted = new Set(
      (await resolveBundles(ctx, expandRanges(args._), { worksheetSpec: args.worksheetSpec })).map(
        ({ bundle }) => bundle.uuid,
      ),
    );
    const { items } = await fetchWorksheet(target.client, target.uuid);
    // Occurrences counted from the end: c c a b c → 3 2 1 1 1.
    const occurrence = new Map<number, number>();
    const total = new Map<string, number>();
    for (const item of [...items].reverse()) {
      if (item.bundle_uuid === null) continue;
      const count = (total.get(item.bundle_uuid) ?? 0) + 1;
      total.set(item.bundle_uuid, count);
      occurrence.set(item.id, count);
    }
    const ids: number[] = [];
    for (const item of items) {
      if (item.bundle_uuid === null || !wanted.has(item.bundle_uuid)) continue;
      const times = total.get(item.bundle_uuid) ?? 0;
      if (index === undefined) {
        if (times !== 1) {
          throw usageError(
            `bundle ${item.bundle_uuid} shows up more than once, need to specify index`,
            "add -n N: 1 is the last occurrence",
          );
        }
        ids.push(item.id);
      } else {
        if (index > times)
          throw usageError(`bundle ${item.bundle_uuid} shows up ${times} times, can't get index ${index}`);
        if (occurrence.get(item.id) === index) ids.push(item.id);
      }
    }
    if (ids.length > 0) await target.client.post(`/rest/worksheets/${target.uuid}/items/delete`, { ids });
  },
});
