/**
 * Provenance queries for `cl mimic` and `cl run --memoize` (spec §7.2, §10.1): a bundle graph to a
 * depth, and the newest run with a given command and dependencies. Both only ever return bundles
 * the caller may read.
 */
import { z } from "zod";
import { BundleJsonSchema } from "./bundles.ts";
import { CreateRunRequestSchema, DependencyRequestSchema, MAX_DEPENDENCIES } from "./runs.ts";

export const GRAPH_DIRECTIONS = ["children", "parents"] as const;
export type GraphDirection = (typeof GRAPH_DIRECTIONS)[number];

/** Levels a graph query may walk; CodaLab's mimic walks 10 by default. */
export const MAX_GRAPH_DEPTH = 100;
/** A larger graph is refused rather than cut, since a partial plan would silently miss bundles. */
export const MAX_GRAPH_BUNDLES = 1000;

/** `GET /rest/bundle-graph`: the roots first, then each level in turn (breadth-first). */
export const BundleGraphResponseSchema = z.object({ bundles: z.array(BundleJsonSchema) });

/** `POST /rest/bundles/memoized`: a body, since a command may be far longer than a URL. */
export const MemoizedRunRequestSchema = z.object({
  command: CreateRunRequestSchema.shape.command,
  dependencies: z.array(DependencyRequestSchema).max(MAX_DEPENDENCIES).default([]),
});
export type MemoizedRunRequest = z.infer<typeof MemoizedRunRequestSchema>;

export const MemoizedRunResponseSchema = z.object({ bundle: BundleJsonSchema.nullable() });
