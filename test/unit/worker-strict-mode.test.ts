import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';
import { sourceHash } from '../../dsl';
import { knownPlaybooks } from '../../worker';

describe('strict mode', () => {
  it('is off unless CORDON_STRICT_PLAYBOOKS says so', () => {
    expect(loadConfig({}).strictPlaybooks).toBe(false);
    expect(loadConfig({ CORDON_STRICT_PLAYBOOKS: 'true' }).strictPlaybooks).toBe(true);
    expect(() => loadConfig({ CORDON_STRICT_PLAYBOOKS: 'maybe' })).toThrow(/strictPlaybooks/);
  });

  it('knows the playbooks of a folder by the sha256 of their source', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cordon-strict-'));
    writeFileSync(path.join(dir, 'a.yaml'), 'id: a\n');
    writeFileSync(path.join(dir, 'b.yml'), 'id: b\n');
    writeFileSync(path.join(dir, 'notes.txt'), 'not a playbook');
    expect(knownPlaybooks(dir)).toEqual(new Set([sourceHash('id: a\n'), sourceHash('id: b\n')]));
  });

  it('refuses to start with no playbook to run, naming the folder', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'cordon-strict-empty-'));
    expect(() => knownPlaybooks(empty)).toThrow(`strict mode: no playbook (*.yaml) in ${empty}`);
    expect(() => knownPlaybooks(path.join(empty, 'missing'))).toThrow(/cannot read the playbooks folder/);
  });
});
