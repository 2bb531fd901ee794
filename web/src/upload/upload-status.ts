/** The line under an upload's progress bar, and how full the bar is. */
import { formatSize } from "../format/format-size.ts";
import type { UploadProgress } from "./browser-upload.ts";

export type RowState = {
  status: "waiting" | "uploading" | "done" | "failed";
  progress: UploadProgress | null;
  error: string | null;
};

export function uploadPercent(row: RowState): number {
  if (row.progress === null || row.progress.total === 0) return row.status === "done" ? 100 : 0;
  return Math.min(100, Math.floor((row.progress.sent / row.progress.total) * 100));
}

export function uploadStatusText(row: RowState): string {
  if (row.status === "done") return "Uploaded";
  if (row.status === "failed") return row.error ?? "The upload failed.";
  const { progress } = row;
  switch (progress?.phase) {
    case undefined:
    case "preparing":
      return "Preparing…";
    case "unpacking":
      return `Unpacking… ${uploadPercent(row)}% of ${formatSize(progress.total)}`;
    case "finishing":
      return "Checking on the server…";
    case "uploading":
      return `${uploadPercent(row)}% of ${formatSize(progress.total)}`;
  }
}
