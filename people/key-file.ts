/**
 * The approver's own decision key: an Ed25519 private key in a PKCS#8 PEM file, readable only by its owner, under the
 * user's config folder (`cordon keys init` makes it). Its public key goes into the people directory.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { publicKeyText } from './decision-signature';

/** Thrown when the key file is missing, unreadable, not an Ed25519 private key, or readable by others. */
export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
}

export interface DecisionKey {
  privateKey: KeyObject;
  /** `ed25519:…`, as the directory holds it. */
  publicKey: string;
  file: string;
}

/** Creates a new key file; refuses to overwrite one. */
export function createKeyFile(file: string): DecisionKey {
  if (existsSync(file)) {
    throw new KeyFileError(`${file} already exists; cordon keys show prints its public key`);
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { privateKey, publicKey: publicKeyText(privateKey), file };
}

export function loadKeyFile(file: string): DecisionKey {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new KeyFileError(
      `cannot read the decision key ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); make one with cordon keys init`,
    );
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new KeyFileError(`${file} is readable by others; chmod 600 it (it signs approvals in your name)`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new KeyFileError(`${file} is not a private key: ${(error as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new KeyFileError(`${file} is a ${privateKey.asymmetricKeyType ?? 'unknown'} key; cordon signs with Ed25519`);
  }
  return { privateKey, publicKey: publicKeyText(privateKey), file };
}
