/**
 * `cordon test`'s runner on the shared dev server: the shipped playbook tests pass, and each fails, saying why as a
 * diff or with the line and column, on a deliberately broken copy of its playbook.
 */
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { builtinRegistry } from '../../activities/registry';
import { prepareTestFiles, reportLines, runTestFiles } from '../../playbook-tests/run-tests';
import type { CaseEnvironment } from '../../playbook-tests/run-case';
import { installRuntimeLogger } from '../../temporal/logger';

const PLAYBOOKS = path.resolve('playbooks');

let connection: Connection;
let env: CaseEnvironment;

beforeAll(async () => {
  installRuntimeLogger('ERROR');
  const address = inject('temporalAddress');
  const namespace = inject('temporalNamespace');
  connection = await Connection.connect({ address });
  env = {
    client: new Client({ connection, namespace }),
    address,
    namespace,
    bundle: { code: await readFile(inject('workflowBundlePath'), 'utf8') },
    registry: builtinRegistry,
  };
});

afterAll(async () => {
  await connection?.close();
});

/** A copy of a playbook and its tests in a folder of their own, with `from` replaced by `to` in the playbook. */
function brokenCopy(playbook: string, from: string, to: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cordon-broken-'));
  const source = readFileSync(path.join(PLAYBOOKS, `${playbook}.yaml`), 'utf8');
  if (!source.includes(from)) throw new Error(`${playbook}.yaml does not contain ${JSON.stringify(from)}`);
  writeFileSync(path.join(dir, `${playbook}.yaml`), source.replace(from, to));
  copyFileSync(path.join(PLAYBOOKS, `${playbook}.test.yaml`), path.join(dir, `${playbook}.test.yaml`));
  return path.join(dir, `${playbook}.test.yaml`);
}

describe('cordon test on the shipped playbooks', () => {
  it('passes every case of every shipped playbook test, and every shipped playbook has one', async () => {
    const playbooks = readdirSync(PLAYBOOKS).filter((name) => /\.yaml$/.test(name) && !name.endsWith('.test.yaml'));
    const files = playbooks.map((name) => path.join(PLAYBOOKS, name.replace(/\.yaml$/, '.test.yaml')));
    const report = await runTestFiles(env, prepareTestFiles(files, builtinRegistry));
    expect(report.failed, reportLines(report).join('\n')).toBe(0);
    expect(report.files.every((file) => file.cases.length >= 2)).toBe(true);
  }, 300_000);
});

describe('cordon test on broken copies of the shipped playbooks', () => {
  const breakages = [
    {
      what: 'a missing `needs`: the report goes out before the suspension is approved',
      file: () =>
        brokenCopy('demo-containment', '    action: core.log\n    needs: [suspend]\n', '    action: core.log\n'),
      says: [
        'statuses: (- expected, + actual)',
        '- takedown: skipped',
        '+ takedown: succeeded',
        '+ [takedown, triage]',
      ],
    },
    {
      what: 'a wrong input: sessions no longer revokes the OAuth tokens',
      file: () => brokenCopy('okta-account-compromise', 'oauthTokens: true }', 'oauthTokens: false }'),
      says: ['inputs.sessions: (- expected, + actual)', '- oauthTokens: true', '+ oauthTokens: false'],
    },
    {
      what: 'an approval that no longer covers a step: the password reset would run unapproved',
      file: () => brokenCopy('okta-account-compromise', 'covers: [suspend, password]', 'covers: [suspend]'),
      says: ['okta-account-compromise.yaml:', 'password'],
    },
    {
      what: 'a wrong input: the attacker is blocked in another zone',
      file: () => brokenCopy('okta-phishing-campaign', 'with: { zone: BlockedIpZone,', 'with: { zone: Corporate VPN,'),
      says: ['inputs.block: (- expected, + actual)', '- zone: "BlockedIpZone"', '+ zone: "Corporate VPN"'],
    },
    {
      what: 'a wrong input: the report says the site imitates something else',
      file: () =>
        brokenCopy(
          'phishing-domain-takedown',
          'impersonates: ${{ inputs.impersonates }}',
          'impersonates: ${{ inputs.comment }}',
        ),
      says: [
        'inputs.takedown: (- expected, + actual)',
        '- [0].impersonates: "Okta"',
        '+ [0].impersonates: "SMS lure sent to staff"',
      ],
    },
    {
      what: 'a missing `needs`: the monitor would follow a report that may not exist',
      file: () =>
        brokenCopy(
          'demo-takedown',
          '    needs: [takedown]\n    with:\n      domain: ${{ steps.takedown',
          '    with:\n      domain: ${{ steps.takedown',
        ),
      says: ['demo-takedown.yaml:', 'monitor'],
    },
  ];

  it('fails on each, with a readable diff or the line and column of what broke', async () => {
    const files = breakages.map((breakage) => breakage.file());
    const report = await runTestFiles(env, prepareTestFiles(files, builtinRegistry));
    for (const [index, breakage] of breakages.entries()) {
      const fileReport = report.files[index];
      const failed = (fileReport?.issues.length ?? 0) > 0 || fileReport?.cases.some((test) => !test.passed);
      const text = reportLines({ files: fileReport ? [fileReport] : [], passed: 0, failed: 0 }).join('\n');
      expect(failed, `${breakage.what}:\n${text}`).toBe(true);
      for (const line of breakage.says) expect(text, breakage.what).toContain(line);
    }
  }, 300_000);
});
