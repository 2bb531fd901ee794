/**
 * Run resource requests (spec §2.2 run table, §8.5 step 3): CodaLab's defaults and limits, resolved
 * once when a run is staged into the concrete requirements the scheduler places and the runner
 * enforces. Units: time in seconds, memory and disk in bytes.
 */
import { CodalabError } from "../errors.ts";
import { formatDuration, parseDuration } from "../format/duration.ts";
import { formatSize, parseSize } from "../format/size.ts";

/** Docker refuses smaller memory limits; CodaLab fails such runs instead of letting them start. */
export const MIN_REQUEST_MEMORY_BYTES = 4 * 1024 * 1024;
/** CodaLab's default when `request_memory` is unset (kept for runs created without client defaults). */
export const DEFAULT_REQUEST_MEMORY_BYTES = 2 * 1024 ** 3;

/** Server-wide limits and defaults (CodaLab's `workers` config section). `null` = no maximum. */
export type RunLimits = {
  default_cpu_image: string;
  default_gpu_image: string;
  /** Seconds. */
  max_request_time: number | null;
  /** Bytes. */
  max_request_memory: number | null;
  /** Bytes. */
  max_request_disk: number | null;
  /** Bytes. */
  min_request_memory: number;
  /** Bytes. */
  default_request_memory: number;
  /** Our secure default: a run gets no network unless it asks (CodaLab defaults to true). */
  default_request_network: boolean;
};

export const DEFAULT_RUN_LIMITS: RunLimits = {
  default_cpu_image: "codalab/default-cpu:latest",
  default_gpu_image: "codalab/default-gpu:latest",
  max_request_time: null,
  max_request_memory: null,
  max_request_disk: null,
  min_request_memory: MIN_REQUEST_MEMORY_BYTES,
  default_request_memory: DEFAULT_REQUEST_MEMORY_BYTES,
  default_request_network: false,
};

/** The instance's maximums as an operator writes them (CodaLab units: `7d`, `64g`); unset or "" = none. */
export type RunLimitSettings = {
  max_request_time?: string | undefined;
  max_request_memory?: string | undefined;
  max_request_disk?: string | undefined;
};

/**
 * The server limits from the operator's settings (CodaLab's `workers.max_request_*`). `names`
 * says what each setting is called where the operator wrote it, for the error: VALIDATION_FAILED
 * for a value that is not a duration or size, is 0, or (memory) is below the 4 MiB minimum.
 */
export function runLimitsFromSettings(
  settings: RunLimitSettings,
  names: Record<keyof RunLimitSettings, string> = {
    max_request_time: "max_request_time",
    max_request_memory: "max_request_memory",
    max_request_disk: "max_request_disk",
  },
): RunLimits {
  const read = (key: keyof RunLimitSettings, parse: (text: string) => number, example: string) => {
    const text = settings[key]?.trim();
    if (text === undefined || text === "") return null;
    let value: number;
    try {
      value = parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new CodalabError("VALIDATION_FAILED", `${names[key]} = ${JSON.stringify(text)}: ${detail}`);
    }
    if (!(value > 0)) {
      throw new CodalabError(
        "VALIDATION_FAILED",
        `${names[key]} = ${JSON.stringify(text)}: a maximum must be more than 0 (e.g. ${example}); leave it unset for none`,
      );
    }
    return value;
  };
  const memory = read("max_request_memory", parseSize, "64g");
  if (memory !== null && memory < MIN_REQUEST_MEMORY_BYTES) {
    throw new CodalabError(
      "VALIDATION_FAILED",
      `${names.max_request_memory} = ${JSON.stringify(settings.max_request_memory?.trim())}: below the ${formatSize(MIN_REQUEST_MEMORY_BYTES)} every run needs, so every run would fail`,
    );
  }
  return {
    ...DEFAULT_RUN_LIMITS,
    max_request_time: read("max_request_time", parseDuration, "7d"),
    max_request_memory: memory,
    max_request_disk: read("max_request_disk", parseSize, "100g"),
  };
}

/** The owner's time (seconds) and disk (bytes) quotas as stored on the user row. */
export type UserRunQuota = {
  time_quota: number;
  time_used: number;
  disk_quota: number;
  disk_used: number;
};

/** What a staged run needs, fully resolved. */
export type RunRequirements = {
  docker_image: string;
  /** Wall-clock limit, seconds. */
  time: number;
  /** Bytes. */
  memory: number;
  /** Size limit of the run's directory, bytes. */
  disk: number;
  /**
   * Whether `disk` was asked for explicitly. Only then must a worker have that much free disk:
   * a defaulted limit is "the rest of your quota" (spec §11.7) and would otherwise fit nowhere.
   */
  disk_requested: boolean;
  cpus: number;
  gpus: number;
  network: boolean;
  /** Worker tag the run targets (`tag=` prefix already stripped), or null. */
  queue: string | null;
  /** Higher runs first among the owner's runs; null sorts between >= 0 and negatives. */
  priority: number | null;
};

export type ResolvedRequirements = { ok: true; requirements: RunRequirements } | { ok: false; failure_message: string };

/** The request fields as the user gave them; unset fields are null. */
export type RunRequests = {
  docker_image: string | null;
  time: number | null;
  memory: number | null;
  disk: number | null;
  cpus: number | null;
  gpus: number | null;
  network: boolean | null;
  queue: string | null;
  priority: number | null;
};

function isUnset(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

function invalid(key: string, detail: string): CodalabError {
  return new CodalabError("VALIDATION_FAILED", `invalid ${key}: ${detail}`);
}

function readAmount(key: string, value: unknown, parse: (text: string) => number): number | null {
  if (isUnset(value)) return null;
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) throw invalid(key, `${value} is not a non-negative number`);
    return value;
  }
  if (typeof value !== "string") throw invalid(key, `expected a string or a number, got ${typeof value}`);
  try {
    return parse(value);
  } catch (error) {
    throw invalid(key, error instanceof Error ? error.message : String(error));
  }
}

function readInteger(key: string, value: unknown, allowNegative: boolean): number | null {
  if (isUnset(value)) return null;
  const number = typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number) || (!allowNegative && number < 0)) {
    throw invalid(key, `${JSON.stringify(value)} is not ${allowNegative ? "an integer" : "a non-negative integer"}`);
  }
  return number;
}

const TRUE_TEXTS = new Set(["true", "1", "yes", "on"]);
const FALSE_TEXTS = new Set(["false", "0", "no", "off"]);

/** Booleans arrive as JSON booleans or as CodaLab's stored strings ('True'/'False'). */
function readBoolean(key: string, value: unknown): boolean | null {
  if (isUnset(value)) return null;
  if (typeof value === "boolean") return value;
  if (typeof value === "string" || typeof value === "number") {
    const text = String(value).trim().toLowerCase();
    if (TRUE_TEXTS.has(text)) return true;
    if (FALSE_TEXTS.has(text)) return false;
  }
  throw invalid(key, `${JSON.stringify(value)} is not true or false`);
}

/** Image references never contain whitespace or control characters; anything else is the registry's call. */
const IMAGE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-/:@+]*$/;

function readImage(value: unknown): string | null {
  if (isUnset(value)) return null;
  if (typeof value !== "string") throw invalid("request_docker_image", "expected a string");
  const image = value.trim();
  if (image.length > 512 || !IMAGE_PATTERN.test(image)) {
    throw invalid("request_docker_image", `${JSON.stringify(value)} is not a docker image reference`);
  }
  return image;
}

/** `tag=gpu` and `gpu` both target workers tagged `gpu` (CodaLab's `has_tag_match`). */
export function normalizeQueue(value: unknown): string | null {
  if (isUnset(value)) return null;
  if (typeof value !== "string") throw invalid("request_queue", "expected a string");
  const queue = value.trim().replace(/^tag=/, "").trim();
  return queue === "" ? null : queue;
}

/**
 * Docker's behaviour: an image without a tag means `:latest`. Unlike CodaLab (which looked for any
 * `:`), a registry port (`host:5000/img`) is not a tag and a digest (`img@sha256:…`) needs none.
 */
export function withDefaultTag(image: string): string {
  if (image.includes("@")) return image;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  return lastSegment.includes(":") ? image : `${image}:latest`;
}

/** Reads the `request_*` metadata fields; throws VALIDATION_FAILED naming the first bad field. */
export function parseRunRequests(metadata: Readonly<Record<string, unknown>>): RunRequests {
  return {
    docker_image: readImage(metadata.request_docker_image),
    time: readAmount("request_time", metadata.request_time, parseDuration),
    memory: readAmount("request_memory", metadata.request_memory, parseSize),
    disk: readAmount("request_disk", metadata.request_disk, parseSize),
    cpus: readInteger("request_cpus", metadata.request_cpus, false),
    gpus: readInteger("request_gpus", metadata.request_gpus, false),
    network: readBoolean("request_network", metadata.request_network),
    queue: normalizeQueue(metadata.request_queue),
    priority: readInteger("request_priority", metadata.request_priority, true),
  };
}

function exceeds(
  value: number,
  limit: number | null,
  template: string,
  pretty: (n: number) => string,
  direction: "above" | "below" = "above",
): string | null {
  if (limit === null) return null;
  const off = direction === "above" ? value > limit : value < limit;
  if (!off) return null;
  return template
    .replace("{value}", pretty(value))
    .replace("{limit}", pretty(limit))
    .replace("{by}", pretty(Math.abs(value - limit)));
}

/**
 * Resolves a run's requirements from its metadata, the owner's quotas and the server limits, or
 * says why it must fail, in CodaLab's words ("Requested more memory (8.0g) than maximum limit
 * (4.0g) by 4.0g"). Unset time/disk default to what is left of the owner's quota, capped by the
 * server maximum; 0 counts as unset, as in CodaLab.
 */
export function resolveRunRequirements(
  metadata: Readonly<Record<string, unknown>>,
  quota: UserRunQuota,
  limits: RunLimits = DEFAULT_RUN_LIMITS,
): ResolvedRequirements {
  let requests: RunRequests;
  try {
    requests = parseRunRequests(metadata);
  } catch (error) {
    return { ok: false, failure_message: error instanceof Error ? error.message : String(error) };
  }
  const timeLeft = quota.time_quota - quota.time_used;
  const diskLeft = quota.disk_quota - quota.disk_used;
  const failures: string[] = [];

  const diskRequested = Boolean(requests.disk);
  let disk: number;
  if (requests.disk) {
    disk = Math.round(requests.disk);
    const failure =
      exceeds(
        disk,
        Math.max(diskLeft, 0),
        "Requested more disk ({value}) than user disk quota left ({limit}) by {by}",
        formatSize,
      ) ?? exceeds(disk, limits.max_request_disk, "Maximum job disk size ({value}) exceeded ({limit})", formatSize);
    if (failure) failures.push(failure);
  } else if (diskLeft <= 0) {
    disk = 0;
    failures.push(`User disk quota exceeded (used ${formatSize(quota.disk_used)} of ${formatSize(quota.disk_quota)})`);
  } else {
    disk = Math.min(diskLeft - 1, limits.max_request_disk ?? Number.POSITIVE_INFINITY);
  }

  let time: number;
  if (requests.time) {
    time = requests.time;
    const failure =
      exceeds(
        time,
        Math.max(timeLeft, 0),
        "Requested more time ({value}) than user time quota left ({limit}) by {by}",
        formatDuration,
      ) ?? exceeds(time, limits.max_request_time, "Maximum job time ({value}) exceeded ({limit})", formatDuration);
    if (failure) failures.push(failure);
  } else if (timeLeft <= 0) {
    time = 0;
    failures.push(
      `User time quota exceeded (used ${formatDuration(quota.time_used)} of ${formatDuration(quota.time_quota)})`,
    );
  } else {
    time = Math.min(timeLeft - 1, limits.max_request_time ?? Number.POSITIVE_INFINITY);
  }

  const memory = Math.round(requests.memory || limits.default_request_memory);
  const memoryFailure =
    exceeds(
      memory,
      limits.max_request_memory,
      "Requested more memory ({value}) than maximum limit ({limit}) by {by}",
      formatSize,
    ) ??
    exceeds(
      memory,
      limits.min_request_memory,
      "Requested less memory ({value}) than minimum limit ({limit}) by {by}",
      formatSize,
      "below",
    );
  if (memoryFailure) failures.push(memoryFailure);

  if (failures.length > 0) return { ok: false, failure_message: failures.join(". ") };

  const gpus = requests.gpus ?? 0;
  const image = requests.docker_image ?? (gpus > 0 ? limits.default_gpu_image : limits.default_cpu_image);
  return {
    ok: true,
    requirements: {
      docker_image: withDefaultTag(image),
      time,
      memory,
      disk,
      disk_requested: diskRequested,
      cpus: requests.cpus || 1,
      gpus,
      network: requests.network ?? limits.default_request_network,
      queue: requests.queue,
      priority: requests.priority,
    },
  };
}

/**
 * The limits from the Worker's vars (`MAX_REQUEST_TIME`, …), as the Worker and `npm run deploy`
 * read them; a malformed one throws VALIDATION_FAILED naming the var.
 */
export function runLimitsFromVars(vars: Record<string, string | undefined>): RunLimits {
  return runLimitsFromSettings(
    {
      max_request_time: vars.MAX_REQUEST_TIME,
      max_request_memory: vars.MAX_REQUEST_MEMORY,
      max_request_disk: vars.MAX_REQUEST_DISK,
    },
    {
      max_request_time: "MAX_REQUEST_TIME",
      max_request_memory: "MAX_REQUEST_MEMORY",
      max_request_disk: "MAX_REQUEST_DISK",
    },
  );
}
