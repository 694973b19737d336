/**
 * How a run names its work in the history: a step's activity (and approval) by the step id, a `forEach` item's by
 * `step[i]`, an undo's by `undo:step` or `undo:step[i]`. The interpreter writes these names and the audit reads them
 * back from histories, so both use this one definition. Sandbox-safe.
 */

/** A step, or one item of a `forEach` step. */
export interface WorkRef {
  readonly stepId: string;
  /** The item's index, for one item of a `forEach` step. */
  readonly index?: number;
}

const UNDO_PREFIX = 'undo:';
const ITEM_KEY = /^(.*)\[(\d+)\]$/;

/** `step`, or `step[i]` for an item. */
export function workKey({ stepId, index }: WorkRef): string {
  return index === undefined ? stepId : `${stepId}[${index}]`;
}

/** `undo:step`, or `undo:step[i]` for an item: the undo's activity id, and its approval's step id. */
export function undoKey(work: WorkRef): string {
  return `${UNDO_PREFIX}${workKey(work)}`;
}

/** What a name read from a history says: whose work, which item (or null), and whether it is an undo. */
export function parseWorkKey(key: string): { stepId: string; index: number | null; undo: boolean } {
  const undo = key.startsWith(UNDO_PREFIX);
  const work = undo ? key.slice(UNDO_PREFIX.length) : key;
  const item = ITEM_KEY.exec(work);
  return { stepId: item?.[1] ?? work, index: item ? Number(item[2]) : null, undo };
}
