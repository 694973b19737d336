/**
 * Cloudflare's abuse reports API: `POST <base>/accounts/{account_id}/abuse-reports/abuse_phishing` with a bearer token
 * and a JSON body (`act`, `email`, `email2`, `name`, `urls`, `justification`, `host_notification`,
 * `owner_notification`). It answers with the v4 envelope `{ success, errors, messages, result }`.
 */
import { z } from 'zod';
import type { TakedownConfig } from '../../../config/takedown';
import { ActionError, FAILURE_TYPES } from '../../errors';
import { httpCall, httpFailure } from '../http';

type CloudflareSettings = NonNullable<TakedownConfig['cloudflare']>;

/** Cloudflare's limit on `justification`. */
export const CLOUDFLARE_JUSTIFICATION_LIMIT = 5_000;

export interface CloudflareReport {
  /** The phishing URLs, all of one host name. */
  urls: string[];
  justification: string;
  reporter: { name: string; email: string };
}

const envelopeSchema = z.object({
  success: z.boolean(),
  errors: z.array(z.object({ code: z.number().optional(), message: z.string() })).default([]),
  result: z.unknown().optional(),
  abuse_rand: z.string().optional(),
});

export interface CloudflareClient {
  report(report: CloudflareReport, signal?: AbortSignal): Promise<{ reference?: string }>;
}

export function createCloudflareClient(settings: CloudflareSettings, timeoutMs = 30_000): CloudflareClient {
  return {
    async report(report, signal) {
      const operation = `Cloudflare abuse report of ${report.urls.join(' ')}`;
      const url = new URL(
        `accounts/${encodeURIComponent(settings.accountId)}/abuse-reports/abuse_phishing`,
        settings.url.replace(/\/?$/, '/'),
      );
      const body = {
        act: 'abuse_phishing',
        email: report.reporter.email,
        email2: report.reporter.email,
        name: report.reporter.name,
        urls: report.urls.join('\n'),
        justification: report.justification,
        // Both the host and the site owner hear of it, naming us: an abuse desk may want to ask us questions.
        host_notification: 'send',
        owner_notification: 'send',
      };
      const response = await httpCall(
        url,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${settings.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
        { operation, timeoutMs, signal },
      );
      const text = await response.text();
      if (!response.ok) throw httpFailure(operation, response, text);
      let envelope: z.output<typeof envelopeSchema>;
      try {
        envelope = envelopeSchema.parse(JSON.parse(text));
      } catch {
        throw new ActionError(
          FAILURE_TYPES.unavailable,
          `${operation} returned an unexpected answer: ${text.slice(0, 300)}`,
        );
      }
      if (!envelope.success) {
        const reasons = envelope.errors.map((error) => error.message).join('; ');
        throw new ActionError(FAILURE_TYPES.conflict, `${operation} was refused: ${reasons || 'no reason given'}`);
      }
      // `result` is just the word "success"; the report's id, when Cloudflare sends one, is `abuse_rand`.
      return envelope.abuse_rand ? { reference: envelope.abuse_rand } : {};
    },
  };
}
