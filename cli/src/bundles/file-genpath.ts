/**
 * File genpaths for `cl info -f /stdout,/stats.json:train/acc` (spec §5.4): the first lines of the
 * file, parsed as TSV, JSON, YAML or text, then the `:` key path. The parser is core's, the same
 * one worksheet tables use on the server.
 */
import {
  MAX_GENPATH_LINE_BYTES,
  MAX_GENPATH_LINES,
  parseFileValue,
  selectKeyPath,
} from "@codalab/core/worksheet/file-value";
import { parseFileGenpath } from "@codalab/core/worksheet/genpath";
import type { JsonValue } from "@codalab/core/worksheet/json-value";
import type { ApiClient } from "../api/api-client.ts";
import { CodalabError } from "../core-light.ts";
import { fetchTargetInfo, openBlob } from "./contents.ts";

/** The value, or null when the file is missing, a directory, unreadable or the key path is not there. */
export async function readFileGenpath(client: ApiClient, uuid: string, genpath: string): Promise<JsonValue> {
  const { subpath, key } = parseFileGenpath(genpath);
  const info = await fetchTargetInfo(client, uuid, subpath, 0);
  if (info === null || info.type !== "file") return null;
  let text: string;
  try {
    const response = await openBlob(client, uuid, subpath, {
      head: MAX_GENPATH_LINES,
      max_line_length: MAX_GENPATH_LINE_BYTES,
    });
    text = await response.text();
  } catch (error) {
    if (error instanceof CodalabError && (error.code === "FORBIDDEN" || error.code === "NOT_FOUND")) return null;
    throw error;
  }
  const parsed = parseFileValue(text);
  return parsed.ok ? selectKeyPath(parsed.value, key) : null;
}
