import { fetchServerVersion } from "../api/instance-info.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { usageError } from "../errors/cli-error.ts";
import { normalizeAddress, splitInstanceSpec } from "../state/instance-address.ts";

export default defineClCommand({
  details: [
    "  work                      : Show the current instance (and worksheet).",
    "  work <alias>::            : Switch to instance <alias> (an alias or a full address).",
    "Switching worksheets (work <worksheet>, work <alias>::<worksheet>) comes with worksheet support.",
  ],
  args: {
    worksheet_spec: {
      type: "positional",
      required: false,
      description: "[(<alias>|<address>)::](<uuid>|<name>); for now only <alias>:: is supported.",
    },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    const spec = args.worksheet_spec;
    if (spec === undefined) {
      const session = await ctx.session.current();
      const address = normalizeAddress(session.address);
      if (args.json) {
        ctx.out.json({ address, worksheet_uuid: session.worksheet_uuid ?? null });
        return;
      }
      ctx.out.line(`Currently on instance: ${address}`);
      if (session.worksheet_uuid) ctx.out.line(`Currently on worksheet: ${session.worksheet_uuid}`);
      return;
    }
    const { instance, rest } = splitInstanceSpec(spec);
    if (!instance || rest !== "") {
      throw usageError(
        `cannot switch to "${spec}": worksheets are not supported yet, only instances`,
        "switch instance with `cl work <alias>::` or `cl work <address>::`",
      );
    }
    const address = await ctx.resolveInstance(instance);
    // Refuse to point the session at something that is not a reachable CodaLab instance.
    await fetchServerVersion(ctx.client(address));
    await ctx.session.switchTo(address);
    if (args.json) ctx.out.json({ address, worksheet_uuid: null });
    else ctx.out.line(`Switched to instance: ${address}`);
  },
});
