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
import { cordon } from '../support/cli';

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

/** What `cordon test` printed for one test file: from its header line to the next file's. */
function sectionOf(stdout: string, file: string): string {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => line === file || line.startsWith(`${file} (`));
  if (start < 0) return '';
  const end = lines.findIndex((line, index) => index > start && !line.startsWith(' '));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/**
 * Each shipped playbook broken three ways: a missing `needs`, a wrong input, an approval that no longer covers a step.
 * A breakage the loader or the linter catches is reported with its line and column before any case runs; one that
 * only a run shows is reported as a diff of the case that catches it.
 */
const BREAKAGES = [
  {
    playbook: 'demo-containment',
    what: 'a missing `needs`: the report goes out before the suspension is approved',
    from: '    action: core.log\n    needs: [suspend]\n',
    to: '    action: core.log\n',
    says: ['statuses: (- expected, + actual)', '- takedown: skipped', '+ takedown: succeeded', '+ [takedown, triage]'],
  },
  {
    playbook: 'demo-containment',
    what: 'a wrong input: the report names the account instead of the domain',
    from: 'Requesting takedown of ${{ inputs.phishingDomain }}',
    to: 'Requesting takedown of ${{ inputs.login }}',
    says: [
      'inputs.takedown: (- expected, + actual)',
      '- message: "Requesting takedown of twilio-okta.com"',
      '+ message: "Requesting takedown of alice@example.com"',
    ],
  },
  {
    playbook: 'demo-containment',
    what: 'an approval that no longer covers a step: the suspension runs unapproved',
    from: '    approval:\n      approvers: { groups: [secops-oncall] }\n      timeout: 30m\n      onTimeout: reject\n      show:\n        account: "${{ inputs.login }}"\n        signedInFrom: "${{ inputs.attackerIp }}"\n',
    to: '',
    says: ['demo-containment.test.yaml:', 'step "suspend" has no approval gate'],
  },
  {
    playbook: 'demo-takedown',
    what: 'a missing `needs`: the monitor would follow a report that may not exist',
    from: '    needs: [takedown]\n',
    to: '',
    says: ['demo-takedown.yaml:', 'step "monitor"', 'steps.takedown is read, but "takedown" is not among'],
  },
  {
    playbook: 'demo-takedown',
    what: 'a wrong input: the report says the site imitates another brand',
    from: 'impersonates: Okta',
    to: 'impersonates: Twilio',
    says: ['inputs.takedown: (- expected, + actual)', '- impersonates: "Okta"', '+ impersonates: "Twilio"'],
  },
  {
    playbook: 'demo-takedown',
    what: 'an approval that no longer covers a step: the report would go out unapproved',
    from: '    approval:\n      approvers: { groups: [secops-oncall] }\n      timeout: 10m\n      show:\n        recipients: "${{ steps.contacts.output.recipients.map(r, r.to) }}"\n',
    to: '',
    says: ['demo-takedown.yaml:', 'step "takedown": takedown.request is destructive and needs an approval gate'],
  },
  {
    playbook: 'okta-account-compromise',
    what: 'a gate that waits for the step it covers: the lock-down would never be asked for',
    from: '    needs: [user]\n    # The snapshot',
    to: '    needs: [user, suspend]\n    # The snapshot',
    says: ['okta-account-compromise.yaml:', 'step "suspend" cannot be covered by "factors", which needs it'],
  },
  {
    playbook: 'okta-account-compromise',
    what: 'a wrong input: sessions no longer revokes the OAuth tokens',
    from: 'oauthTokens: true }',
    to: 'oauthTokens: false }',
    says: ['inputs.sessions: (- expected, + actual)', '- oauthTokens: true', '+ oauthTokens: false'],
  },
  {
    playbook: 'okta-account-compromise',
    what: 'an approval that no longer covers a step: the password reset would run unapproved',
    from: 'covers: [suspend, password]',
    to: 'covers: [suspend]',
    says: ['okta-account-compromise.yaml:', 'step "password": okta.reset_password is destructive'],
  },
  {
    playbook: 'okta-phishing-campaign',
    what: "a missing `needs`: the MFA reset would not wait for the account's snapshot",
    from: 'needs: [snapshot]',
    to: 'needs: [search]',
    says: [
      '✗ an account whose snapshot cannot be kept keeps its factors',
      '- factors: failed',
      '+ resetFactors alice@example.com',
      '+ resetFactors bob@example.com',
    ],
  },
  {
    playbook: 'okta-phishing-campaign',
    what: 'a wrong input: the attacker is blocked in another zone',
    from: 'with: { zone: BlockedIpZone,',
    to: 'with: { zone: Corporate VPN,',
    says: ['inputs.block: (- expected, + actual)', '- zone: "BlockedIpZone"', '+ zone: "Corporate VPN"'],
  },
  {
    playbook: 'okta-phishing-campaign',
    what: 'an approval that no longer covers a step: the MFA reset would run unapproved',
    from: '      covers: [factors]\n',
    to: '',
    says: ['okta-phishing-campaign.yaml:', 'step "factors": okta.reset_factors is destructive'],
  },
  {
    playbook: 'phishing-domain-takedown',
    what: 'a missing `needs`: the report would not wait for the contacts found',
    from: '    needs: [contacts]\n',
    to: '',
    says: ['phishing-domain-takedown.yaml:', 'step "takedown"', 'steps.contacts is read, but "contacts" is not among'],
  },
  {
    playbook: 'phishing-domain-takedown',
    what: 'a wrong input: the report says the site imitates something else',
    from: 'impersonates: ${{ inputs.impersonates }}',
    to: 'impersonates: ${{ inputs.comment }}',
    says: [
      'inputs.takedown: (- expected, + actual)',
      '- [0].impersonates: "Okta"',
      '+ [0].impersonates: "SMS lure sent to staff"',
      // The case on the local stand-ins sees it in the e-mails the registrar and the host got.
      'mail (e-mails the local SMTP server accepted): (- expected, + actual)',
      '+ abuse@registrar.example: Phishing report: twilio-okta.com (impersonating SMS lure sent to staff)',
    ],
  },
  {
    playbook: 'phishing-domain-takedown',
    what: 'an approval that no longer covers a step: the attacker would be blocked unapproved',
    from: '    approval:\n      approvers: { groups: [secops-oncall] }\n      timeout: 1h\n      onTimeout: reject\n      show:\n        addresses: ${{ inputs.attackerIps }}\n',
    to: '',
    says: ['phishing-domain-takedown.yaml:', 'step "block": okta.block_ips is destructive'],
  },
] as const;

describe('cordon test on broken copies of the shipped playbooks', () => {
  it('fails on each (a missing needs, a wrong input, an uncovered step), exits 1, and says why', async () => {
    const files = BREAKAGES.map((breakage) => brokenCopy(breakage.playbook, breakage.from, breakage.to));
    const result = await cordon(['test', ...files], {}, 280_000);
    expect(result.code, result.stderr).toBe(1);
    for (const [index, breakage] of BREAKAGES.entries()) {
      const section = sectionOf(result.stdout, files[index] ?? '');
      expect(section, `${breakage.what}: no report of ${files[index]}\n${result.stdout}`).toContain('✗');
      for (const line of breakage.says) expect(section, breakage.what).toContain(line);
    }
    // Every shipped playbook is broken in each of the three ways.
    const playbooks = readdirSync(PLAYBOOKS).filter((name) => /\.yaml$/.test(name) && !name.endsWith('.test.yaml'));
    expect(BREAKAGES.length).toBe(playbooks.length * 3);
  }, 300_000);
});
