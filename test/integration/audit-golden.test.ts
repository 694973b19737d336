import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { readExport, replayHistories, replayLine, verifyExport } from '../../audit';
import { installRuntimeLogger } from '../../temporal/logger';

installRuntimeLogger('WARN');

const GOLDEN = path.resolve('test/golden');
const files = readdirSync(GOLDEN)
  .filter((name) => name.endsWith('.json'))
  .map((name) => path.join(GOLDEN, name));

describe('golden histories (recorded by scripts/record-golden.ts)', () => {
  it('are all there: approvals, a rejection, an escalation, an undo after failure, a cancellation, child workflows', () => {
    expect(files.map((file) => path.basename(file)).sort()).toEqual(
      expect.arrayContaining([
        'cancelled-while-waiting.json',
        'covered-beside-gate.json',
        'decision-sent-three-times.json',
        'demo-containment-approved.json',
        'demo-containment-verified-decision.json',
        'escalated-approval.json',
        'foreach-item-pipeline.json',
        'foreach-needs-before-pipeline.json',
        'gate-enforced.chunk-0.json',
        'gate-enforced.json',
        'large-foreach.json',
        'large-foreach.chunk-0.json',
        'monitor-started.json',
        'monitor-started-readable-id.json',
        'progress-paced.json',
        'progress-paced-by-timer.json',
        'rejected-approval.json',
        'trace-context-only.json',
        'undo-after-failure.json',
      ]),
    );
  });

  it("still verify and replay against today's workflow code", async () => {
    const loaded = await Promise.all(files.map((file) => readExport(file)));
    for (const [index, golden] of loaded.entries()) {
      expect(verifyExport(golden), files[index]).toMatchObject({ ok: true });
    }
    const outcomes = await replayHistories(
      loaded.map((golden, index) => ({
        label: path.relative(process.cwd(), files[index] ?? ''),
        workflowId: golden.run.workflowId ?? '',
        history: golden.run.history,
      })),
      { workflowBundle: { code: await readFile(inject('workflowBundlePath'), 'utf8') } },
    );
    // On failure: the interpreter changed in a way that breaks runs recorded with older code. Guard the change with
    // patched() (or a new interpreter version) instead of re-recording; see scripts/record-golden.ts.
    expect(outcomes.map(replayLine).join('\n')).not.toContain('✗');
    expect(outcomes).toHaveLength(files.length);
  });
});
