import { createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import { fetchTargetInfo, resolveBundleSpecs } from "../../api/bundles-api.ts";
import { quiet } from "../../hooks/quiet-resource.ts";
import type { DependencyRow } from "../../run/run-form.ts";

/**
 * One dependency: key, bundle (a spec, with the worksheet's bundles offered) and a path inside it
 * (its top-level files offered once the bundle is known).
 */
export function DependencyRowEditor(props: {
  row: DependencyRow;
  index: number;
  listId: string;
  worksheetUuid: string;
  error: string | undefined;
  onChange: (row: DependencyRow) => void;
  onRemove: () => void;
}) {
  const pathsId = createUniqueId();
  const [chosen, setChosen] = createSignal(props.row.bundle);
  const [paths] = createResource(chosen, async (spec) => {
    if (spec.trim() === "") return [];
    try {
      const [bundle] = await resolveBundleSpecs([spec.trim()], props.worksheetUuid);
      if (bundle === undefined || bundle.is_dir !== true) return [];
      const info = await fetchTargetInfo(bundle.uuid, "", 1);
      return (info.contents ?? []).map((entry) => entry.name);
    } catch {
      // An unknown bundle is reported when the run is submitted; here it just offers nothing.
      return [];
    }
  });
  const n = () => props.index + 1;
  return (
    <div class="dependency-row" classList={{ "field--invalid": props.error !== undefined }}>
      <input
        class="input"
        aria-label={`Key of dependency ${n()}`}
        placeholder="key"
        value={props.row.key}
        onInput={(event) => props.onChange({ ...props.row, key: event.currentTarget.value })}
      />
      <input
        class="input"
        aria-label={`Bundle of dependency ${n()}`}
        placeholder="bundle name or uuid"
        list={props.listId}
        value={props.row.bundle}
        onInput={(event) => props.onChange({ ...props.row, bundle: event.currentTarget.value })}
        onChange={(event) => setChosen(event.currentTarget.value)}
      />
      <input
        class="input"
        aria-label={`Path inside dependency ${n()}`}
        placeholder="path (optional)"
        list={pathsId}
        value={props.row.path}
        onInput={(event) => props.onChange({ ...props.row, path: event.currentTarget.value })}
      />
      <datalist id={pathsId}>
        <For each={quiet(paths) ?? []}>{(path) => <option value={path} />}</For>
      </datalist>
      <button
        type="button"
        class="icon-button"
        aria-label={`Remove dependency ${n()}`}
        onClick={() => props.onRemove()}
      >
        ×
      </button>
      <Show when={props.error}>{(message) => <p class="field__error dependency-row__error">{message()}</p>}</Show>
    </div>
  );
}
