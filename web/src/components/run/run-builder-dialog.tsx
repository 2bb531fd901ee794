import { createResource, createSignal, createUniqueId, For, type JSX, onMount, Show } from "solid-js";
import { createStore } from "solid-js/store";
import { describeError } from "../../api/api-error.ts";
import { bundleName } from "../../api/bundle.ts";
import { createDerivedBundle, fetchBundle, resolveBundleSpecs, searchBundles } from "../../api/bundles-api.ts";
import { quiet } from "../../hooks/quiet-resource.ts";
import { showNotice } from "../../notices/notice-store.ts";
import {
  checkRunForm,
  EMPTY_RUN_FORM,
  formFromBundle,
  RunFormError,
  type RunFormValues,
  runRequest,
} from "../../run/run-form.ts";
import { BusyButton } from "../busy-button.tsx";
import { Dialog } from "../dialog.tsx";
import { FormAlert } from "../form-alert.tsx";
import { DependencyRowEditor } from "./dependency-row.tsx";

/**
 * `a r` / `a n`: a run from a form (spec §10.7 "Run builder"): dependencies with key and path,
 * the command, and every resource request. The form is checked as `cl run` checks its flags,
 * then the bundle specs are resolved on this worksheet and the run is created on it.
 */
export function RunBuilderDialog(props: {
  worksheetUuid: string;
  /** A past run to start from (rerun). */
  rerun?: string | undefined;
  onClose: () => void;
  onCreated: () => void;
}) {
  const [values, setValues] = createStore<RunFormValues>({
    ...EMPTY_RUN_FORM,
    dependencies: [{ key: "", bundle: "", path: "" }],
  });
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [busy, setBusy] = createSignal(false);
  const [loadingRerun, setLoadingRerun] = createSignal(props.rerun !== undefined);
  // The worksheet's bundles, offered in the dependency pickers.
  const [choices] = createResource(() =>
    searchBundles([`host_worksheet=${props.worksheetUuid}`, ".limit=500"]).then((result) =>
      result.bundles.map((bundle) => ({ label: bundleName(bundle), uuid: bundle.uuid, type: bundle.bundle_type })),
    ),
  );
  const listId = createUniqueId();

  onMount(async () => {
    if (props.rerun === undefined) return;
    try {
      const previous = await fetchBundle(props.rerun);
      const form = formFromBundle(previous);
      setValues({
        ...form,
        dependencies: form.dependencies.length > 0 ? form.dependencies : [{ key: "", bundle: "", path: "" }],
      });
    } catch (error) {
      setErrors({ form: `Could not load the run to repeat: ${describeError(error)}` });
    } finally {
      setLoadingRerun(false);
    }
  });

  async function submit(): Promise<void> {
    if (busy()) return;
    setErrors({});
    let checked: ReturnType<typeof checkRunForm>;
    try {
      checked = checkRunForm(values);
    } catch (error) {
      if (error instanceof RunFormError) return void setErrors({ [error.field]: error.message });
      throw error;
    }
    setBusy(true);
    try {
      const parents: string[] = [];
      for (const [index, dependency] of checked.dependencies.entries()) {
        try {
          const [parent] = await resolveBundleSpecs([dependency.spec.bundleText], props.worksheetUuid);
          if (parent === undefined) throw new Error(`no bundle matches ${dependency.spec.bundleText}`);
          parents.push(parent.uuid);
        } catch (error) {
          setErrors({ [`dependencies.${index}`]: describeError(error) });
          return;
        }
      }
      const bundle = await createDerivedBundle(runRequest(checked, parents, props.worksheetUuid));
      showNotice("success", `Started ${bundleName(bundle)}.`);
      props.onCreated();
    } catch (error) {
      setErrors({ form: describeError(error) });
    } finally {
      setBusy(false);
    }
  }

  const text = (
    field: keyof RunFormValues & string,
    label: string,
    hint?: string,
    placeholder?: string,
  ): JSX.Element => (
    <Field label={label} error={errors()[field]} hint={hint}>
      {(id) => (
        <input
          id={id}
          class="input"
          name={field}
          placeholder={placeholder}
          value={String(values[field])}
          onInput={(event) => setValues(field, event.currentTarget.value as never)}
        />
      )}
    </Field>
  );

  return (
    <Dialog
      title={props.rerun ? "Rerun" : "New run"}
      size="lg"
      onClose={props.onClose}
      footer={
        <>
          <button type="button" class="button button--ghost" onClick={() => props.onClose()}>
            Cancel
          </button>
          <BusyButton type="button" busy={busy()} busyLabel="Starting…" onClick={() => void submit()}>
            Run
          </BusyButton>
        </>
      }
    >
      <Show when={!loadingRerun()} fallback={<p class="muted">Loading the run to repeat…</p>}>
        <form
          class="form run-form"
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
          onKeyDown={(event) => {
            if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              void submit();
            }
          }}
        >
          <fieldset class="run-form__group">
            <legend>Dependencies</legend>
            <p class="muted run-form__help">
              Each bundle appears in the run's directory under its key (the bundle's name when left empty).
            </p>
            <For each={values.dependencies}>
              {(row, index) => (
                <DependencyRowEditor
                  row={row}
                  index={index()}
                  listId={listId}
                  worksheetUuid={props.worksheetUuid}
                  error={errors()[`dependencies.${index()}`]}
                  onChange={(next) => setValues("dependencies", index(), next)}
                  onRemove={() => setValues("dependencies", (list) => list.filter((_, i) => i !== index()))}
                />
              )}
            </For>
            <datalist id={listId}>
              <For each={quiet(choices) ?? []}>
                {(choice) => <option value={choice.label}>{`${choice.type} ${choice.uuid.slice(0, 10)}`}</option>}
              </For>
            </datalist>
            <Show when={errors().dependencies}>{(message) => <p class="field__error">{message()}</p>}</Show>
            <button
              type="button"
              class="button button--secondary button--small"
              onClick={() => setValues("dependencies", values.dependencies.length, { key: "", bundle: "", path: "" })}
            >
              Add dependency
            </button>
          </fieldset>

          <Field
            label="Command"
            error={errors().command}
            hint="Runs with bash in the run's directory. Ctrl+Enter starts the run."
          >
            {(id) => (
              <textarea
                id={id}
                class="input run-form__command"
                name="command"
                rows={3}
                spellcheck={false}
                value={values.command}
                onInput={(event) => setValues("command", event.currentTarget.value)}
              />
            )}
          </Field>

          <div class="form__row">
            {text("name", "Name", "Default: run-<command>")}
            {text("tags", "Tags", "Separated by spaces")}
          </div>
          {text("description", "Description")}

          <details class="run-form__more" open={props.rerun !== undefined}>
            <summary>Resources and environment</summary>
            <div class="run-form__grid">
              {text("dockerImage", "Docker image", undefined, "codalab/default-cpu")}
              {text("queue", "Queue (worker tag)")}
              {text("cpus", "CPUs", "Default 1")}
              {text("gpus", "GPUs", "Default 0")}
              {text("memory", "Memory", "Default 2g", "2g")}
              {text("disk", "Disk", "Default: what is left of your quota", "10g")}
              {text("time", "Time limit", "Default: what is left of your quota", "1h")}
              {text("priority", "Priority", "Higher runs first")}
            </div>
            {text("excludePatterns", "Exclude from results", "Glob patterns separated by spaces", "*.tmp checkpoints")}
            <label class="check">
              <input
                type="checkbox"
                checked={values.network}
                onChange={(event) => setValues("network", event.currentTarget.checked)}
              />
              Allow network access
            </label>
            <label class="check">
              <input
                type="checkbox"
                checked={values.allowFailedDependencies}
                onChange={(event) => setValues("allowFailedDependencies", event.currentTarget.checked)}
              />
              Run even if a dependency failed or was killed
            </label>
          </details>
          <Show when={errors().form}>{(message) => <FormAlert>{message()}</FormAlert>}</Show>
        </form>
      </Show>
    </Dialog>
  );
}

function Field(props: {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  children: (id: string) => JSX.Element;
}) {
  const id = createUniqueId();
  return (
    <div class="field" classList={{ "field--invalid": props.error !== undefined }}>
      <label class="field__label" for={id}>
        {props.label}
      </label>
      {props.children(id)}
      <Show when={props.error}>{(message) => <p class="field__error">{message()}</p>}</Show>
      <Show when={props.hint && !props.error}>
        <p class="field__hint">{props.hint}</p>
      </Show>
    </div>
  );
}
