import { COMMANDS } from "@codalab/cli/commands/command-list";
import { createOutput } from "@codalab/cli/output/output";
import { runCli } from "@codalab/cli/run-cli";
import { createSignal, For, onMount, Show } from "solid-js";
import { session } from "../../session/session-store.ts";
import { createBrowserContext } from "../../terminal/browser-context.ts";
import { browserRefusal, completeLine, mayChangeWorksheet, parseLine } from "../../terminal/command-line.ts";

type Line = { kind: "input" | "out" | "err"; text: string };

/** Lines kept in the scrollback. */
const MAX_LINES = 2000;

const COMMAND_WORDS = COMMANDS.flatMap((entry) => [entry.name, ...entry.aliases]);

/**
 * `shift+c`: a `cl` prompt at the bottom of the worksheet, running the CLI's own commands in the
 * page against the current worksheet. Tab completes commands and the worksheet's bundle names;
 * ↑/↓ walk the history. The worksheet reloads after a command that may have changed it.
 */
export function TerminalPanel(props: {
  worksheetUuid: string;
  /** Words offered after the command (the worksheet's bundle names). */
  words: () => readonly string[];
  onClose: () => void;
  onChanged: () => void;
}) {
  const [lines, setLines] = createSignal<readonly Line[]>([
    {
      kind: "out",
      text: "cl commands run here against this worksheet (try `help`, `search .mine`, `add text hello`).",
    },
  ]);
  const [input, setInput] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const history: string[] = [];
  let historyIndex = 0;
  let field: HTMLInputElement | undefined;
  let scroller: HTMLDivElement | undefined;

  const print = (kind: Line["kind"], text: string) => {
    const parts = text.replace(/\n$/, "").split("\n");
    setLines((current) => [...current, ...parts.map((part) => ({ kind, text: part }))].slice(-MAX_LINES));
    queueMicrotask(() => scroller?.scrollTo({ top: scroller.scrollHeight }));
  };
  const out = createOutput({ stdout: (text) => print("out", text), stderr: (text) => print("err", text) });
  const context = createBrowserContext({
    origin: window.location.origin,
    worksheetUuid: props.worksheetUuid,
    userName: session.user()?.user_name ?? "",
    out,
    fetch: (url, init) => fetch(url, init),
    cookies: () => document.cookie,
  });

  async function submit(): Promise<void> {
    const line = input().trim();
    setInput("");
    if (line === "") return;
    history.push(line);
    historyIndex = history.length;
    print("input", line);
    if (line === "clear") return void setLines([]);
    const parsed = parseLine(line);
    if (!parsed.ok) return print("err", `error: ${parsed.message}`);
    if (parsed.argv.length === 0) return;
    const refusal = browserRefusal(parsed.argv);
    if (refusal) {
      print("err", `error: ${refusal.message}`);
      return print("err", `hint: ${refusal.hint}`);
    }
    setBusy(true);
    try {
      const status = await runCli(parsed.argv, { out, debug: false, context: async () => context });
      if (status === 0 && mayChangeWorksheet(parsed.argv)) props.onChanged();
    } finally {
      setBusy(false);
      field?.focus();
    }
  }

  onMount(() => field?.focus());

  return (
    <section class="terminal" aria-label="Terminal">
      <header class="terminal__head">
        <span>Terminal</span>
        <button type="button" class="terminal__close" aria-label="Close the terminal" onClick={() => props.onClose()}>
          ×
        </button>
      </header>
      <div ref={scroller} class="terminal__scroll" role="log" aria-live="polite">
        <For each={lines()}>
          {(line) => (
            <div class={`terminal__line terminal__line--${line.kind}`}>
              {line.kind === "input" ? `$ cl ${line.text.replace(/^cl\s+/, "")}` : line.text}
            </div>
          )}
        </For>
      </div>
      <form
        class="terminal__prompt"
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy()) void submit();
        }}
      >
        <label class="terminal__sign" for="terminal-input">
          $ cl
        </label>
        <input
          ref={field}
          id="terminal-input"
          class="terminal__input"
          autocomplete="off"
          spellcheck={false}
          value={input()}
          readOnly={busy()}
          onInput={(event) => setInput(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === "Tab") {
              event.preventDefault();
              const completion = completeLine(input(), COMMAND_WORDS, props.words());
              setInput(completion.line);
              if (completion.choices.length > 0) print("out", completion.choices.join("  "));
            } else if (event.key === "ArrowUp" && historyIndex > 0) {
              event.preventDefault();
              historyIndex -= 1;
              setInput(history[historyIndex] ?? "");
            } else if (event.key === "ArrowDown") {
              event.preventDefault();
              historyIndex = Math.min(historyIndex + 1, history.length);
              setInput(history[historyIndex] ?? "");
            } else if (event.key === "Escape") {
              props.onClose();
            }
          }}
        />
        <Show when={busy()}>
          <span class="terminal__busy">running…</span>
        </Show>
      </form>
    </section>
  );
}
