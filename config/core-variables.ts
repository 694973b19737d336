/**
 * The variables `config/config.ts` reads itself, in a module of their own so that `variables.ts` can list them without
 * importing the module that calls it.
 */

/** The `CORDON_*` variables read by `config.ts`, and `CORDON_USER`, which the CLI reads from the same environment. */
export const CORE_VARIABLES = [
  'CORDON_DATA_DIR',
  'CORDON_CACHE_DIR',
  'CORDON_TASK_QUEUE',
  'CORDON_GROUPS',
  'CORDON_LOG_LEVEL',
  'CORDON_PLAYBOOKS_DIR',
  'CORDON_STRICT_PLAYBOOKS',
  'CORDON_MAX_CACHED_WORKFLOWS',
  'CORDON_USER',
] as const;
