/**
 * The payload codec: what the server stores holds no login in clear (payloads encrypted, ids and search attributes
 * pseudonymised), while the audit and the replay, which read through the codec, see the run as it was; and keys
 * rotate by id.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAudit, fetchRunHistory, replayHistories, replayLine } from '../../audit';
import { dataConverterFor } from '../../codec/data-converter';
import type { CodecKeys } from '../../codec/aes-gcm-codec';
import { startHarness, type Harness } from '../support/harness';
import { storedText } from '../support/raw-text';

const LOGIN = 'carol.secret@example.com';
const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const firstKeys: CodecKeys = { keys: new Map([['2026-05', oldKey]]), activeKeyId: '2026-05' };
const rotatedKeys: CodecKeys = {
  keys: new Map([
    ['2026-11', newKey],
    ['2026-05', oldKey],
  ]),
  activeKeyId: '2026-11',
};

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ dataConverter: dataConverterFor(firstKeys) });
});
afterAll(async () => harness?.shutdown());

async function clientWith(keys: CodecKeys): Promise<Client> {
  const connection = await Connection.connect({ address: harness.address });
  return new Client({ connection, namespace: harness.namespace, dataConverter: dataConverterFor(keys) });
}

const PLAYBOOK = `
id: codec-run
title: Contain through the codec
inputs:
  login: { type: email }
subject: "\${{ inputs.login }}"
dedupe: "\${{ inputs.login }}"
steps:
  - id: suspend
    action: test.mark
    with: { target: "\${{ inputs.login }}" }
`;

describe('the payload codec', () => {
  it('keeps every login out of what the server stores, and the audit and replay read the run through it', async () => {
    const plan = harness.plan(PLAYBOOK);
    const { handle, workflowId } = await harness.start(plan, { login: LOGIN }, { incidentId: 'INC-9' });
    const result = await handle.result();
    expect(result.status).toBe('succeeded');
    // The worker saw the login in clear: it acted on it.
    expect(harness.ledger().some((entry) => entry.target === LOGIN)).toBe(true);

    const stored = await storedText(harness.client, harness.namespace, workflowId);
    expect(stored).not.toContain('carol.secret');
    expect(stored).toContain('binary/encrypted');
    expect(workflowId).toMatch(/^cordon\/codec-run\/~[0-9a-f]{24}$/);

    const audit = buildAudit(await fetchRunHistory(harness.client, workflowId));
    expect(audit.run.subject).toBe(LOGIN);
    expect(audit.run.inputs).toEqual({ login: LOGIN });
    expect(audit.steps.find((step) => step.id === 'suspend')).toMatchObject({ status: 'succeeded' });

    const outcomes = await replayHistories(
      [{ label: workflowId, workflowId, history: (await fetchRunHistory(harness.client, workflowId)).history }],
      { workflowBundle: { code: await readFile(harness.bundlePath, 'utf8') } },
    );
    expect(outcomes.map(replayLine).join('\n')).not.toContain('✗');
  });

  it('reads runs encrypted with a retired key after rotation, and names the key it lacks', async () => {
    const plan = harness.plan(PLAYBOOK);
    const { handle, workflowId } = await harness.start(plan, { login: 'dave@example.com' });
    await handle.result();

    const rotated = await clientWith(rotatedKeys);
    expect(buildAudit(await fetchRunHistory(rotated, workflowId)).run.subject).toBe('dave@example.com');

    const newKeyOnly = await clientWith({ keys: new Map([['2026-11', newKey]]), activeKeyId: '2026-11' });
    await expect(fetchRunHistory(newKeyOnly, workflowId)).rejects.toThrow(
      /cannot decrypt a payload encrypted with key "2026-05": it is not in CORDON_CODEC_KEYS \(known: 2026-11\)/,
    );
    await rotated.connection.close();
    await newKeyOnly.connection.close();
  });
});
