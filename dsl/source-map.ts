/**
 * Maps a path in the parsed playbook (`steps.2.with.userId`, as zod and the linter name it) back to a line and column
 * in the YAML source, so every error points at the text to fix.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

export type SourcePath = readonly PropertyKey[];

export interface SourcePosition {
  line: number;
  column: number;
}

export interface LocateOptions {
  /** Point at a map entry's key rather than its value (an unknown field, a duplicate id). */
  at?: 'key' | 'value';
  /** Text inside the node to point at, e.g. one expression of a template; the node's start when not found. */
  find?: string;
}

/** `[start, end]` offsets of a yaml node's text, when it came from the source. */
function spanOf(node: unknown): [number, number] | undefined {
  if (node === null || typeof node !== 'object' || !('range' in node) || !Array.isArray(node.range)) return undefined;
  const range: unknown[] = node.range;
  const [start, end] = range;
  return typeof start === 'number' && typeof end === 'number' ? [start, end] : undefined;
}

export class SourceMap {
  constructor(
    readonly file: string,
    private readonly source: string,
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The 1-based line and column of a character offset. */
  positionOf(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /**
   * The position of the node at `path`. When the path does not exist (a missing field), the position of the deepest
   * map or list that does, so "missing field" points at the object that lacks it.
   */
  locate(path: SourcePath, options: LocateOptions = {}): SourcePosition {
    let node: unknown = this.document.contents;
    let keyNode: unknown;
    for (const segment of path) {
      const container = isAlias(node) ? node.resolve(this.document) : node;
      const here = spanOf(container)?.[0] ?? spanOf(keyNode)?.[0] ?? 0;
      if (isMap(container)) {
        const pair = container.items.find(
          (item) => String(isScalar(item.key) ? item.key.value : item.key) === String(segment),
        );
        if (!pair) return this.positionOf(here);
        keyNode = pair.key;
        node = pair.value;
      } else if (isSeq(container) && container.items[Number(segment)] !== undefined) {
        keyNode = undefined;
        node = container.items[Number(segment)];
      } else {
        // A path into a scalar or an empty value (`approval:` with nothing after it): point at its key.
        return this.positionOf(spanOf(keyNode)?.[0] ?? here);
      }
    }
    const value = spanOf(node);
    const keyStart = spanOf(keyNode)?.[0];
    if (options.at === 'key' || !value || value[0] === value[1]) return this.positionOf(keyStart ?? value?.[0] ?? 0);
    if (options.find) {
      const index = this.source.slice(value[0], value[1]).indexOf(options.find);
      if (index >= 0) return this.positionOf(value[0] + index);
    }
    return this.positionOf(value[0]);
  }
}
