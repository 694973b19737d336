/**
 * The fault campaign's property-based fuzzing (issue 15) at smoke scale: a few hundred fuzzed playbooks and run inputs
 * through load, lint, compile and input validation. It needs no server, so it runs with the unit tests; the full
 * 10,000 cases run with `npm run test:faults -- --only playbook-fuzz`. `FAULTS_SEED=N` replays a failure.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom, newSeed } from '../../stand-ins/seeded-random';
import { playbookFuzzScenario } from '../faults/playbook-fuzz';

const seed = Number(process.env.FAULTS_SEED ?? newSeed());

describe('the fault campaign, at smoke scale', () => {
  it('meets fuzzed playbooks and run inputs with typed, positioned errors only, each case under 100 ms of CPU', async () => {
    const figures = await playbookFuzzScenario({ cases: 300, random: new SeededRandom(seed).derive('playbook-fuzz') });
    console.log(`${figures.fault}: seed ${figures.seed} (campaign seed ${seed}); ${figures.outcome}`);
    expect(figures.failures, `replay with FAULTS_SEED=${seed}`).toEqual([]);
    expect(figures.attempts).toBe(300);
  }, 120_000);
});
