/**
 * The campaign's scenarios and their scale: `full` is issue 15's (run by hand, `npm run test:faults`), `smoke` a few
 * of each for the normal test suite. Each scenario gets its own random stream derived from the campaign's seed.
 */
import type { TemporalTarget } from './account-world';
import type { ScenarioFigures } from './figures';
import { SeededRandom } from '../../stand-ins/seeded-random';
import { approvalAttacksScenario } from './approval-attacks';
import { campaignWorkerKillScenario } from './campaign-worker-kill';
import { hostileRequestsScenario } from './hostile-requests';
import { oktaFaultsScenario } from './okta-faults';
import { oktaIgnoredWritesScenario } from './okta-ignored-writes';
import { playbookFuzzScenario } from './playbook-fuzz';
import { slackOutageScenario } from './slack-outage';
import { temporalRestartScenario } from './temporal-restart';
import { workerKillScenario } from './worker-kill';

export const SCENARIOS = [
  'worker-kill',
  'okta-faults',
  'hostile-requests',
  'playbook-fuzz',
  'approval-attacks',
  'okta-ignored-writes',
  'temporal-restart',
  'two-workers',
  'slack-outage',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
export type Scale = 'full' | 'smoke';

export interface CampaignOptions {
  seed: number;
  scale: Scale;
  only: readonly ScenarioName[];
  log?: (line: string) => void;
}

export async function runCampaign(temporal: TemporalTarget, options: CampaignOptions): Promise<ScenarioFigures[]> {
  const random = new SeededRandom(options.seed);
  const full = options.scale === 'full';
  const rows: ScenarioFigures[] = [];
  for (const name of options.only) {
    const stream = random.derive(name);
    switch (name) {
      case 'worker-kill':
        rows.push(await workerKillScenario(temporal, { runs: full ? 100 : 2, random: stream, log: options.log }));
        break;
      case 'okta-faults':
        rows.push(
          await oktaFaultsScenario(temporal, {
            runs: full ? 100 : 4,
            random: stream,
            stallMs: full ? 10_000 : 3_000,
            log: options.log,
          }),
        );
        break;
      case 'hostile-requests':
        rows.push(
          await hostileRequestsScenario(temporal, { requests: full ? 1_000 : 18, random: stream, log: options.log }),
        );
        break;
      case 'playbook-fuzz':
        rows.push(await playbookFuzzScenario({ cases: full ? 10_000 : 300, random: stream, log: options.log }));
        break;
      case 'approval-attacks':
        rows.push(
          await approvalAttacksScenario(temporal, { attempts: full ? 500 : 30, random: stream, log: options.log }),
        );
        break;
      case 'okta-ignored-writes':
        rows.push(await oktaIgnoredWritesScenario(temporal, { runs: full ? 20 : 2, random: stream, log: options.log }));
        break;
      case 'temporal-restart':
        // A server of its own, with a database file: the campaign's server is not the one stopped.
        rows.push(await temporalRestartScenario({ runs: full ? 20 : 2, random: stream, log: options.log }));
        break;
      case 'two-workers':
        rows.push(
          await campaignWorkerKillScenario(temporal, { accounts: full ? 200 : 20, random: stream, log: options.log }),
        );
        break;
      case 'slack-outage':
        rows.push(
          await slackOutageScenario(temporal, {
            runs: full ? 10 : 2,
            outageMs: full ? 120_000 : 20_000,
            // Both kinds of outage: connections refused at full scale, Slack's edge answering 503 at smoke scale.
            kind: full ? 'refused' : 'unavailable',
            random: stream,
            log: options.log,
          }),
        );
        break;
    }
  }
  return rows;
}
