/**
 * `cordon plan` on the demo org: the reads run for real against the local Okta, nothing is changed, and the writes it
 * lists are exactly those the real run of the same playbook then makes, compared at the local Okta's change log.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asEffectMap,
  asHandlerMap,
  createBuiltinEffects,
  createBuiltinHandlers,
} from '../../activities/builtin-handlers';
import { createOktaClient } from '../../activities/okta/client';
import { createOktaEffects, createOktaHandlers } from '../../activities/okta/handlers';
import { builtinRegistry } from '../../activities/registry';
import { oktaConfigSchema } from '../../config/okta';
import { buildAudit, fetchRunHistory, renderText } from '../../audit';
import { validateRunInputs } from '../../dsl';
import { hashValue } from '../../dsl/canonical-json';
import { DecisionRefusedError } from '../../runs/decide';
import { planEffects, type EffectPlan } from '../../dry-run/effect-plan';
import { renderPlan } from '../../dry-run/render-plan';
import { createTakedownHandlers } from '../../activities/takedown/handlers';
import { DEMO_INDICATORS, startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';
import { startTakedownStandIns, type TakedownStandIns } from '../../stand-ins/takedown';
import { startHarness, type Harness } from '../support/harness';
import { cordon } from '../support/cli';
import { approveWhenAsked, decide } from '../support/people';
import { pendingApproval } from '../support/wait';

const playbooks = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'playbooks');

let okta: OktaStandIn;
let harness: Harness;
let client: ReturnType<typeof createOktaClient>;
let takedown: TakedownStandIns;

async function plan(name: string) {
  const file = path.join(playbooks, name);
  return harness.plan(await readFile(file, 'utf8'), file);
}

async function dryRun(name: string, raw: Record<string, unknown>): Promise<EffectPlan> {
  const compiled = await plan(name);
  const clients = { okta: client, takedown: { config: takedown.config } };
  return planEffects(compiled, validateRunInputs(compiled, raw), {
    registry: builtinRegistry,
    handlers: createBuiltinHandlers(clients),
    effects: createBuiltinEffects(clients),
    requester: 'analyst',
  });
}

function planned(result: EffectPlan): string[] {
  return result.changes
    .filter((change) => change.service === 'okta')
    .map((change) => `${change.operation} ${change.target}`)
    .sort();
}

/** The writes the local Okta accepted since `mark` (a length of its change log). */
function madeSince(mark: number): string[] {
  return okta.changes
    .slice(mark)
    .map((change) => `${change.kind} ${change.target}`)
    .sort();
}

// One demo org for the file: the campaign runs first, on the org as seeded; later tests use other accounts.
beforeAll(async () => {
  okta = await startOktaStandIn({ seed: 'demo' });
  client = createOktaClient(oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token: okta.token } }));
  takedown = await startTakedownStandIns();
  harness = await startHarness({
    handlers: {
      ...asHandlerMap(createOktaHandlers(client)),
      ...asHandlerMap(createTakedownHandlers({ config: takedown.config })),
    },
    effects: asEffectMap(createOktaEffects(client)),
    groups: { 'secops-oncall': ['responder'], 'secops-leads': ['lead'] },
  });
});

afterAll(async () => {
  await harness?.shutdown();
  await okta?.close();
  await takedown?.close();
});

describe('cordon plan on the demo org', () => {
  it('lists exactly the writes the real okta-phishing-campaign run then makes, for every account found', async () => {
    const inputs = { attackerIps: [...DEMO_INDICATORS.ips], attackerNetworks: ['198.51.100.0/24'] };
    const result = await dryRun('okta-phishing-campaign.yaml', inputs);
    expect(okta.changes).toEqual([]);
    expect(renderPlan(result).join('\n')).toContain(
      'revoke 4 OAuth grants of 2 accounts: alice@example.com (0oaslack, 0oagithub), bob@example.com (0oaslack, 0oagithub)',
    );
    const text = renderPlan(result).join('\n');
    expect(text).toContain('suspend 2 accounts: alice@example.com, bob@example.com (ACTIVE → SUSPENDED)');
    // 198.51.100.0/24 is in the demo zone already: only the two addresses are added.
    expect(text).toContain(
      'add 2 CIDRs to zone BlockedIpZone: 203.0.113.7/32, 203.0.113.9/32; already covered: 198.51.100.0/24',
    );

    const { handle } = await harness.start(await plan('okta-phishing-campaign.yaml'), inputs);
    await approveWhenAsked(harness.client, handle, 'suspend');
    await approveWhenAsked(harness.client, handle, 'block');
    await handle.result();
    expect(madeSince(0)).toEqual(planned(result));
    expect(planned(result)).toHaveLength(9);
  });

  it('lists exactly the writes the real okta-account-compromise run then makes, changing nothing itself', async () => {
    const mark = okta.changes.length;
    const result = await dryRun('okta-account-compromise.yaml', { login: 'carol@example.com' });
    expect(okta.changes.length).toBe(mark);
    const text = renderPlan(result).join('\n');
    expect(text).toContain('suspend 1 account: carol@example.com (ACTIVE → SUSPENDED)');
    expect(text).toContain('reset 1 MFA factor of 1 account: carol@example.com (push)');
    expect(text).toContain('revoke no grant; no grants: carol@example.com');
    expect(text).toContain(
      'after approval by group secops-oncall (1 needed); this decision also approves suspend, password',
    );
    expect(text).toMatch(/user +okta\.snapshot \(read\) +ran: Okta snapshot of carol@example.com: ACTIVE/);
    expect(result.steps.find((step) => step.id === 'password')).toMatchObject({ status: 'skipped' });

    const { handle } = await harness.start(await plan('okta-account-compromise.yaml'), {
      login: 'carol@example.com',
    });
    await approveWhenAsked(harness.client, handle, 'factors');
    await handle.result();
    expect(madeSince(mark)).toEqual(planned(result));
    expect(planned(result)).toHaveLength(3);
  });

  it('lists exactly the writes of the resetPassword variant of okta-account-compromise, RECOVERY instead of SUSPENDED', async () => {
    okta.addUser({ login: 'frank@example.com', factors: ['sms'], sessions: 2, apps: ['0oaslack'] });
    const inputs = { login: 'frank@example.com', resetPassword: true };
    const mark = okta.changes.length;
    const result = await dryRun('okta-account-compromise.yaml', inputs);
    expect(okta.changes.length).toBe(mark);
    expect(renderPlan(result).join('\n')).toContain('frank@example.com (ACTIVE → RECOVERY)');
    expect(result.steps.find((step) => step.id === 'suspend')).toMatchObject({ status: 'skipped' });

    const { handle } = await harness.start(await plan('okta-account-compromise.yaml'), inputs);
    await approveWhenAsked(harness.client, handle, 'factors');
    await handle.result();
    expect(madeSince(mark)).toEqual(planned(result));
    expect(planned(result).map((change) => change.split(' ')[0])).toEqual([
      'generateResetPasswordToken',
      'resetFactors',
      'revokeUserGrants',
      'revokeUserSessions',
    ]);
  });

  it('says which state-changing steps change nothing on an account already contained', async () => {
    const dave = okta.user('dave@example.com');
    const result = await dryRun('okta-account-compromise.yaml', { login: 'dave@example.com' });
    expect(result.steps.find((step) => step.id === 'suspend')?.effect).toEqual({
      summary: 'suspend nobody; already SUSPENDED: dave@example.com',
      changes: [],
    });
    expect(result.steps.find((step) => step.id === 'factors')?.effect?.summary).toBe(
      'reset no factor; no enrolled factors: dave@example.com',
    );
    expect(planned(result)).toEqual([`revokeUserSessions ${dave?.id}`]);
  });

  it('fails the steps it cannot resolve, naming the step, and changes nothing', async () => {
    const mark = okta.changes.length;
    const result = await dryRun('okta-account-compromise.yaml', { login: 'nobody@example.com' });
    expect(result.steps.find((step) => step.id === 'user')).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('nobody@example.com'),
    });
    // The revocations address the login themselves, beside the snapshot; the lock-down needs the snapshot.
    expect(result.steps.find((step) => step.id === 'sessions')).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('nobody@example.com'),
    });
    expect(result.steps.find((step) => step.id === 'factors')).toMatchObject({
      status: 'skipped',
      reason: 'needs "user", which is failed',
    });
    expect(okta.changes.length).toBe(mark);
  });
  it('lists exactly the Okta block and the reports the real phishing-domain-takedown run then makes', async () => {
    // A domain of this test alone: its monitor's workflow id is the domain's, on a server other files share.
    const domain = 'okta-plan-check.com';
    takedown.addPhishingDomain(domain);
    const inputs = { domains: [domain], attackerIps: ['203.0.113.128/25'] };
    const mark = okta.changes.length;
    const result = await dryRun('phishing-domain-takedown.yaml', inputs);
    expect(okta.changes.length).toBe(mark);
    expect(takedown.smtp.messages).toHaveLength(0);
    const text = renderPlan(result).join('\n');
    expect(text).toContain(
      `report ${domain} to 2 recipients: email:abuse@registrar.example, email:abuse@hosting.example`,
    );
    expect(text).toContain('add 1 CIDR to zone BlockedIpZone: 203.0.113.128/25');
    const reports = result.changes
      .filter((change) => change.operation === 'report')
      .map((change) => change.target)
      .sort();

    const { handle, workflowId } = await harness.start(await plan('phishing-domain-takedown.yaml'), inputs);
    for (const stepId of ['takedown', 'block']) {
      await pendingApproval(handle, stepId);
      await decide(harness.client, workflowId, { stepId, decision: 'approve', approver: 'responder' });
    }
    await handle.result();
    await harness.client.workflow.getHandle(`takedown-monitor/${domain}`).cancel();
    expect(madeSince(mark)).toEqual(planned(result));
    expect(planned(result)).toHaveLength(1);
    // Each report the plan listed went out, to exactly those recipients.
    const sent = takedown.smtp.messages.flatMap((mail) => mail.envelope.to.map((to) => `${domain} email:${to}`)).sort();
    expect(sent).toEqual(reports);
  });
});

describe('an approval request with its effect plan', () => {
  it('shows what the gated and covered steps will change, and its hash binds that too', async () => {
    const erin = okta.addUser({ login: 'erin@example.com', factors: ['sms', 'push'], groups: ['Everyone'] });
    const { handle, workflowId } = await harness.start(await plan('okta-account-compromise.yaml'), {
      login: 'erin@example.com',
    });
    const approval = await pendingApproval(handle, 'factors');
    expect(approval.effects).toEqual([
      {
        stepId: 'factors',
        summary: 'reset 2 MFA factors of 1 account: erin@example.com (sms, push)',
        changes: [{ service: 'okta', operation: 'resetFactors', target: erin.id, account: erin.profile.login }],
      },
      {
        stepId: 'suspend',
        summary: 'suspend 1 account: erin@example.com (ACTIVE → SUSPENDED)',
        changes: [{ service: 'okta', operation: 'suspendUser', target: erin.id, account: erin.profile.login }],
      },
    ]);
    // The hash is of the inputs and the effects together: a decision about the inputs alone does not count.
    expect(approval.inputsHash).toBe(hashValue({ inputs: approval.input, effects: approval.effects }));
    const stale = await decide(harness.client, workflowId, {
      stepId: 'factors',
      decision: 'approve',
      approver: 'responder',
      inputsHash: hashValue(approval.input),
    }).catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(DecisionRefusedError);
    expect(okta.changesOf('resetFactors', erin.id)).toHaveLength(0);

    await decide(harness.client, workflowId, { stepId: 'factors', decision: 'approve', approver: 'responder' });
    await handle.result();
    expect(okta.changesOf('resetFactors', erin.id)).toHaveLength(1);
    expect(okta.changesOf('suspendUser', erin.id)).toHaveLength(1);

    // The audit keeps what the approver was shown, beside the hash that binds it.
    const audit = buildAudit(await fetchRunHistory(harness.client, workflowId));
    const gate = audit.approvals.find((entry) => entry.stepId === 'factors');
    expect(gate?.effects.map((effect) => effect.summary)).toEqual(approval.effects?.map((effect) => effect.summary));
    expect(renderText(audit).join('\n')).toContain(
      'effect       suspend: suspend 1 account: erin@example.com (ACTIVE → SUSPENDED)',
    );
  });

  it('is described by an activity that heartbeats, so a worker that dies while describing holds it back 20 s, not 2 min', async () => {
    // Seen in the fault campaign: a worker killed while describing left the approval unasked for the whole 2 minutes.
    okta.addUser({ login: 'fred@example.com', factors: ['sms'], groups: ['Everyone'] });
    const { handle } = await harness.start(await plan('okta-account-compromise.yaml'), {
      login: 'fred@example.com',
    });
    await pendingApproval(handle, 'factors');
    const history = await handle.fetchHistory();
    const described = (history.events ?? []).filter(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'cordon.describe_effects',
    );
    expect(described.length).toBeGreaterThan(0);
    for (const event of described) {
      expect(Number(event.activityTaskScheduledEventAttributes?.heartbeatTimeout?.seconds)).toBe(20);
    }
    await handle.cancel();
  });

  it('shows what an undo gated by approval will do, and its hash binds that too', async () => {
    const ivy = okta.addUser({ login: 'ivy.undo@example.com', sessions: 1 });
    const compiled = harness.plan(`
id: undo-with-effects
title: Suspends, then undoes the suspension after a failure, once approved
inputs:
  userId: { type: string }
onFailure: undo
steps:
  - id: suspend
    action: okta.suspend_user
    with: { userId: "\${{ inputs.userId }}" }
    approval: { approvers: { groups: [secops-oncall] } }
    undo:
      action: okta.unsuspend_user
      with: { userId: "\${{ output.userId }}", onlyIf: "\${{ output.changed }}" }
      approval: { approvers: { groups: [secops-oncall] } }
  - id: boom
    action: core.fail
    needs: [suspend]
    with: { message: boom }
    retry: { maximumAttempts: 1 }
`);
    const { handle, workflowId } = await harness.start(compiled, { userId: ivy.id });
    await approveWhenAsked(harness.client, handle, 'suspend');
    const approval = await pendingApproval(handle, 'undo:suspend');
    expect(approval.effects).toEqual([
      {
        stepId: 'undo:suspend',
        summary: 'unsuspend 1 account: ivy.undo@example.com (SUSPENDED → ACTIVE)',
        changes: [{ service: 'okta', operation: 'unsuspendUser', target: ivy.id, account: ivy.profile.login }],
      },
    ]);
    expect(approval.inputsHash).toBe(hashValue({ inputs: approval.input, effects: approval.effects }));
    const stale = await decide(harness.client, workflowId, {
      stepId: 'undo:suspend',
      decision: 'approve',
      approver: 'responder',
      inputsHash: hashValue(approval.input),
    }).catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(DecisionRefusedError);
    expect(okta.user(ivy.id)?.status).toBe('SUSPENDED');

    await decide(harness.client, workflowId, { stepId: 'undo:suspend', decision: 'approve', approver: 'responder' });
    await handle.result().catch(() => undefined);
    expect(okta.user(ivy.id)?.status).toBe('ACTIVE');
    const audit = buildAudit(await fetchRunHistory(harness.client, workflowId));
    expect(renderText(audit).join('\n')).toContain(
      'effect       undo:suspend: unsuspend 1 account: ivy.undo@example.com (SUSPENDED → ACTIVE)',
    );
  });
});

/** Every kind of change the Okta handlers refuse, in one playbook: the plan must predict each refusal. */
const REFUSED_PLAYBOOK = `
id: refusals
title: Changes the handlers refuse
inputs:
  logins: { type: list, of: email }
steps:
  - id: suspend
    action: okta.suspend_user
    forEach: "\${{ inputs.logins }}"
    with: { userId: "\${{ item }}" }
    approval: { approvers: { groups: [secops-oncall] } }
  - id: office
    action: okta.block_ips
    with: { zone: BlockedIpZone, cidrs: [192.0.2.10] }
    approval: { approvers: { groups: [secops-oncall] } }
  - id: policy
    action: okta.block_ips
    with: { zone: Office, cidrs: [203.0.113.7] }
    approval: { approvers: { groups: [secops-oncall] } }
  - id: wide
    action: okta.block_ips
    with: { zone: BlockedIpZone, cidrs: [10.0.0.0/8] }
    approval: { approvers: { groups: [secops-oncall] } }
`;

describe('cordon plan predicts what the handlers would refuse', () => {
  it('says refused, with the reason from real reads: a protected account, a protected network, a zone that is no blocklist, a block too wide', async () => {
    const org = await startOktaStandIn();
    try {
      org.addUser({ login: 'amy@example.com' });
      const root = org.addUser({ login: 'root@example.com', roles: ['SUPER_ADMIN'] });
      org.addZone({ name: 'BlockedIpZone', gateways: ['198.51.100.0/24'] });
      org.addZone({ name: 'Office', usage: 'POLICY', gateways: ['192.0.2.0/24'] });
      const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-refusals-'));
      const file = path.join(dir, 'refusals.yaml');
      await writeFile(file, REFUSED_PLAYBOOK);
      const env = { OKTA_ORG_URL: org.url, OKTA_API_TOKEN: org.token, OKTA_CORPORATE_CIDRS: '192.0.2.0/24' };
      const result = await cordon(['plan', file, '--input', 'logins=amy@example.com,root@example.com', '--json'], env);
      expect(org.changes).toEqual([]);
      // A run would not do what the playbook asks: the plan says so in its exit status too.
      expect(result.code, result.stderr).toBe(1);
      const planned = JSON.parse(result.stdout) as EffectPlan;
      const text = renderPlan(planned).join('\n');
      expect(text).toContain(
        `suspend 1 account: amy@example.com (ACTIVE → SUSPENDED); refused: root@example.com (${root.id}) is protected, as an Okta super-admin`,
      );
      expect(text).toMatch(
        /office .*refused: okta\.block_ips refuses: 192\.0\.2\.10\/32 overlaps the corporate range 192\.0\.2\.0\/24/,
      );
      expect(text).toMatch(/policy .*refused: Okta zone Office \(nzo\w+\) is a POLICY zone, not an IP blocklist/);
      expect(text).toMatch(
        /wide .*refused: okta\.block_ips refuses blocks this wide: 10\.0\.0\.0\/8 is wider than \/16/,
      );

      const byId = new Map(planned.steps.map((step) => [step.id, step]));
      expect(byId.get('suspend')).toMatchObject({
        status: 'would_run',
        effect: { refused: [`root@example.com (${root.id}) is protected, as an Okta super-admin`] },
      });
      for (const id of ['office', 'policy', 'wide']) expect(byId.get(id)?.status).toBe('refused');
      expect(planned.changes.map((change) => change.operation)).toEqual(['suspendUser']);
    } finally {
      await org.close();
    }
  });
});
