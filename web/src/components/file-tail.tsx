import { createEffect, createSignal, onCleanup, Show } from "solid-js";
import { describeError } from "../api/api-error.ts";
import { blobUrl, contentsPath, fetchTargetInfo } from "../api/bundles-api.ts";
import { FollowError, followFile } from "../bundle/follow-file.ts";

/** Text kept on screen; older output scrolls away rather than slowing the page. */
const MAX_SHOWN_CHARS = 256 * 1024;

/**
 * The end of a bundle's file (stdout, stderr), growing live while the bundle runs. Scrolls with
 * new output unless the reader has scrolled up to read something.
 */
export function FileTail(props: { uuid: string; path: string; running: boolean; label: string }) {
  const [text, setText] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const [waiting, setWaiting] = createSignal(true);
  let box: HTMLPreElement | undefined;
  let running = props.running;
  createEffect(() => {
    running = props.running;
  });

  const controller = new AbortController();
  onCleanup(() => controller.abort());
  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });

  void followFile(
    {
      async size(signal) {
        try {
          return (await fetchTargetInfo(props.uuid, props.path, 0, signal)).size;
        } catch {
          return null;
        }
      },
      async read(from, follow, signal) {
        const url = `/rest/bundles/${props.uuid}/contents/blob/${contentsPath(props.path)}`;
        // Following streams from `offset` (a Range header is refused with follow); a final read is ranged.
        return follow
          ? fetch(`${url}?follow=1&offset=${from}`, { credentials: "same-origin", signal })
          : fetch(url, { headers: { Range: `bytes=${from}-` }, credentials: "same-origin", signal });
      },
      isRunning: () => running,
      sleep,
      onText(chunk) {
        setWaiting(false);
        const stick = box !== undefined && box.scrollHeight - box.scrollTop - box.clientHeight < 24;
        setText((current) => (current + chunk).slice(-MAX_SHOWN_CHARS));
        if (stick && box) box.scrollTop = box.scrollHeight;
      },
    },
    controller.signal,
  )
    .catch((failure: unknown) => {
      if (controller.signal.aborted) return;
      setError(
        failure instanceof FollowError ? `Cannot show ${props.label}: ${failure.message}` : describeError(failure),
      );
    })
    .finally(() => setWaiting(false));

  return (
    <section class="file-tail" aria-label={props.label}>
      <header class="file-tail__head">
        <span class="file-tail__name">{props.label}</span>
        <Show when={props.running}>
          <span class="live-dot">live</span>
        </Show>
        <a class="file-tail__open" href={blobUrl(props.uuid, props.path)} target="_blank" rel="noopener">
          Open
        </a>
      </header>
      <Show when={error()}>{(message) => <p class="alert alert--error">{message()}</p>}</Show>
      <pre ref={box} class="file-tail__text" tabindex="0">
        <Show when={text() !== ""} fallback={<span class="muted">{waiting() ? "Loading…" : "(empty)"}</span>}>
          {text()}
        </Show>
      </pre>
    </section>
  );
}
