/**
 * CodaLab's metadata specs per bundle type (`METADATA_SPECS` of NamedBundle, UploadedBundle,
 * DerivedBundle, RunBundle, MakeBundle), in its order: what `cl info` lists as standard fields and
 * how it formats them, and what `cl edit` offers in the editor.
 */
export const METADATA_TYPES = ["str", "int", "float", "bool", "list"] as const;
export type MetadataType = (typeof METADATA_TYPES)[number];
export type MetadataFormat = "date" | "size" | "duration";

export type MetadataSpec = {
  key: string;
  type: MetadataType;
  description: string;
  format?: MetadataFormat;
  /** Shown to root only (CodaLab); the CLI leaves them out. */
  hidden?: boolean;
  /** Set by the system, never by the user. */
  generated?: boolean;
  /** Not offered in the editor: link_url and link_format describe how the contents are stored. */
  internal?: boolean;
};

const NAMED: readonly MetadataSpec[] = [
  {
    key: "name",
    type: "str",
    description:
      "Short name (not necessarily unique), which must start with a letter or underscore and can only contain letters, digits, underscores, periods, and dashes (name).",
  },
  { key: "description", type: "str", description: "Full description of the bundle (description)." },
  {
    key: "tags",
    type: "list",
    description: "Space-separated list of tags used for search, e.g. machine-learning (tags).",
  },
  {
    key: "created",
    type: "int",
    format: "date",
    generated: true,
    description: "Time when this bundle was created (created).",
  },
  {
    key: "data_size",
    type: "int",
    format: "size",
    generated: true,
    description: "Size of this bundle in bytes (data_size).",
  },
  {
    key: "failure_message",
    type: "str",
    generated: true,
    description: "Error message if this run bundle failed (failure_message).",
  },
  {
    key: "error_traceback",
    type: "str",
    generated: true,
    hidden: true,
    description: "Error traceback if this run bundle failed (error_traceback).",
  },
];

const STORE: MetadataSpec = {
  key: "store",
  type: "str",
  hidden: true,
  description: "The name of the bundle store where the bundle should be uploaded to (store).",
};

const UPLOADED: readonly MetadataSpec[] = [
  ...NAMED,
  { key: "license", type: "str", description: "The license under which this program/dataset is released (license)." },
  {
    key: "source_url",
    type: "str",
    description: "URL corresponding to the original source of this bundle (source_url).",
  },
  { key: "link_url", type: "str", internal: true, description: "Link URL of bundle (link_url)." },
  {
    key: "link_format",
    type: "str",
    internal: true,
    description: 'Link format of bundle (link_format): "raw" or "zip".',
  },
  STORE,
];

const DERIVED: readonly MetadataSpec[] = [
  ...NAMED,
  {
    key: "allow_failed_dependencies",
    type: "bool",
    description: "Whether to allow this bundle to have failed or killed dependencies (allow_failed_dependencies).",
  },
];

const generated = (key: string, type: MetadataType, description: string, format?: MetadataFormat): MetadataSpec => ({
  key,
  type,
  description,
  generated: true,
  ...(format ? { format } : {}),
});

const RUN: readonly MetadataSpec[] = [
  ...DERIVED,
  {
    key: "request_docker_image",
    type: "str",
    description:
      "Which docker image (either tag or digest, e.g., codalab/default-cpu:latest) we wish to use (request_docker_image).",
  },
  {
    key: "request_time",
    type: "str",
    format: "duration",
    description: "Amount of time (e.g., 3, 3m, 3h, 3d) allowed for this run (request_time).",
  },
  {
    key: "request_memory",
    type: "str",
    format: "size",
    description: "Amount of memory (e.g., 3, 3k, 3m, 3g, 3t) allowed for this run (request_memory).",
  },
  {
    key: "request_disk",
    type: "str",
    format: "size",
    description: "Amount of disk space (e.g., 3, 3k, 3m, 3g, 3t) allowed for this run (request_disk).",
  },
  { key: "request_cpus", type: "int", description: "Number of CPUs allowed for this run (request_cpus)." },
  { key: "request_gpus", type: "int", description: "Number of GPUs allowed for this run (request_gpus)." },
  { key: "request_queue", type: "str", description: "Submit run to this job queue (request_queue)." },
  { key: "request_priority", type: "int", description: "Job priority; higher is more important (request_priority)." },
  { key: "request_network", type: "bool", description: "Whether to allow network access (request_network)." },
  generated("cpu_usage", "float", "Portion of current CPU usage of the bundle (cpu_usage)."),
  generated("memory_usage", "float", "Portion of current memory usage of the bundle (memory_usage)."),
  {
    key: "exclude_patterns",
    type: "list",
    description: "Exclude these file patterns from being saved into the bundle contents (exclude_patterns).",
  },
  STORE,
  generated("actions", "list", "Actions (e.g., kill) that were performed on this run (actions)."),
  generated("time", "float", "Amount of wall clock time (seconds) used by this run in total (time).", "duration"),
  generated("time_user", "float", "Amount of user time (seconds) used by this run in total (time_user).", "duration"),
  generated(
    "time_system",
    "float",
    "Amount of system time (seconds) used by this run in total (time_system).",
    "duration",
  ),
  generated("memory", "float", "Amount of memory (bytes) used by this run (memory).", "size"),
  generated(
    "memory_max",
    "float",
    "Maximum amount of memory (bytes) used by this run at any time (memory_max).",
    "size",
  ),
  generated("started", "int", "Time when this bundle started executing (started).", "date"),
  generated("last_updated", "int", "Time when information about this bundle was last updated (last_updated).", "date"),
  generated("run_status", "str", "Execution status of the bundle (run_status)."),
  generated("staged_status", "str", "Information about the status of the staged bundle (staged_status)."),
  generated("time_preparing", "float", "Time spent in the preparing stage (time_preparing).", "duration"),
  generated("time_running", "float", "Time spent in the running stage (time_running).", "duration"),
  generated("time_cleaning_up", "float", "Time spent in the cleaning up stage (time_cleaning_up).", "duration"),
  generated(
    "time_uploading_results",
    "float",
    "Time spent in the uploading results stage (time_uploading_results).",
    "duration",
  ),
  generated("docker_image", "str", "Which docker image was used to run the process (docker_image)."),
  generated("exitcode", "int", "Exitcode of the process (exitcode)."),
  generated("job_handle", "str", "Job handle (job_handle)."),
  generated("remote", "str", "Where this job is/was run (remote)."),
  generated("remote_history", "list", "The workers where this job has been run (remote_history)."),
  generated(
    "on_preemptible_worker",
    "bool",
    "Whether the bundle is running on a preemptible worker (on_preemptible_worker).",
  ),
];

const MAKE: readonly MetadataSpec[] = [
  ...DERIVED,
  generated("staged_status", "str", "Information about the status of the staged bundle (staged_status)."),
  STORE,
];

export function metadataSpecsFor(bundleType: string): readonly MetadataSpec[] {
  switch (bundleType) {
    case "dataset":
    case "program":
      return UPLOADED;
    case "run":
      return RUN;
    case "make":
      return MAKE;
    default:
      return NAMED;
  }
}

/** What `cl edit` opens in the editor: the fields a user sets. */
export function editableSpecsFor(bundleType: string): MetadataSpec[] {
  return metadataSpecsFor(bundleType).filter((spec) => !spec.generated && !spec.hidden && !spec.internal);
}
