/**
 * How deep a playbook's brackets nest, checked before the YAML parser reads the text. The parser's error recovery
 * costs about 10 µs a bracket in a deeply nested flow collection and reports an error for most of them: a fuzzed 9 KB
 * playbook gave 1,909 YAML errors and took up to 170 ms (issue 15). No playbook needs more than a few levels.
 *
 * The scan reads quoted strings, comments and block scalars (`|`, `>`) as text, as YAML does. It is a guard, not a
 * parser: where it cannot tell (an apostrophe inside a word is not a quote) it counts the bracket, so the worst it does
 * with odd text is to let the parser see it.
 */
import type { SourcePosition } from './source-map';

/** The deepest `[`/`{` nesting a playbook may have; `${{ … }}` uses two. */
export const MAX_FLOW_DEPTH = 64;

/** A block scalar's indicator at the end of a line: `key: |`, `- >-`, `key: |2 # comment`. */
const BLOCK_SCALAR = /(^|\s)[|>][-+0-9]*\s*(#.*)?$/;
/** What may stand before a quote that opens a quoted scalar (elsewhere it is an apostrophe in text). */
const BEFORE_QUOTE = /[\s[{,:-]/;

/** Where the brackets first nest deeper than MAX_FLOW_DEPTH (1-based), or nothing. */
export function flowTooDeepAt(source: string): SourcePosition | undefined {
  let depth = 0;
  let quote: '"' | "'" | undefined;
  // While set, lines indented more than this (or blank) are a block scalar's text.
  let blockParentIndent: number | undefined;
  const lines = source.split('\n');
  for (const [index, line] of lines.entries()) {
    const indent = line.length - line.trimStart().length;
    if (blockParentIndent !== undefined) {
      if (line.trim() === '' || indent > blockParentIndent) continue;
      blockParentIndent = undefined;
    }
    for (let at = 0; at < line.length; at += 1) {
      const char = line[at];
      if (quote) {
        if (quote === '"' && char === '\\') at += 1;
        else if (char === quote && quote === "'" && line[at + 1] === "'") at += 1;
        else if (char === quote) quote = undefined;
        continue;
      }
      if (char === '#' && (at === 0 || /\s/.test(line[at - 1] ?? ''))) break;
      if ((char === '"' || char === "'") && (at === 0 || BEFORE_QUOTE.test(line[at - 1] ?? ''))) quote = char;
      else if (char === '[' || char === '{') {
        depth += 1;
        if (depth > MAX_FLOW_DEPTH) return { line: index + 1, column: at + 1 };
      } else if ((char === ']' || char === '}') && depth > 0) depth -= 1;
    }
    if (!quote && depth === 0 && BLOCK_SCALAR.test(line)) blockParentIndent = indent;
  }
  return undefined;
}
