/** Values in short lines, the same way in the terminal, the audit and Slack. */

/** A value as one line of text: a string as it is, anything else as JSON (so `null` reads `null`). */
export function oneLine(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

/** The text cut to `max` characters, the last of them `…` when anything was cut. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A value in a short line for step lines and lists; nothing when there is no value. */
export function brief(value: unknown, max: number): string {
  return value === undefined || value === null ? '' : truncate(oneLine(value), max);
}
