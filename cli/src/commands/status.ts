import { fetchCurrentUser, fetchServerVersion } from "../api/instance-info.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import { compareVersions } from "../compare-versions.ts";
import { CLIENT_VERSION } from "../core-light.ts";

export default defineClCommand({
  args: { json: JSON_ARG },
  async run(args, ctx) {
    const session = await ctx.session.current();
    const client = await ctx.currentClient();
    // Ask the server everything first, so a failure prints only the error.
    const server = await fetchServerVersion(client);
    const user = await fetchCurrentUser(client);
    const username = (await ctx.tokens.get(client.address))?.user_name;
    if (compareVersions(server.version, CLIENT_VERSION) > 0) {
      ctx.out.note(
        `notice: ${client.address} runs CodaLab v${server.version}, newer than this CLI (v${CLIENT_VERSION}); please update the CLI`,
      );
    }
    if (args.json) {
      ctx.out.json({
        codalab_home: ctx.about.codalabHome,
        session: ctx.about.sessionKey,
        client_version: CLIENT_VERSION,
        server_version: server.version,
        api_version: server.api_version,
        address: client.address,
        username: username ?? null,
        current_worksheet: session.worksheet_uuid ?? null,
        user,
      });
      return;
    }
    ctx.out.line(`codalab_home: ${ctx.about.codalabHome}`);
    ctx.out.line(`session: ${ctx.about.sessionKey}`);
    ctx.out.line(`client_version: ${CLIENT_VERSION}`);
    ctx.out.line(`server_version: ${server.version}`);
    ctx.out.line(`address: ${client.address}`);
    if (username) ctx.out.line(`username: ${username}`);
    if (session.worksheet_uuid) ctx.out.line(`current_worksheet: ${session.worksheet_uuid}`);
    ctx.out.line(`user: ${user.user_name}(${user.id})`);
  },
});
