import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config';
import { publicKeyText, signDecision, verifyDecisionSignature } from '../../people/decision-signature';
import { DirectoryError, loadDirectory, parseDirectory } from '../../people/directory';
import { createKeyFile, KeyFileError, loadKeyFile } from '../../people/key-file';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cordon-people-'));

describe('the people directory', () => {
  it('names one person by any of their identities, case-insensitively', () => {
    const people = parseDirectory(
      { people: [{ id: 'bob', slack: 'U0BOB', okta: 'Bob@Example.com', emails: ['robert@example.com'] }] },
      'inline',
    );
    for (const identity of ['bob', 'u0bob', 'U0BOB', 'bob@example.com', 'ROBERT@example.com']) {
      expect(people.byIdentity(identity)?.id).toBe('bob');
    }
    expect(people.byIdentity('alice')).toBeUndefined();
  });

  it('refuses one identity for two people, naming the file and the entry', () => {
    expect(() =>
      parseDirectory(
        {
          people: [
            { id: 'bob', okta: 'bob@example.com' },
            { id: 'rob', emails: ['bob@example.com'] },
          ],
        },
        'people.yaml',
      ),
    ).toThrow(/people\.yaml: people\[1\]: "bob@example\.com" already names person "bob"/);
  });

  it('says what and where for a bad field, an unknown field, a missing or broken file', () => {
    expect(() => parseDirectory({ people: [{ id: 'bob', slack: 'bob' }] }, 'p.yaml')).toThrow(
      /p\.yaml: people\[0\]\.slack: must be a Slack user id/,
    );
    expect(() => parseDirectory({ people: [{ id: 'bob', keys: ['ssh-ed25519 AAAA'] }] }, 'p.yaml')).toThrow(
      /people\[0\]\.keys\[0\]: must be an Ed25519 public key/,
    );
    expect(() => parseDirectory({ groups: { oncall: { handle: 'oncall' } } }, 'p.yaml')).toThrow(/groups\.oncall/);
    expect(() => loadDirectory(path.join(dir, 'missing.yaml'))).toThrow(DirectoryError);
    const broken = path.join(dir, 'broken.yaml');
    writeFileSync(broken, 'people: [\n');
    expect(() => loadDirectory(broken)).toThrow(/broken\.yaml is not valid YAML/);
    expect(() => loadConfig({ CORDON_DIRECTORY: broken }, dir)).toThrow(ConfigError);
  });

  it('is read once by the configuration from CORDON_DIRECTORY', () => {
    const file = path.join(dir, 'people.yaml');
    writeFileSync(file, 'people:\n  - id: alice\n    slack: U0ALICE\ngroups:\n  oncall: { slackGroup: S0ONCALL }\n');
    const config = loadConfig({ CORDON_DIRECTORY: file, CORDON_KEY_FILE: 'k.pem' }, dir);
    expect(config.people.directory.byIdentity('U0ALICE')?.id).toBe('alice');
    expect(config.people.directory.groups).toEqual({ oncall: { slackGroup: 'S0ONCALL' } });
    expect(config.people.keyFile).toBe(path.join(dir, 'k.pem'));
  });
});

describe('decision keys and signatures', () => {
  it('sign exactly the run, step, decision, hash, reason, time and nonce', () => {
    const key = createKeyFile(path.join(dir, 'keys', 'me.pem'));
    const loaded = loadKeyFile(key.file);
    expect(loaded.publicKey).toBe(key.publicKey);
    expect(publicKeyText(loaded.privateKey)).toBe(key.publicKey);
    const payload = {
      workflowId: 'cordon/x/y',
      stepId: 'suspend',
      decision: 'approve' as const,
      inputsHash: 'a'.repeat(64),
      reason: null,
      issuedAt: '2026-11-29T10:00:00.000Z',
      nonce: '00',
    };
    const signature = signDecision(loaded.privateKey, payload);
    expect(verifyDecisionSignature(key.publicKey, payload, signature)).toBe(true);
    for (const changed of [
      { workflowId: 'cordon/x/z' },
      { stepId: 'other' },
      { decision: 'reject' as const },
      { reason: 'x' },
    ]) {
      expect(verifyDecisionSignature(key.publicKey, { ...payload, ...changed }, signature)).toBe(false);
    }
    expect(verifyDecisionSignature(key.publicKey, payload, 'not base64!')).toBe(false);
  });

  it('refuse to overwrite a key, and a key file others can read', () => {
    const file = path.join(dir, 'keys', 'twice.pem');
    createKeyFile(file);
    expect(() => createKeyFile(file)).toThrow(/already exists/);
    chmodSync(file, 0o644);
    expect(() => loadKeyFile(file)).toThrow(KeyFileError);
    expect(() => loadKeyFile(path.join(dir, 'none.pem'))).toThrow(/cordon keys init/);
  });
});
