/**
 * Netcraft's takedown service (Takedown API v1): `POST <base>/api/v1/report/` with a bearer token and form fields
 * (`attack`, `comment`, `type`, `suspected_fraudulent_domain`, `region`, `brand`). It answers in plain text: a status
 * code on the first line (`TD_OK`, `TD_EXISTS`, `TD_WILDCARD`, `TD_VERIFY`) and the takedown id on the second.
 */
import type { TakedownConfig } from '../../../config/takedown';
import { ActionError, FAILURE_TYPES } from '../../errors';
import { httpCall, httpFailure } from '../http';

type NetcraftSettings = NonNullable<TakedownConfig['netcraft']>;

export interface NetcraftReport {
  /** The attack location: the phishing site's URL. */
  attack: string;
  comment: string;
  /** Netcraft's flag that the whole domain, not just a path, is fraudulent: the case of a look-alike domain. */
  wholeDomain: boolean;
}

export interface NetcraftResult {
  /** `exists`: Netcraft already has a takedown for this attack, which is as good as ours for idempotency. */
  outcome: 'created' | 'exists' | 'verifying';
  takedownId?: string;
  code: string;
}

const OUTCOME_OF_CODE: Record<string, NetcraftResult['outcome']> = {
  TD_OK: 'created',
  TD_EXISTS: 'exists',
  TD_WILDCARD: 'exists',
  TD_VERIFY: 'verifying',
};

export interface NetcraftClient {
  report(report: NetcraftReport, signal?: AbortSignal): Promise<NetcraftResult>;
}

export function createNetcraftClient(settings: NetcraftSettings, timeoutMs = 30_000): NetcraftClient {
  return {
    async report(report, signal) {
      const operation = `Netcraft takedown report of ${report.attack}`;
      const form = new URLSearchParams({
        attack: report.attack,
        comment: report.comment,
        type: 'phishing_url',
        suspected_fraudulent_domain: String(report.wholeDomain),
      });
      if (settings.region) form.set('region', settings.region);
      if (settings.brand) form.set('brand', settings.brand);
      const response = await httpCall(
        new URL('api/v1/report/', settings.url.replace(/\/?$/, '/')),
        { method: 'POST', headers: { authorization: `Bearer ${settings.token}` }, body: form },
        { operation, timeoutMs, signal },
      );
      const text = await response.text();
      if (!response.ok) throw httpFailure(operation, response, text);
      const [code = '', id] = text.split(/\r?\n/).map((part) => part.trim());
      const outcome = OUTCOME_OF_CODE[code];
      if (!outcome) {
        // TD_DENIED, TD_ERROR or anything new: Netcraft refused this report; a retry would send the same.
        throw new ActionError(FAILURE_TYPES.conflict, `${operation} was refused: ${text.trim().slice(0, 300)}`);
      }
      return { outcome, code, ...(id ? { takedownId: id } : {}) };
    },
  };
}
