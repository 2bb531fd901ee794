export type UsageLevel = "normal" | "high" | "full";

export type QuotaUsage = {
  /** Share of the quota used, clamped to [0, 1] for drawing a bar. */
  fraction: number;
  /** "<1%", "42%", "100%", "130%": not clamped, so going over quota shows. */
  percentText: string;
  level: UsageLevel;
};

/** From this share on, a meter warns before the quota runs out. */
const HIGH_USAGE = 0.9;

/** How much of a quota is used; undefined when there is no (positive, finite) quota to compare with. */
export function quotaUsage(used: number, quota: number): QuotaUsage | undefined {
  if (!Number.isFinite(quota) || quota <= 0 || !Number.isFinite(used)) return undefined;
  const ratio = Math.max(0, used) / quota;
  // Rounded down so that 99.6% does not read as a full quota that still accepts work.
  const percent = Math.floor(ratio * 100);
  const percentText = ratio > 0 && percent === 0 ? "<1%" : `${percent}%`;
  const level: UsageLevel = ratio >= 1 ? "full" : ratio >= HIGH_USAGE ? "high" : "normal";
  return { fraction: Math.min(1, ratio), percentText, level };
}
