import { createSignal } from "solid-js";
import type { FieldErrors } from "./account-validation.ts";
import { hasErrors } from "./account-validation.ts";
import type { FormErrors } from "./server-errors.ts";

export type FormOptions<F extends string> = {
  initial: Readonly<Record<F, string>>;
  validate: (values: Readonly<Record<F, string>>) => FieldErrors<F>;
  /** Does the work; anything it throws goes through `describeError`. */
  submit: (values: Readonly<Record<F, string>>) => Promise<void>;
  describeError: (error: unknown) => FormErrors<F>;
};

/**
 * State and handlers for one form: values, messages under fields and under the form, and a busy
 * flag. Fields are checked when left and re-checked while a message is showing, so a message
 * goes away as soon as the input is fixed rather than only on the next submit.
 */
export function createForm<F extends string>(options: FormOptions<F>) {
  const [values, setValues] = createSignal<Readonly<Record<F, string>>>({ ...options.initial });
  const [errors, setErrors] = createSignal<FieldErrors<F>>({});
  const [formError, setFormError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  /** The server's verdicts with the value they judged: kept until that field is edited. */
  let serverVerdicts: Partial<Record<F, { message: string; value: string }>> = {};

  /** Re-checks the fields that show a message, plus `also`. */
  function recheck(also?: F): void {
    const fresh = options.validate(values());
    setErrors((shown) => {
      const next: FieldErrors<F> = {};
      const fields = (Object.keys(shown) as F[]).filter((field) => shown[field] !== undefined);
      for (const field of also === undefined ? fields : [...fields, also]) {
        const verdict = serverVerdicts[field];
        next[field] = fresh[field] ?? (verdict?.value === values()[field] ? verdict.message : undefined);
      }
      return next;
    });
  }

  return {
    values,
    errors,
    formError,
    busy,

    set(field: F, value: string): void {
      setValues((current) => ({ ...current, [field]: value }));
      if (hasErrors(errors())) recheck();
    },

    /** Checks a field the user leaves, unless they left it without typing anything. */
    blur(field: F): void {
      if (values()[field] !== "") recheck(field);
    },

    reset(): void {
      setValues(() => ({ ...options.initial }));
      setErrors(() => ({}));
      setFormError(undefined);
      serverVerdicts = {};
    },

    async onSubmit(event: SubmitEvent): Promise<void> {
      event.preventDefault();
      if (busy()) return;
      const form = isForm(event.currentTarget) ? event.currentTarget : undefined;
      const found = options.validate(values());
      serverVerdicts = {};
      setErrors(() => found);
      setFormError(undefined);
      if (hasErrors(found)) {
        focusFirstInvalid(form);
        return;
      }
      setBusy(true);
      try {
        await options.submit(values());
      } catch (error) {
        const described = options.describeError(error);
        serverVerdicts = {};
        for (const field of Object.keys(described.fields) as F[]) {
          const message = described.fields[field];
          if (message !== undefined) serverVerdicts[field] = { message, value: values()[field] };
        }
        setErrors(() => described.fields);
        setFormError(described.form);
        focusFirstInvalid(form);
      } finally {
        setBusy(false);
      }
    },
  };
}

function isForm(target: EventTarget | null): target is HTMLFormElement {
  return target !== null && "querySelector" in target;
}

/** Puts the cursor where the first problem is, so keyboard and screen-reader users land on it. */
function focusFirstInvalid(form: HTMLFormElement | undefined): void {
  form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}
