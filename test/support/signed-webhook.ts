/** What a SIEM adds to the detection webhooks it POSTs: cordon's signature headers over the body. */
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, webhookSignature } from '../../detections/signed-webhook';

/** Headers for a signed request, signed at `now`. */
export function signedWebhookHeaders(secret: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000));
  return {
    'content-type': 'application/json',
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: `v1=${webhookSignature(secret, timestamp, body)}`,
  };
}
