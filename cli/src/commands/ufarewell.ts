import { parseDeletedUser } from "../api/user-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { withAccountHints } from "../errors/account-hints.ts";
import { withHint } from "../errors/with-hint.ts";

export default defineClCommand({
  details: [
    "Deletes a user permanently: your own account, or anyone's for administrators. To be safe, only",
    "an account that owns no bundles, worksheets or groups can be deleted (an empty home worksheet",
    "goes with it).",
  ],
  args: {
    user_spec: { type: "positional", required: true, description: "User name or id of user to delete." },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    return withAccountHints("ufarewell", async () => {
      const client = await ctx.currentClient();
      const path = `/rest/users/${encodeURIComponent(args.user_spec)}`;
      let body: unknown;
      try {
        body = await client.request("DELETE", path);
      } catch (error) {
        throw withHint(error, (failure) =>
          failure.code === "CONFLICT"
            ? "list them with `cl search .mine`, `cl wls .mine` and `cl gls`; delete them (cl rm, cl wrm, cl grm) or give bundles away with `cl chown`"
            : undefined,
        );
      }
      const deleted = parseResponse(`DELETE ${path}`, body, parseDeletedUser);
      const auth = await ctx.tokens.get(client.address);
      // The account is gone: its cached tokens would only produce "log in again" errors.
      if (auth?.user_name.toLowerCase() === deleted.user_name.toLowerCase()) await ctx.tokens.drop(client.address);
      if (args.json) ctx.out.json(deleted);
      else ctx.out.line(`Deleted user ${deleted.user_name}(${deleted.id}).`);
    });
  },
});
