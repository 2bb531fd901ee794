import { createUniqueId, Show } from "solid-js";
import { quotaUsage } from "../format/quota-usage.ts";

export type UsageMeterProps = {
  label: string;
  used: number | null;
  quota: number | null;
  /** Renders an amount in this meter's unit (bytes, seconds). */
  format: (amount: number) => string;
  /** One line on what counts against this quota. */
  description: string;
};

/** A quota as a bar plus words ("1.2 GiB of 1 TiB, 0.1%"), warning as it nears the limit. */
export function UsageMeter(props: UsageMeterProps) {
  const labelId = createUniqueId();
  const usage = () => (props.used === null || props.quota === null ? undefined : quotaUsage(props.used, props.quota));
  const summary = () => {
    const used = props.used === null ? "unknown" : props.format(props.used);
    if (props.quota === null || props.quota <= 0) return `${used} used, no quota set`;
    return `${used} of ${props.format(props.quota)}`;
  };

  return (
    <div class="meter" classList={{ [`meter--${usage()?.level ?? "normal"}`]: true }}>
      <div class="meter__head">
        <span id={labelId} class="meter__label">
          {props.label}
        </span>
        <span class="meter__value">
          {summary()}
          <Show when={usage()}>{(value) => <span class="meter__percent"> · {value().percentText}</span>}</Show>
        </span>
      </div>
      <Show when={usage()}>
        {(value) => (
          <div
            class="meter__track"
            role="progressbar"
            aria-labelledby={labelId}
            aria-valuemin="0"
            aria-valuemax="100"
            aria-valuenow={Math.round(value().fraction * 100)}
            aria-valuetext={`${summary()} (${value().percentText})`}
          >
            <div
              class="meter__fill"
              classList={{ "meter__fill--some": value().fraction > 0 }}
              style={{ width: `${value().fraction * 100}%` }}
            />
          </div>
        )}
      </Show>
      <p class="meter__description">
        {props.description}
        <Show when={usage()?.level === "full"}>
          <strong class="meter__warning"> This quota is used up: new runs and uploads will be refused.</strong>
        </Show>
      </p>
    </div>
  );
}
