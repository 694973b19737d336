/**
 * The action catalogue: every built-in action, with its impact, default undo and child-workflow info. Sandbox-safe
 * (zod and plain TypeScript, no Node built-ins), so the DSL and its linter, `cordon actions`, the JSON Schema, the
 * worker and the workflow bundle all read this one list. The workflow takes an action's impact from here, never from
 * the plan it was given.
 *
 * Adding an action is two edits: its spec in `activities/<integration>/specs.ts` (and that file's list), and its
 * handler in `activities/<integration>/handlers.ts`. The registry, the handler map and the not-configured handlers are
 * derived from these lists, and the compiler refuses a handler map that misses one.
 */
import type { ActionSpec } from './action';
import { coreActions } from './core/specs';
import { oktaActions } from './okta/specs';
import { takedownActions } from './takedown/specs';

/** Every built-in action spec. */
export const ACTIONS = [...coreActions, ...oktaActions, ...takedownActions] as const;

export type BuiltinActionSpec = (typeof ACTIONS)[number];

/** The name of a built-in action, e.g. `okta.suspend_user`. */
export type ActionName = BuiltinActionSpec['name'];

const BY_NAME: ReadonlyMap<string, BuiltinActionSpec> = new Map(ACTIONS.map((spec) => [spec.name, spec]));

/** The built-in action of this name, if there is one. */
export function catalogueEntry(name: string): ActionSpec | undefined {
  return BY_NAME.get(name);
}
