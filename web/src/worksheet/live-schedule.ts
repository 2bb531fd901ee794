/**
 * When to ask again about running bundles (spec §10.7): after 1 s, then 2 s, then every 3 s or
 * five times the last answer's latency, whichever is longer, so a slow server is not piled on.
 */
export function liveDelay(round: number, lastLatencyMs: number): number {
  if (round === 0) return 1000;
  if (round === 1) return 2000;
  return Math.max(3000, 5 * lastLatencyMs);
}
