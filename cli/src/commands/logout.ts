import { defineClCommand } from "../command.ts";
import { chosenAddress, INSTANCE_ARG } from "./instance-arg.ts";

export default defineClCommand({
  args: { alias: INSTANCE_ARG },
  async run(args, ctx) {
    const address = await chosenAddress(ctx, args.alias);
    const { wasLoggedIn, serverError } = await ctx.client(address).logout();
    if (!wasLoggedIn) {
      ctx.out.line(`Not logged in to ${address}.`);
      return;
    }
    if (serverError !== undefined) {
      const reason = serverError instanceof Error ? serverError.message : String(serverError);
      ctx.out.note(`warning: could not revoke the session on the server (${reason}); forgot the cached tokens anyway`);
    }
    ctx.out.line(`Logged out of ${address}.`);
  },
});
