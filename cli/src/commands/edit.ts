import type { JsonValue } from "@codalab/core/worksheet/json-value";
import { parseBundleEnvelope, type WireBundle } from "../api/bundle-wire.ts";
import { parseResponse } from "../api/wire.ts";
import { metadataOf } from "../bundles/info-lines.ts";
import { changedFields, parseMetadataForm, renderMetadataForm, typedValue } from "../bundles/metadata-form.ts";
import { editableSpecsFor, metadataSpecsFor } from "../bundles/metadata-specs.ts";
import { resolveBundle } from "../bundles/resolve-bundles.ts";
import { defineClCommand, JSON_ARG } from "../command.ts";
import type { ClContext } from "../context.ts";
import { usageError } from "../errors/cli-error.ts";

export default defineClCommand({
  details: ["With no options, opens $VISUAL or $EDITOR on the bundle's editable metadata."],
  args: {
    bundle_spec: {
      type: "positional",
      required: true,
      description: "[[(<alias>|<address>)::](<uuid>|<name>)//](<uuid>|<name>|^<index>)",
    },
    name: {
      type: "string",
      alias: "n",
      description: "Change the bundle name (format: ^[a-zA-Z_][a-zA-Z0-9_\\.\\-]*$).",
    },
    tags: {
      type: "string",
      alias: "T",
      valueHint: "tag",
      description: "Change tags (must appear after worksheet_spec).",
    },
    description: { type: "string", alias: "d", description: "New bundle description." },
    freeze: {
      type: "boolean",
      description: "Freeze bundle to prevent future metadata modification (only in a final state).",
    },
    unfreeze: { type: "boolean", description: "Unfreeze bundle to allow future metadata modification." },
    anonymous: {
      type: "boolean",
      description:
        "Set bundle to be anonymous (identity of the owner will NOT be visible to users without 'all' permission on the bundle).",
    },
    notAnonymous: { type: "boolean", description: "Set bundle to be NOT anonymous." },
    field: {
      type: "string",
      alias: "f",
      valueHint: "field value",
      description: "Edit any specified bundle metadata field (repeatable: -f KEY VALUE -f KEY2 VALUE2).",
    },
    json: JSON_ARG,
  },
  lists: { tags: "*", field: 2 },
  async run(args, ctx, lists) {
    if (args.freeze && args.unfreeze) throw usageError("choose one of --freeze and --unfreeze");
    if (args.anonymous && args.notAnonymous) throw usageError("choose one of --anonymous and --not-anonymous");
    const { client, bundle } = await resolveBundle(ctx, args.bundle_spec);

    const metadata: Record<string, JsonValue> = {};
    if (args.name !== undefined) metadata.name = args.name;
    if (args.description !== undefined) metadata.description = args.description;
    if (lists.tags !== undefined && lists.tags.length > 0) metadata.tags = lists.tags;
    const fields = lists.field ?? [];
    const types = new Map(metadataSpecsFor(bundle.bundle_type).map((spec) => [spec.key, spec.type]));
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const key = fields[i] ?? "";
      const value = fields[i + 1] ?? "";
      if (key === "") throw usageError("-f needs a field name");
      metadata[key] = typedValue(key, types.get(key) ?? "str", value);
    }
    const update: Record<string, JsonValue> = {};
    if (args.freeze) update.frozen = true;
    if (args.unfreeze) update.frozen = false;
    if (args.anonymous) update.is_anonymous = true;
    if (args.notAnonymous) update.is_anonymous = false;

    if (Object.keys(metadata).length === 0 && Object.keys(update).length === 0) {
      const edited = await editInEditor(ctx, bundle);
      if (edited === undefined) {
        ctx.out.note(`No changes to bundle ${bundle.uuid}.`);
        return;
      }
      Object.assign(metadata, edited);
    }
    if (Object.keys(metadata).length > 0) update.metadata = metadata;
    const body = await client.request("PATCH", `/rest/bundles/${bundle.uuid}`, { body: update });
    const saved = parseResponse(`PATCH /rest/bundles/${bundle.uuid}`, body, parseBundleEnvelope);
    if (args.json) ctx.out.json(saved.raw);
    else ctx.out.line(`Saved metadata for bundle ${saved.uuid}.`);
  },
});

/** The changed fields, or undefined when nothing was changed. */
async function editInEditor(ctx: ClContext, bundle: WireBundle): Promise<Record<string, JsonValue> | undefined> {
  const { editorCommand, editText } = await import("../node/run-editor.ts");
  const editor = ctx.local ? (editorCommand(ctx.local.env) ?? (ctx.local.interactive ? "vi" : undefined)) : undefined;
  if (editor === undefined) {
    throw usageError(
      "nothing to edit: no options given and no editor to open",
      "give options (-n NAME, -d TEXT, -T TAG..., -f KEY VALUE, --freeze, ...) or set $EDITOR",
    );
  }
  const specs = editableSpecsFor(bundle.bundle_type);
  const current = metadataOf(bundle);
  const name = typeof current.name === "string" ? current.name : "";
  const form = renderMetadataForm(`Edit the metadata of bundle ${name}(${bundle.uuid}).`, specs, current);
  const edited = await editText(editor, form, `${bundle.uuid}.yaml`);
  if (edited === form) return undefined;
  const changes = changedFields(current, parseMetadataForm(edited, specs));
  return Object.keys(changes).length > 0 ? changes : undefined;
}
