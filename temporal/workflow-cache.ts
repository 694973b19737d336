/**
 * How many runs a worker keeps in memory between their workflow tasks (Temporal's sticky workflow cache,
 * `maxCachedWorkflows`). A run that is not cached is replayed from its history when its next task comes: for a run
 * that waited hours at an approval gate that is a few dozen events, milliseconds of CPU, against about 1.5 MB held the
 * whole time it waits (issue 11, B4). The SDK's own default sizes the cache from the heap (2,300 runs on a 4 GB heap),
 * so a thousand waiting runs would all stay resident; this bound keeps a worker's memory flat however many runs wait.
 */

/**
 * Enough for every run that is busy at once in a worker (the SDK runs at most 40 workflow tasks at a time, and a
 * campaign's forEach keeps its items in one run), about 150 MB at the size measured; runs beyond it are waiting.
 * @default 100
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 100;

/** The SDK refuses 1 (it needs room for a run and the one replacing it); 0 would replay every task from the start. */
export const MIN_CACHED_WORKFLOWS = 2;
