import { Spinner } from "./spinner.tsx";

/** Shown while a page or its data loads; fades in late so fast loads do not flash it. */
export function PageLoading(props: { label?: string }) {
  return (
    <div class="page-loading" role="status">
      <Spinner size="lg" />
      <span>{props.label ?? "Loading…"}</span>
    </div>
  );
}
