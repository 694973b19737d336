/**
 * The action registry: every action a playbook may name on this worker: the built-in catalogue
 * (`activities/catalogue.ts`), plus any actions a worker adds (test or benchmark actions). To add an integration,
 * define its specs in `activities/<integration>/specs.ts`, list them in the catalogue, and give their handlers in
 * `activities/builtin-handlers.ts`.
 */
import type { ActionSpec } from './action';
import { ACTIONS } from './catalogue';

/** Thrown when a registry is built with two actions of one name. */
export class DuplicateActionError extends Error {
  override readonly name = 'DuplicateActionError';
}

export class ActionRegistry {
  private readonly byName = new Map<string, ActionSpec>();

  constructor(specs: readonly ActionSpec[]) {
    for (const spec of specs) {
      if (this.byName.has(spec.name)) throw new DuplicateActionError(`action ${spec.name} is registered twice`);
      this.byName.set(spec.name, spec);
    }
    for (const spec of specs) {
      if (spec.undo && !this.byName.has(spec.undo.action)) {
        throw new DuplicateActionError(
          `action ${spec.name} names an undo action ${spec.undo.action} that does not exist`,
        );
      }
    }
  }

  get(name: string): ActionSpec | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  list(): ActionSpec[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  names(): string[] {
    return this.list().map((spec) => spec.name);
  }

  /** A registry with more actions, e.g. test-only ones. */
  with(specs: readonly ActionSpec[]): ActionRegistry {
    return new ActionRegistry([...this.byName.values(), ...specs]);
  }
}

export const BUILTIN_ACTIONS: readonly ActionSpec[] = ACTIONS;

export const builtinRegistry = new ActionRegistry(BUILTIN_ACTIONS);
