import { readFileSync } from 'node:fs';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { workflowBundle } from '../temporal/worker-factory';
const raw = JSON.parse(readFileSync('/tmp/scratch-cli.json', 'utf8'));
raw.cordon = { format: 1, note: 'extra field' };
const good = await workflowBundle();
await Worker.runReplayHistory({ workflowBundle: good }, raw, 'cordon/demo-containment/jane@example.com');
console.log('good replay ok');
const bad = await bundleWorkflowCode({ workflowsPath: new URL('../test/support/nondeterministic-workflows.ts', import.meta.url).pathname });
for await (const r of Worker.runReplayHistories({ workflowBundle: bad }, [{ workflowId: 'w', history: raw }])) {
  console.log('ERR', r.error?.name, r.error?.constructor?.name, r.error?.message);
}
