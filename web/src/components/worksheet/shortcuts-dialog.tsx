import { For } from "solid-js";
import { EDITOR_SHORTCUTS, SHORTCUTS } from "../../shortcuts/shortcuts.ts";
import { Dialog } from "../dialog.tsx";

function Keys(props: { keys: readonly string[] }) {
  return (
    <span class="keys">
      <For each={props.keys}>
        {(keys, i) => (
          <>
            {i() > 0 ? <span class="muted"> or </span> : null}
            <For each={keys.split(" ")}>{(key) => <kbd>{key}</kbd>}</For>
          </>
        )}
      </For>
    </span>
  );
}

/** `?`: every shortcut of the worksheet page. */
export function ShortcutsDialog(props: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={props.onClose} size="lg">
      <dl class="shortcuts">
        <For each={SHORTCUTS}>
          {(shortcut) => (
            <div class="shortcuts__row">
              <dt>
                <Keys keys={shortcut.keys} />
              </dt>
              <dd>{shortcut.help}</dd>
            </div>
          )}
        </For>
        <For each={EDITOR_SHORTCUTS}>
          {(shortcut) => (
            <div class="shortcuts__row">
              <dt>
                <Keys keys={shortcut.keys} />
              </dt>
              <dd>{shortcut.help} (in editors)</dd>
            </div>
          )}
        </For>
      </dl>
    </Dialog>
  );
}
