/** Durations in playbooks: `500ms`, `30s`, `5m`, `2h`, `1d`, or a combination such as `1h30m`. Sandbox-safe. */

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART = /(\d+)(ms|s|m|h|d)/g;

export function isDuration(text: string): boolean {
  return DURATION.test(text);
}

/** Milliseconds of a duration; throws on text that is not one. */
export function parseDuration(text: string): number {
  if (!isDuration(text)) throw new Error(`"${text}" is not a duration (use e.g. 30s, 5m, 2h, 1d)`);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return total;
}

/** A short human form of milliseconds, e.g. `1h30m`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1_000);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}
