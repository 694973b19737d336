/**
 * The benchmarks still run: each scenario at a tiny scale on the tests' Temporal server, checking that it completes,
 * that every side contained its account, and that it writes its JSON. Timings are not asserted: a shared machine
 * would make such a test flaky, and the figures belong to `npm run bench`.
 */
import { readFile, rm } from 'node:fs/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { accountCompromiseBenchmark } from '../../bench/account-compromise';
import { writeResults } from '../../bench/campaign';

const temporal = { address: inject('temporalAddress'), namespace: inject('temporalNamespace') };
const bundle = async () => ({ code: await readFile(inject('workflowBundlePath'), 'utf8') });
const written: string[] = [];

afterAll(async () => {
  await Promise.all(written.map((file) => rm(file, { force: true })));
});

describe('B2: one account, cordon against two plain scripts', () => {
  it('runs every side, each containing its account within 10 requests for cordon (2 of them evidence), and writes its JSON', async () => {
    const result = await accountCompromiseBenchmark({ rounds: 1, latencyMs: 0, temporal, bundle: await bundle() });
    expect(result.samples.map((sample) => sample.side).sort()).toEqual([
      'cordon',
      'script-parallel',
      'script-sequential',
    ]);
    expect(result.sides['script-sequential'].requests).toBe(5);
    // 8 containment requests, and 2 more for the evidence okta.snapshot keeps (factors, System Log).
    expect(result.sides.cordon.requests).toBeLessThanOrEqual(10);
    expect(Object.keys(result.cordonSteps).sort()).toEqual(['factors', 'grants', 'sessions', 'suspend', 'user']);
    const file = await writeResults('account-compromise-smoke', result);
    written.push(file);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ data: { rounds: 1 } });
  }, 60_000);
});
