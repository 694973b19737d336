/**
 * How deep a playbook's brackets nest, checked before the YAML parser reads the text. The parser's error recovery
 * costs about 10 µs a bracket in a deeply nested flow collection and reports an error for most of them: a fuzzed 9 KB
 * playbook gave 1,909 YAML errors and took up to 170 ms (issue 15). No playbook needs more than a few levels.
 *
 * It is a guard, not a parser. It reads comments and block scalars (`|`, `>`) as text, as YAML does, and quoted
 * scalars too, where it can tell one: a quote opens one only at the start of a value, and ends at the end of its line at
 * the latest. Inside `${{ … }}` it reads the expression's own strings, where a quote is always a quote (`join('; ')`).
 * The worst a misread can do is to let the parser see the file.
 */
import type { SourcePosition } from './source-map';

/** The deepest `[`/`{` nesting a playbook may have; `${{ … }}` counts as two. */
export const MAX_FLOW_DEPTH = 64;

/** A block scalar's indicator at the end of a line: `key: |`, `- >-`, `key: |2 # comment`. */
const BLOCK_SCALAR = /(^|\s)[|>][-+0-9]*\s*(#.*)?$/;
/** What a quote that opens a quoted scalar follows (else it is an apostrophe in text: `Okta's`, `a 'word'`). */
const BEFORE_QUOTED_SCALAR = new Set(['', ':', '-', '[', '{', ',', '?']);

export interface FlowDepth {
  /** The deepest nesting reached. */
  depth: number;
  /** Where it was first reached (1-based). */
  at: SourcePosition;
}

/** The scan's state between characters and lines. */
class Scan {
  depth = 0;
  deepest: FlowDepth = { depth: 0, at: { line: 1, column: 1 } };
  /** Within `${{ … }}`: the brackets opened inside it, and the expression string open, if any. */
  expression?: { depth: number; quote?: string };

  open(line: number, column: number): void {
    this.depth += 1;
    if (this.depth > this.deepest.depth) this.deepest = { depth: this.depth, at: { line, column } };
  }

  close(): void {
    if (this.depth > 0) this.depth -= 1;
  }
}

/** Reads one character of an expression; returns how many more characters it used. */
function readExpression(scan: Scan, text: string, at: number, line: number): number {
  const expression = scan.expression;
  if (!expression) return 0;
  const char = text[at];
  if (expression.quote) {
    if (char === '\\') return 1;
    if (char === expression.quote) expression.quote = undefined;
    return 0;
  }
  if (char === "'" || char === '"') expression.quote = char;
  else if (char === '}' && text[at + 1] === '}' && expression.depth === 0) {
    scan.expression = undefined;
    scan.close();
    scan.close();
    return 1;
  } else if (char === '[' || char === '{') {
    expression.depth += 1;
    scan.open(line, at + 1);
  } else if ((char === ']' || char === '}') && expression.depth > 0) {
    expression.depth -= 1;
    scan.close();
  }
  return 0;
}

/** The deepest nesting of `[`, `{` and `${{` in a playbook's source, and where it is first reached. */
export function flowDepth(source: string, stopPast = Number.POSITIVE_INFINITY): FlowDepth {
  const scan = new Scan();
  // While set, lines indented more than this (or blank) are a block scalar's text.
  let blockParentIndent: number | undefined;
  for (const [index, text] of source.split('\n').entries()) {
    const line = index + 1;
    const indent = text.length - text.trimStart().length;
    if (blockParentIndent !== undefined && !scan.expression) {
      if (text.trim() === '' || indent > blockParentIndent) continue;
      blockParentIndent = undefined;
    }
    let quote: string | undefined;
    let previous = '';
    for (let at = 0; at < text.length && scan.deepest.depth <= stopPast; at += 1) {
      const char = text[at] ?? '';
      if (scan.expression) {
        at += readExpression(scan, text, at, line);
        continue;
      }
      if (quote) {
        if (quote === '"' && char === '\\') at += 1;
        else if (char === quote && quote === "'" && text[at + 1] === "'") at += 1;
        else if (char === quote) quote = undefined;
        continue;
      }
      if (char === '#' && (at === 0 || /\s/.test(text[at - 1] ?? ''))) break;
      if ((char === '"' || char === "'") && BEFORE_QUOTED_SCALAR.has(previous)) quote = char;
      else if (char === '$' && text[at + 1] === '{' && text[at + 2] === '{') {
        scan.open(line, at + 2);
        scan.open(line, at + 3);
        scan.expression = { depth: 0 };
        at += 2;
      } else if (char === '[' || char === '{') scan.open(line, at + 1);
      else if (char === ']' || char === '}') scan.close();
      if (!/\s/.test(char)) previous = char;
    }
    if (!quote && !scan.expression && scan.depth === 0 && BLOCK_SCALAR.test(text)) blockParentIndent = indent;
    if (scan.deepest.depth > stopPast) break;
  }
  return scan.deepest;
}

/** Where the brackets first nest deeper than MAX_FLOW_DEPTH, or nothing. */
export function flowTooDeepAt(source: string): SourcePosition | undefined {
  const deepest = flowDepth(source, MAX_FLOW_DEPTH);
  return deepest.depth > MAX_FLOW_DEPTH ? deepest.at : undefined;
}
