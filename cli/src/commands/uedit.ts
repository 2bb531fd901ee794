import { parseDuration } from "@codalab/core/format/duration";
import { parseSize } from "@codalab/core/format/size";
import { parseUserInfoEnvelope } from "../api/user-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { withAccountHints } from "../errors/account-hints.ts";
import { usageError } from "../errors/cli-error.ts";
import { amountArg } from "../parse/amount-arg.ts";
import { userInfoLines } from "../users/user-lines.ts";

export default defineClCommand({
  details: [
    "Edits your own profile; quotas and other users are for administrators only.",
    "Email and password can only be changed through the web interface.",
  ],
  args: {
    user_spec: {
      type: "positional",
      required: false,
      description: "User name or id of user to update [default: the authenticated user]",
    },
    firstName: { type: "string", valueHint: "name", description: "First name" },
    lastName: { type: "string", valueHint: "name", description: "Last name" },
    affiliation: { type: "string", description: "Affiliation" },
    url: { type: "string", description: "Website URL (http:// or https://)" },
    timeQuota: {
      type: "string",
      alias: "t",
      valueHint: "duration",
      description: "Total amount of time allowed (e.g., 3, 3m, 3h, 3d)",
    },
    parallelRunQuota: {
      type: "string",
      alias: "p",
      valueHint: "count",
      description: "Total amount of runs the user may have running at a time on shared public workers",
    },
    diskQuota: {
      type: "string",
      alias: "d",
      valueHint: "size",
      description: "Total amount of disk allowed (e.g., 3, 3k, 3m, 3g, 3t)",
    },
    grantAccess: { type: "boolean", description: "Let the user use this instance again (administrators only)" },
    removeAccess: {
      type: "boolean",
      description: "Shut the user out of this instance, keeping their account and bundles (administrators only)",
    },
    json: JSON_ARG,
  },
  async run(args, ctx) {
    return withAccountHints("uedit", async () => {
      const update: Record<string, string | number | boolean> = {};
      if (args.grantAccess && args.removeAccess) {
        throw usageError(
          "give --grant-access or --remove-access, not both",
          "for example: cl uedit alice --remove-access",
        );
      }
      if (args.grantAccess || args.removeAccess) update.has_access = args.grantAccess === true;
      if (args.firstName !== undefined) update.first_name = args.firstName;
      if (args.lastName !== undefined) update.last_name = args.lastName;
      if (args.affiliation !== undefined) update.affiliation = args.affiliation;
      if (args.url !== undefined) update.url = args.url;
      if (args.timeQuota !== undefined) update.time_quota = amountArg("-t", args.timeQuota, parseDuration, "3d");
      if (args.diskQuota !== undefined) update.disk_quota = amountArg("-d", args.diskQuota, parseSize, "10g");
      if (args.parallelRunQuota !== undefined) {
        const text = args.parallelRunQuota;
        if (!/^\d+$/.test(text)) throw usageError(`-p: expected a whole number, got ${JSON.stringify(text)}`);
        update.parallel_run_quota = Number(text);
      }
      if (Object.keys(update).length === 0) {
        throw usageError(
          "no fields to update",
          "give --first-name, --last-name, --affiliation, --url, -t, -d, -p, --grant-access or --remove-access",
        );
      }
      const client = await ctx.currentClient();
      let spec = args.user_spec;
      if (spec === undefined) {
        spec = parseResponse("GET /rest/user", await client.get("/rest/user"), parseUserInfoEnvelope).id;
      }
      const path = `/rest/users/${encodeURIComponent(spec)}`;
      const user = parseResponse(
        `PATCH ${path}`,
        await client.request("PATCH", path, { body: update }),
        parseUserInfoEnvelope,
      );
      if (args.json) {
        ctx.out.json(user.fields);
        return;
      }
      for (const line of userInfoLines(user)) ctx.out.line(line);
    });
  },
});
