import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../activities/registry';
import { detectionsCommand, hooksCommand, triggersCommand } from '../../cli/commands/detections';
import type { CliContext } from '../../cli/context';
import { loadConfig } from '../../config/config';
import { testActions } from '../support/test-actions';

function context(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const config = loadConfig({
    CORDON_PLAYBOOKS_DIR: 'test/fixtures/detections/playbooks',
    CORDON_INDICATORS: JSON.stringify({ ips: ['203.0.113.66'], domains: ['twilio-okta.com'] }),
    OKTA_EVENT_HOOK_SECRET: 'okta-secret-0123456789',
    ...env,
  });
  const fake: CliContext = {
    config,
    env,
    registry: builtinRegistry.with([...testActions]),
    out: (line = '') => out.push(line),
    err: (line) => err.push(line),
    settings: () => {
      throw new Error('no server in unit tests');
    },
    client: () => Promise.reject(new Error('hooks test must not connect to Temporal')),
    plan: () => Promise.reject(new Error('unused')),
    user: 'tester',
  };
  return { fake, out, err };
}

describe('cordon detections test', () => {
  it('says which playbooks a saved Okta delivery would start, with their inputs, and starts nothing', async () => {
    const { fake, out } = context();
    const code = await detectionsCommand.run(
      { positionals: ['test', 'okta', 'test/fixtures/detections/okta-delivery.json'], values: {} },
      fake,
    );
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('3 event(s) from okta');
    expect(text).toContain('nothing is started');
    expect(text).toContain(
      'would start contain-flagged-account (trigger 1) as cordon/contain-flagged-account/alice@example.com',
    );
    expect(text).toContain('inputs: {"login":"alice@example.com","ip":"203.0.113.66"}');
    expect(text).not.toContain('bob@example.com');
    expect(text.match(/matches no trigger/g)).toHaveLength(2);
    expect(out.at(-1)).toBe('1 run(s) would start or be joined');
  });

  it('reports a second event about the same subject as joining the first one, and refusals with their reasons', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-hooks-cli-'));
    const file = path.join(dir, 'alerts.json');
    await writeFile(
      file,
      JSON.stringify({
        events: [
          { id: 'a1', type: 'impossible_travel', severity: 'high', user: 'dana@example.com' },
          { id: 'a2', type: 'impossible_travel', severity: 'critical', user: 'dana@example.com' },
          { id: 'a3', type: 'impossible_travel', severity: 'high', user: 'nobody' },
        ],
      }),
    );
    const { fake, out } = context({ CORDON_WEBHOOK_SECRETS: JSON.stringify({ siem: 'siem-secret-0123456789' }) });
    await detectionsCommand.run({ positionals: ['test', 'siem', file], values: {} }, fake);
    const text = out.join('\n');
    expect(text).toContain(
      'would start contain-flagged-account (trigger 2) as cordon/contain-flagged-account/dana@example.com',
    );
    expect(text).toContain('would join the run of event a1: contain-flagged-account');
    expect(text).toMatch(/refused by contain-flagged-account \(trigger 2\)[\s\S]*"nobody" is not an e-mail address/);
    expect(out.at(-1)).toBe('1 run(s) would start or be joined, 1 match(es) refused for their inputs');
  });

  it('prints JSON with --json, and notes a source the receiver would refuse', async () => {
    const { fake, out } = context();
    await detectionsCommand.run(
      { positionals: ['test', 'okta', 'test/fixtures/detections/okta-delivery.json'], values: { json: true } },
      fake,
    );
    const rows: unknown = JSON.parse(out.join('\n'));
    expect(rows).toEqual([
      expect.objectContaining({
        eventId: '4f2f9a58-1b2c-11ed-9b6a-0242ac120002',
        wouldStart: [
          {
            playbook: 'contain-flagged-account',
            workflowId: 'cordon/contain-flagged-account/alice@example.com',
            inputs: { login: 'alice@example.com', ip: '203.0.113.66' },
          },
        ],
      }),
      expect.objectContaining({ wouldStart: [] }),
      expect.objectContaining({ wouldStart: [] }),
    ]);
    const plain = context();
    await detectionsCommand.run(
      { positionals: ['test', 'siem', 'test/fixtures/detections/okta-delivery.json'], values: {} },
      plain.fake,
    );
    expect(plain.out.join('\n')).toContain('not configured: add it to CORDON_WEBHOOK_SECRETS');
  });

  it('refuses a missing file or one that is not an event with a usage error', async () => {
    const { fake } = context();
    await expect(
      detectionsCommand.run({ positionals: ['test', 'okta', 'no/such.json'], values: {} }, fake),
    ).rejects.toThrow(/cannot read no\/such.json/);
    await expect(
      detectionsCommand.run(
        { positionals: ['test', 'okta', 'test/fixtures/detections/playbooks/manual-only.yaml'], values: {} },
        fake,
      ),
    ).rejects.toThrow(/is not JSON/);
    await expect(detectionsCommand.run({ positionals: ['replay'], values: {} }, fake)).rejects.toThrow(
      /unknown subcommand/,
    );
  });
});

describe('cordon detections list', () => {
  it('lists each playbook with triggers: source, route, condition, inputs and dedupe', async () => {
    const { fake, out } = context();
    expect(await detectionsCommand.run({ positionals: ['list'], values: {} }, fake)).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('contain-flagged-account v1');
    expect(text).toContain('on okta (POST /hooks/okta)');
    expect(text).toContain('on siem (POST /hooks/webhook/siem)  [not configured: add it to CORDON_WEBHOOK_SECRETS]');
    expect(text).toContain(
      'when:   event.eventType == "user.session.start" && event.client.ipAddress in indicators.ips',
    );
    expect(text).toContain('input login = ${{ event.actor.alternateId }}');
    expect(text).toContain('dedupe: ${{ event.domain }}');
    expect(text).not.toContain('manual-only');
    expect(text).toContain('indicators: ips: 1, domains: 1');
  });
});

describe('the old names of the detections commands', () => {
  it('still work, each with a one-line deprecation note on stderr', async () => {
    const listed = context();
    expect(await triggersCommand.run({ positionals: [], values: {} }, listed.fake)).toBe(0);
    expect(listed.err).toEqual(['cordon triggers is deprecated; use cordon detections list']);
    expect(listed.out.join('\n')).toContain('contain-flagged-account v1');

    const tested = context();
    const file = 'test/fixtures/detections/okta-delivery.json';
    expect(await hooksCommand.run({ positionals: ['test', 'okta', file], values: {} }, tested.fake)).toBe(0);
    expect(tested.err).toEqual(['cordon hooks test is deprecated; use cordon detections test']);
    expect(tested.out.at(-1)).toBe('1 run(s) would start or be joined');
  });

  it('refuse an unknown subcommand, naming the new ones', async () => {
    const { fake } = context();
    await expect(detectionsCommand.run({ positionals: ['show'], values: {} }, fake)).rejects.toThrow(
      /unknown subcommand "show"; try: cordon detections list, cordon detections test SOURCE FILE/,
    );
  });
});
