import type { ApiClient } from "../api/api-client.ts";
import { parseResponse } from "../api/wire.ts";
import { parseSource, parseWorksheetEnvelope, type WireWorksheet } from "../api/worksheet-wire.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import type { ClContext } from "../context.ts";
import { CodalabError } from "../core-light.ts";
import { CliError, usageError } from "../errors/cli-error.ts";
import { resolveWorksheet } from "../worksheets/current-worksheet.ts";

export default defineClCommand({
  details: [
    "With metadata options, changes them; otherwise replaces the whole markdown source, read from",
    "-f FILE (- for standard input) or edited in $VISUAL / $EDITOR.",
    "  wedit -n <name>          : Change the name of the worksheet.",
    "  wedit -T <tag> ... <tag> : Set the tags of the worksheet (e.g., paper).",
    "  wedit -o <username>      : Set the owner of the worksheet to <username>.",
  ],
  args: {
    worksheet_spec: {
      type: "positional",
      required: false,
      description: "[(<alias>|<address>)::](<uuid>|<name>) (default: the current worksheet)",
    },
    name: { type: "string", alias: "n", description: "Changes the name of the worksheet ([a-zA-Z_][a-zA-Z0-9_.-]*)." },
    title: { type: "string", alias: "t", description: "Change title of worksheet." },
    tags: {
      type: "string",
      alias: "T",
      valueHint: "tag",
      description: "Change tags (must appear after worksheet_spec).",
    },
    ownerSpec: { type: "string", alias: "o", valueHint: "user", description: "Change owner of worksheet." },
    freeze: { type: "boolean", description: "Freeze worksheet to prevent future modification." },
    unfreeze: { type: "boolean", description: "Unfreeze worksheet to allow future modification." },
    anonymous: {
      type: "boolean",
      description: "Set worksheet to be anonymous (the owner is hidden from users without all permission).",
    },
    notAnonymous: { type: "boolean", description: "Set worksheet to be NOT anonymous." },
    file: {
      type: "string",
      alias: "f",
      valueHint: "path",
      description: "Replace the contents of the worksheet with this file (- for stdin).",
    },
    json: JSON_ARG,
  },
  lists: { tags: "*" },
  async run(args, ctx, lists) {
    if (args.freeze && args.unfreeze) throw usageError("--freeze and --unfreeze contradict each other");
    if (args.anonymous && args.notAnonymous) throw usageError("--anonymous and --not-anonymous contradict each other");
    const { client, worksheet } = await resolveWorksheet(ctx, args.worksheet_spec);
    const update: Record<string, unknown> = {};
    if (args.name !== undefined) update.name = args.name;
    if (args.title !== undefined) update.title = args.title;
    if (lists.tags !== undefined) update.tags = lists.tags;
    if (args.ownerSpec !== undefined) update.owner = args.ownerSpec;
    if (args.freeze) update.frozen = true;
    if (args.unfreeze) update.frozen = false;
    if (args.anonymous) update.is_anonymous = true;
    if (args.notAnonymous) update.is_anonymous = false;
    if (Object.keys(update).length > 0) {
      if (args.file !== undefined) throw usageError("-f replaces the source; give it without metadata options");
      const body = await client.request("PATCH", `/rest/worksheets/${worksheet.uuid}`, { body: update });
      const saved = parseResponse("PATCH worksheet", body, parseWorksheetEnvelope);
      if (args.json) ctx.out.json(saved.raw);
      else ctx.out.line(`Saved worksheet metadata for ${worksheet.name}(${worksheet.uuid}).`);
      return;
    }
    await saveSource(ctx, client, worksheet, args.file);
    if (args.json) ctx.out.json({ uuid: worksheet.uuid });
    else ctx.out.line(`Saved worksheet items for ${worksheet.name}(${worksheet.uuid}).`);
  },
});

async function saveSource(ctx: ClContext, client: ApiClient, worksheet: WireWorksheet, file: string | undefined) {
  const current = parseResponse(
    "GET source",
    await client.get(`/rest/worksheets/${worksheet.uuid}/source`),
    parseSource,
  );
  const local = ctx.local;
  if (local === undefined) throw usageError("editing the source needs a terminal or a file");
  let text: string;
  if (file === "-") {
    text = await (await import("../node/read-stdin.ts")).readStdin();
  } else if (file !== undefined) {
    const { readFile } = await import("node:fs/promises");
    const { resolve } = await import("node:path");
    text = await readFile(resolve(local.cwd, file), "utf8");
  } else {
    const { editorCommand, editText } = await import("../node/run-editor.ts");
    const editor = editorCommand(local.env) ?? (local.interactive ? "vi" : undefined);
    if (editor === undefined) {
      throw usageError(
        "nothing to edit: no options given and no editor to open",
        "give -f FILE (or -f - for standard input), metadata options, or set $EDITOR",
      );
    }
    text = await editText(editor, current.source, `${worksheet.name}.md`);
    if (text === current.source) return;
  }
  // CodaLab strips trailing whitespace from every line of a file it reads.
  const source = text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .join("\n");
  try {
    await client.request("PUT", `/rest/worksheets/${worksheet.uuid}/source`, {
      body: { source, version: current.version },
    });
  } catch (error) {
    if (error instanceof CodalabError && error.code === "STALE_VERSION" && (file === undefined || file === "-")) {
      throw await keepEdit(ctx, worksheet, text, error);
    }
    throw error;
  }
}

/** A save that lost the race: the text the user typed goes to a file so nothing is lost. */
async function keepEdit(
  ctx: ClContext,
  worksheet: WireWorksheet,
  text: string,
  error: CodalabError,
): Promise<CliError> {
  const { mkdir, writeFile } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const directory = join(ctx.about.codalabHome, "worksheet-edits");
  await mkdir(directory, { recursive: true });
  const path = join(directory, `${worksheet.name}-${Date.now()}.md`);
  await writeFile(path, text, { mode: 0o600 });
  return new CliError("STALE_VERSION", `${error.message}; your text is saved in ${path}`, {
    hint: `merge it with the current source (cl print -r ${worksheet.name}), then: cl wedit ${worksheet.name} -f ${path}`,
  });
}
