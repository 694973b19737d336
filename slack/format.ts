/**
 * Slack mrkdwn helpers. Every value that came from outside (inputs, shown values, error messages, detection payloads) is
 * escaped, so a crafted input cannot ping `@channel`, forge a link, or break out of a code block.
 */
import { brief, truncate } from '../runs/brief';

/** Escapes the three characters Slack gives meaning to in mrkdwn. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack user ids (U…, W…) become mentions; any other identity (a CLI user, `detection:okta`) is shown as text. */
export function mention(identity: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(identity) ? `<@${identity}>` : `*${escapeMrkdwn(identity)}*`;
}

export function mentions(identities: readonly string[], limit = 12): string {
  if (identities.length === 0) return '_nobody_';
  const shown = identities.slice(0, limit).map(mention).join(', ');
  return identities.length > limit ? `${shown} and ${identities.length - limit} more` : shown;
}

/** A time that each reader sees in their own time zone, with the ISO text as fallback. */
export function slackDate(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  if (!Number.isFinite(seconds)) return escapeMrkdwn(iso);
  return `<!date^${seconds}^{date_short_pretty} {time_secs}|${iso}>`;
}

/** Inline code; backticks inside are replaced, since mrkdwn has no escape for them. */
export function code(text: string): string {
  return `\`${escapeMrkdwn(text.replace(/`/g, "'"))}\``;
}

/** A value as a code block, JSON-formatted, cut to fit a block's text limit. */
export function codeBlock(value: unknown, max = 2800): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? '');
  // Escape first, then cut, so the block's closing fence always fits in the block's text.
  return `\`\`\`${truncate(escapeMrkdwn(text).replace(/```/g, '`\u200b``'), max)}\`\`\``;
}

/** A short one-line rendering of a value for lists, escaped for mrkdwn. */
export function briefMrkdwn(value: unknown, max = 200): string {
  return escapeMrkdwn(brief(value, max));
}

/** Plain text (headers, button labels) has no markup, only a length limit. */
export function plain(text: string, max: number): { type: 'plain_text'; text: string; emoji: true } {
  return { type: 'plain_text', text: truncate(text, max) || ' ', emoji: true };
}
