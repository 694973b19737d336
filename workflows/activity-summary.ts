/**
 * The one-line summary each action's activity carries (Temporal's user metadata), so a responder who opens a run in
 * the Temporal Web UI reads "suspend bob@example.com (okta.suspend_user)" instead of decoding the input payload.
 * Sandbox-safe: called by workflow code when it schedules an activity.
 */

/** The Web UI shows one line; longer values are cut with an ellipsis. */
const MAX_TARGET = 80;
/** Fields of an object input that name what an action acts on, in the order they are preferred. */
const TARGET_FIELDS = ['login', 'email', 'domain', 'userId', 'url', 'id'] as const;

/**
 * `<step> <target> (<action>)`: the step (with its item index), what it acts on, and the action. The target is the
 * `forEach` item when it is a plain value, else the run's subject, else a naming field of the input; none is left out.
 */
export function activitySummary(
  label: string,
  action: string,
  target: { item?: unknown; subject?: string; input?: unknown },
): string {
  const named = targetOf(target);
  return `${label}${named ? ` ${named}` : ''} (${action})`;
}

function targetOf({ item, subject, input }: { item?: unknown; subject?: string; input?: unknown }): string | undefined {
  const text = plain(item) ?? (subject || undefined) ?? namingField(item) ?? namingField(input);
  return text === undefined ? undefined : shorten(text);
}

function plain(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function namingField(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (const field of TARGET_FIELDS) {
    const found = plain(Object.entries(value).find(([key]) => key === field)?.[1]);
    if (found !== undefined) return found;
  }
  return undefined;
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= MAX_TARGET ? line : `${line.slice(0, MAX_TARGET - 1)}…`;
}
