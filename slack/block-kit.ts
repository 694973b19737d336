/** The Block Kit pieces of every cordon message: the message, and section and context blocks within Slack's limits. */
import type { types } from '@slack/bolt';
import { truncate } from '../runs/brief';

export type Block = types.KnownBlock;

export interface SlackMessage {
  /** The notification and screen-reader text. */
  text: string;
  blocks: Block[];
}

export function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } };
}

export function context(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }] };
}
