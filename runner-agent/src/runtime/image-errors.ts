/**
 * Turns Docker's image errors into the one-line `failure_message` a user can act on. No registry
 * may be reachable from a worker, so "not here and cannot be fetched" is told apart from "the
 * registry does not have it".
 */
function firstLine(text: string): string {
  return (text.split("\n")[0] ?? "").trim().slice(0, 300);
}

export function describeImageError(image: string, error: unknown): string {
  const text = firstLine(error instanceof Error ? error.message : String(error)).replace(/^\(HTTP code \d+\)\s*/i, "");
  if (/invalid reference format|invalid repository name|must be lowercase/i.test(text)) {
    return `invalid image name: ${image}`;
  }
  if (
    /unauthorized|authentication required|denied: requested access/i.test(text) &&
    !/pull access denied/i.test(text)
  ) {
    return `image ${image} needs registry credentials this worker does not have`;
  }
  if (
    /manifest unknown|manifest for .* not found|pull access denied|repository does not exist|not found: manifest/i.test(
      text,
    )
  ) {
    return `image not found: ${image} (not on this worker, and the registry does not have it)`;
  }
  if (
    /no such host|dial tcp|i\/o timeout|connection refused|network is unreachable|temporary failure|server misbehaving|TLS handshake|timed out|timeout|EAI_AGAIN/i.test(
      text,
    )
  ) {
    return `image not found locally: ${image} (no registry reachable to pull it)`;
  }
  return `image not found locally: ${image} (pulling it failed: ${text})`;
}
