/**
 * Fault: two of cordon's workers poll the task queue while an `okta-phishing-campaign` run contains hundreds of
 * accounts, and one of them is SIGKILLed at a random moment (uniform over the first 80 % of an undisturbed campaign of
 * the same size, measured first) and not replaced. The survivor must finish the campaign: every account the attacker reached is
 * contained, and the local Okta's change log shows each account's revocation, suspension and factor reset once.
 */
import type { SeededRandom } from '../../stand-ins/seeded-random';
import { driveAccountRun, type DrivenRun } from './account-run';
import { openAccountWorld, type AccountWorld, type TemporalTarget } from './account-world';
import { startRun } from '../../runs/start-run';
import type { ScenarioFigures } from './figures';
import type { WorkerChild } from './worker-child';

/** The changes a campaign makes to each account, each once. */
const CAMPAIGN_WRITES = ['revokeUserSessions', 'suspendUser', 'resetFactors'] as const;
const GATES = ['suspend', 'block'] as const;

export interface CampaignWorkerKillOptions {
  /** Accounts the campaign reaches. */
  accounts: number;
  random: SeededRandom;
  /** How long the campaign may take, the kill included, before it counts as lost. */
  runDeadlineMs?: number;
  log?: (line: string) => void;
}

interface AccountOutcome {
  login: string;
  writes: Record<string, number>;
  contained: boolean;
}

interface CampaignOutcome {
  driven: DrivenRun;
  totalMs: number;
  accounts: AccountOutcome[];
  /** Accounts with a change made more than once, and which. */
  doubled: Array<{ login: string; kinds: string[] }>;
  /** Accounts without one of the campaign's changes, and which. */
  missing: Array<{ login: string; kinds: string[] }>;
  uncontained: string[];
  /** Changes of the block zone during the campaign (the attacker's network added once). */
  blocked: number;
}

/** Accounts that signed in from `network` (a /16 of 10.x), each with a session, an SMS factor and an app's tokens. */
function seedAccounts(world: AccountWorld, prefix: string, secondOctet: number, count: number): string[] {
  const published = new Date(Date.now() - 600_000).toISOString();
  return Array.from({ length: count }, (_, index) => {
    const user = world.okta.addUser({
      login: `${prefix}-${index}@corp.example`,
      sessions: 1,
      factors: ['sms'],
      apps: ['0oaslack'],
    });
    world.okta.addSignIn({
      login: user.profile.login,
      ipAddress: `10.${secondOctet}.${Math.floor(index / 250)}.${index % 250}`,
      published,
    });
    return user.id;
  });
}

async function runCampaign(
  world: AccountWorld,
  prefix: string,
  secondOctet: number,
  count: number,
  deadlineMs: number,
  during?: (run: { startedAt: number; workflowId: string }) => Promise<void>,
): Promise<CampaignOutcome> {
  const ids = seedAccounts(world, prefix, secondOctet, count);
  const changesBefore = world.okta.changes.length;
  const network = `10.${secondOctet}.0.0/16`;
  const startedAt = Date.now();
  const { handle, workflowId } = await startRun(world.client, {
    plan: world.plan,
    inputs: { attackerNetworks: [network] },
    requester: 'requester',
    trigger: { kind: 'cli' },
    taskQueue: world.taskQueue,
  });
  const run = { victim: { id: '', login: '' }, workflowId, handle, startedAt };
  const [driven] = await Promise.all([
    driveAccountRun(world.client, run, deadlineMs, { gates: GATES }),
    during?.({ startedAt, workflowId }),
  ]);
  const accounts = ids.map((id) => {
    const mine = world.okta.changes.filter((change) => change.target === id || change.target.startsWith(`${id}/`));
    const writes: Record<string, number> = {};
    for (const change of mine) writes[change.kind] = (writes[change.kind] ?? 0) + 1;
    const contained =
      world.okta.user(id)?.status === 'SUSPENDED' &&
      world.okta.state.sessionsOf(id).length === 0 &&
      world.okta.state.factorsOf(id).length === 0;
    return { login: world.okta.user(id)?.profile.login ?? id, writes, contained };
  });

  return {
    driven,
    totalMs: driven.endedAt - startedAt,
    accounts,
    doubled: accounts.flatMap((account) => {
      const kinds = Object.entries(account.writes)
        .filter(([, count]) => count > 1)
        .map(([kind]) => kind);
      return kinds.length > 0 ? [{ login: account.login, kinds }] : [];
    }),
    missing: accounts.flatMap((account) => {
      const kinds = CAMPAIGN_WRITES.filter((kind) => !account.writes[kind]);
      return kinds.length > 0 ? [{ login: account.login, kinds: [...kinds] }] : [];
    }),
    uncontained: accounts.filter((account) => !account.contained).map((account) => account.login),
    blocked: world.okta.changes.slice(changesBefore).filter((change) => change.kind === 'replaceNetworkZone').length,
  };
}

export async function campaignWorkerKillScenario(
  temporal: TemporalTarget,
  options: CampaignWorkerKillOptions,
): Promise<ScenarioFigures> {
  const began = Date.now();
  const log = options.log ?? (() => {});
  const deadlineMs = options.runDeadlineMs ?? 900_000;
  const world = await openAccountWorld(temporal, 'two-workers', {
    playbook: 'okta-phishing-campaign',
    // A campaign of hundreds exceeds the governor's defaults (suspensions an hour, items of one step without a separate
    // approval): the scenario measures a lost worker, and the governor has tests of its own.
    extraEnv: { CORDON_LIMITS: 'okta.suspend_user=off,okta.clear_sessions=off', CORDON_FOREACH_MAX_ITEMS: '100000' },
  });
  try {
    world.okta.addZone({ name: 'BlockedIpZone', system: true, gateways: [] });
    const workers: WorkerChild[] = [await world.startWorker(), await world.startWorker()];
    // A small campaign first (the first run pays for loading on both workers), then one of the scenario's size whose
    // length is the span the kill is drawn over.
    const warmUp = await runCampaign(world, 'warm-up', 88, 2, deadlineMs);
    if (warmUp.driven.closed !== 'COMPLETED')
      throw new Error(`the warm-up campaign did not complete (${warmUp.driven.closed})`);
    const calibration = await runCampaign(world, 'calibration', 77, options.accounts, deadlineMs);
    if (calibration.driven.closed !== 'COMPLETED')
      throw new Error(`the undisturbed campaign did not complete (${calibration.driven.closed}): nothing to measure`);
    const spanMs = calibration.totalMs;
    log(`two workers: an undisturbed campaign of ${options.accounts} accounts takes ${spanMs} ms`);

    // Over the first 80 % of the span: a campaign's length varies by more than its tail, and a kill after the end tests
    // nothing.
    const killAtMs = Math.round(options.random.uniform(0, spanMs * 0.8));
    const victimIndex = options.random.integer(0, 1);
    let killedMidRun = false;
    const outcome = await runCampaign(
      world,
      'victim',
      66,
      options.accounts,
      deadlineMs,
      async ({ startedAt, workflowId }) => {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAt + killAtMs - Date.now())));
        killedMidRun = await world.client
          .withDeadline(Date.now() + 3_000, () => world.client.workflow.getHandle(workflowId).describe())
          .then((description) => description.status.name === 'RUNNING')
          .catch(() => true);
        await workers[victimIndex]?.kill();
      },
    );
    const survivorAlive = !workers[1 - victimIndex]?.exited;
    log(
      `two workers: worker ${victimIndex + 1} killed at ${killAtMs} ms; campaign ${outcome.driven.closed} ` +
        `(${outcome.driven.runStatus ?? '?'}) in ${outcome.totalMs} ms; ${outcome.doubled.length} accounts doubled, ` +
        `${outcome.missing.length} missing a change, ${outcome.uncontained.length} not contained`,
    );
    const failures: string[] = [];
    if (outcome.driven.closed !== 'COMPLETED' || outcome.driven.runStatus !== 'succeeded')
      failures.push(`the campaign ${outcome.driven.closed}, run status ${outcome.driven.runStatus ?? 'unknown'}`);
    for (const account of outcome.doubled)
      failures.push(`${account.login}: made twice at Okta: ${account.kinds.join(', ')}`);
    for (const account of outcome.missing)
      failures.push(`${account.login}: never made at Okta: ${account.kinds.join(', ')}`);
    for (const login of outcome.uncontained) failures.push(`${login}: not contained`);
    if (!survivorAlive) failures.push('the surviving worker exited');
    if (outcome.blocked !== 1) failures.push(`the block zone was changed ${outcome.blocked} times, not once`);
    const contained = outcome.accounts.length - outcome.uncontained.length;
    return {
      fault: 'two workers on the task queue, one SIGKILLed mid-campaign (okta-phishing-campaign)',
      seed: options.random.seed,
      attempts: outcome.accounts.length,
      outcome:
        `${outcome.driven.closed === 'COMPLETED' ? 'completed' : outcome.driven.closed}; ` +
        `${contained}/${outcome.accounts.length} accounts contained; killed at ${(killAtMs / 1000).toFixed(1)} s` +
        `${killedMidRun ? '' : ' (after the run)'}; ${(outcome.totalMs / 1000).toFixed(1)} s ` +
        `(undisturbed ${(spanMs / 1000).toFixed(1)} s)`,
      violations: outcome.doubled.reduce((sum, account) => sum + account.kinds.length, 0),
      mustHold: 'completes; every account contained; each suspend, revoke and reset once per account',
      held: failures.length === 0,
      durationMs: Date.now() - began,
      failures,
      details: {
        accounts: options.accounts,
        undisturbedMs: spanMs,
        killAtMs,
        killedWorker: victimIndex + 1,
        totalMs: outcome.totalMs,
        calibration: { doubled: calibration.doubled, missing: calibration.missing },
        doubled: outcome.doubled,
        missing: outcome.missing,
        uncontained: outcome.uncontained,
      },
    };
  } finally {
    await world.close();
  }
}
