import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/api-error.ts";
import { createForm } from "./create-form.ts";

type Field = "name" | "code";

function setup(submit: (values: Readonly<Record<Field, string>>) => Promise<void> = async () => {}) {
  const focus = vi.fn();
  const form = createForm<Field>({
    initial: { name: "", code: "" },
    validate: (values) => ({
      name: values.name === "" ? "Enter a name." : undefined,
      code: values.code.length > 3 ? "Too long." : undefined,
    }),
    submit,
    describeError: (error) =>
      error instanceof ApiError && error.code === "ALREADY_EXISTS"
        ? { fields: { name: "Taken." } }
        : { fields: {}, form: "Failed." },
  });
  const event = {
    preventDefault: vi.fn(),
    currentTarget: { querySelector: () => ({ focus }) },
  } as unknown as SubmitEvent;
  return { form, event, focus };
}

const taken = new ApiError({ status: 409, code: "ALREADY_EXISTS", message: "taken" });

describe("createForm", () => {
  it("shows client-side problems on submit, focuses the first one and does not submit", async () => {
    const submit = vi.fn(async () => {});
    const { form, event, focus } = setup(submit);
    await form.onSubmit(event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(form.errors()).toEqual({ name: "Enter a name.", code: undefined });
    expect(focus).toHaveBeenCalled();
    expect(submit).not.toHaveBeenCalled();
  });

  it("submits valid values and is busy only while the submit runs", async () => {
    let release = () => {};
    const submit = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
    const { form, event } = setup(submit);
    form.set("name", "ada");
    const done = form.onSubmit(event);
    expect(form.busy()).toBe(true);
    await form.onSubmit(event);
    expect(submit).toHaveBeenCalledTimes(1);
    release();
    await done;
    expect(form.busy()).toBe(false);
    expect(submit).toHaveBeenCalledWith({ name: "ada", code: "" });
  });

  it("shows what the server said, under the field or under the form", async () => {
    const { form, event, focus } = setup(async () => {
      throw taken;
    });
    form.set("name", "ada");
    await form.onSubmit(event);
    expect(form.errors()).toEqual({ name: "Taken." });
    expect(form.formError()).toBeUndefined();
    expect(focus).toHaveBeenCalled();

    const other = setup(async () => {
      throw new Error("boom");
    });
    other.form.set("name", "ada");
    await other.form.onSubmit(other.event);
    expect(other.form.formError()).toBe("Failed.");
  });

  it("keeps a server verdict while its field is unchanged and drops it once edited", async () => {
    const { form, event } = setup(async () => {
      throw taken;
    });
    form.set("name", "ada");
    await form.onSubmit(event);
    form.set("code", "12345");
    expect(form.errors()).toEqual({ name: "Taken." });
    form.blur("code");
    expect(form.errors()).toEqual({ name: "Taken.", code: "Too long." });
    form.set("name", "grace");
    expect(form.errors().name).toBeUndefined();
  });

  it("checks a field on leaving it only when something was typed", () => {
    const { form } = setup();
    form.blur("name");
    expect(form.errors()).toEqual({});
    form.set("code", "toolong");
    form.blur("code");
    expect(form.errors()).toEqual({ code: "Too long." });
  });

  it("clears a message as soon as the input is fixed", () => {
    const { form } = setup();
    form.set("code", "toolong");
    form.blur("code");
    form.set("code", "ok");
    expect(form.errors().code).toBeUndefined();
  });

  it("resets values and messages", async () => {
    const { form, event } = setup(async () => {
      throw taken;
    });
    form.set("name", "ada");
    await form.onSubmit(event);
    form.reset();
    expect(form.values()).toEqual({ name: "", code: "" });
    expect(form.errors()).toEqual({});
    expect(form.formError()).toBeUndefined();
  });
});
