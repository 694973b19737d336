/** The dependency graph of a playbook's steps (`needs`): which steps surely ran before another, and its cycles. */

export interface GraphStep {
  id: string;
  needs: readonly string[];
}

export interface Cycle {
  /** The steps around the cycle, starting and ending with the same id: `a -> b -> a`. */
  ids: string[];
  /** Index of the step that starts the cycle, and of its `needs` entry that leads on. */
  stepIndex: number;
  needIndex: number;
}

/** Each step's own `needs`, by id (the first step of a duplicated id, which the linter reports on its own). */
function needsById(steps: readonly GraphStep[]): Map<string, readonly string[]> {
  const needsOf = new Map<string, readonly string[]>();
  for (const step of steps) if (!needsOf.has(step.id)) needsOf.set(step.id, step.needs);
  return needsOf;
}

/** Every known step `id` needs, directly or through others (itself too, when it is on a cycle). */
function reachedFrom(needsOf: ReadonlyMap<string, readonly string[]>, id: string): Set<string> {
  const reached = new Set<string>();
  const pending = [...(needsOf.get(id) ?? [])];
  for (let need = pending.pop(); need !== undefined; need = pending.pop()) {
    if (reached.has(need) || !needsOf.has(need)) continue;
    reached.add(need);
    pending.push(...(needsOf.get(need) ?? []));
  }
  return reached;
}

/** For each step id, every step it needs directly or through others; these have finished when it starts. */
export function transitiveNeeds(steps: readonly GraphStep[]): Map<string, Set<string>> {
  const needsOf = needsById(steps);
  // A search per step rather than a memo: with a cycle (reported on its own) a memo would hold partial answers.
  const result = new Map<string, Set<string>>();
  for (const id of needsOf.keys()) {
    const reached = reachedFrom(needsOf, id);
    reached.delete(id);
    result.set(id, reached);
  }
  return result;
}

/** Whether step `from` needs step `target`, directly or through other steps. */
export function needsTransitively(steps: readonly GraphStep[], from: string, target: string): boolean {
  return reachedFrom(needsById(steps), from).has(target);
}

/** Each dependency cycle once, found by depth-first search in document order. */
export function dependencyCycles(steps: readonly GraphStep[]): Cycle[] {
  const indexOf = new Map<string, number>();
  steps.forEach((step, index) => {
    if (!indexOf.has(step.id)) indexOf.set(step.id, index);
  });
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const cycles: Cycle[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    state.set(id, 'active');
    stack.push(id);
    for (const need of steps[indexOf.get(id) ?? -1]?.needs ?? []) {
      if (!indexOf.has(need)) continue;
      if (state.get(need) === 'active') {
        const ids = [...stack.slice(stack.indexOf(need)), need];
        const key = [...new Set(ids)].sort().join('\0');
        if (seen.has(key)) continue;
        seen.add(key);
        const stepIndex = indexOf.get(need) ?? 0;
        cycles.push({ ids, stepIndex, needIndex: steps[stepIndex]?.needs.indexOf(ids[1] ?? need) ?? 0 });
      } else if (!state.has(need)) {
        visit(need);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const step of steps) if (!state.has(step.id)) visit(step.id);
  return cycles;
}
