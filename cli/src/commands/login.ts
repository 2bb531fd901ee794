import { defineClCommand } from "../command.ts";
import { chosenAddress, INSTANCE_ARG } from "./instance-arg.ts";

export default defineClCommand({
  details: [
    "Uses CODALAB_USERNAME and CODALAB_PASSWORD when set; otherwise asks on the terminal.",
    "Other commands log in by themselves the first time they need to.",
  ],
  args: { alias: INSTANCE_ARG },
  async run(args, ctx) {
    const address = await chosenAddress(ctx, args.alias);
    const credentials = await ctx.credentials(address, "explicit");
    const user = await ctx.client(address).login(credentials);
    ctx.out.line(`Logged in to ${address} as ${user.user_name}.`);
  },
});
