/**
 * CLI decisions are signed by the approver's own Ed25519 key over a canonical payload that names the run, the step,
 * the decision, the inputs hash, the reason, when it was made and a nonce. Replaying it to another run or step, or
 * after the inputs changed, breaks the signature; the worker refuses a nonce it has seen and a stale `issuedAt`.
 */
import { createHash, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../dsl/canonical-json';

/** What a CLI decision's signature covers. */
export interface SignedDecisionPayload {
  workflowId: string;
  stepId: string;
  decision: 'approve' | 'reject';
  inputsHash: string;
  reason: string | null;
  issuedAt: string;
  nonce: string;
}

/** Domain separation: a signature over a decision is never a valid signature over anything else. */
const CONTEXT = 'cordon-decision-v1\n';

function message(payload: SignedDecisionPayload): Buffer {
  return Buffer.from(CONTEXT + canonicalJson(payload), 'utf8');
}

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** Base64 signature of the payload. */
export function signDecision(privateKey: KeyObject, payload: SignedDecisionPayload): string {
  return sign(null, message(payload), privateKey).toString('base64');
}

/** A public key as the directory holds it: `ed25519:` and the 32 raw bytes in base64. */
export function publicKeyText(key: KeyObject): string {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return `ed25519:${Buffer.from(jwk.x, 'base64url').toString('base64')}`;
}

/** A short, stable name of a public key for messages and the audit: `SHA256:` and 16 hex digits. */
export function keyFingerprint(publicKey: string): string {
  return `SHA256:${createHash('sha256').update(publicKey).digest('hex').slice(0, 16)}`;
}

function publicKeyObject(publicKey: string): KeyObject | undefined {
  const raw = /^ed25519:([A-Za-z0-9+/]{43}=)$/.exec(publicKey)?.[1];
  if (!raw) return undefined;
  try {
    return createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw, 'base64').toString('base64url') },
      format: 'jwk',
    });
  } catch {
    return undefined;
  }
}

/** Whether `signature` is `publicKey`'s signature of the payload. False for anything malformed. */
export function verifyDecisionSignature(publicKey: string, payload: SignedDecisionPayload, signature: string): boolean {
  const key = publicKeyObject(publicKey);
  if (!key || !/^[A-Za-z0-9+/]+=*$/.test(signature)) return false;
  try {
    return verify(null, message(payload), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
