import type { ClContext } from "../context.ts";

/** The positional most instance-level commands take (`cl logout [alias]`). */
export const INSTANCE_ARG = {
  type: "positional",
  required: false,
  description: "Alias or address of the instance. Default is the current session's.",
} as const;

export async function chosenAddress(ctx: ClContext, aliasOrAddress: string | undefined): Promise<string> {
  if (aliasOrAddress) return ctx.resolveInstance(aliasOrAddress);
  return (await ctx.currentClient()).address;
}
