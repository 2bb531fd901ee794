import type { Resource } from "solid-js";

/**
 * A resource's value without suspending: undefined until it first loads, and the previous value
 * while it reloads. Reading a resource directly suspends the nearest <Suspense>, which is the
 * page's: a dialog's suggestion list or a row's details would blank the whole page while loading
 * (and a <dialog> taken out of the page loses its open state). Components that show their own
 * loading state read resources through this.
 */
export function quiet<T>(resource: Resource<T>): T | undefined {
  return resource.state === "ready" || resource.state === "refreshing" ? resource.latest : undefined;
}
