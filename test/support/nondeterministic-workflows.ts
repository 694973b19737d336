/**
 * A deliberately non-deterministic variant of the interpreter, for the replay tests: it sleeps for a moment before
 * running the playbook, so its first command is a timer where every recorded history has an activity. Bundled on its
 * own (`bundleWorkflowCode`), never by the worker.
 */
import { sleep } from '@temporalio/workflow';
import type { RunPlaybookInput } from '../../workflows/run-input';
import { runPlaybook as interpreter } from '../../workflows/run-playbook';
import type { RunResult } from '../../workflows/run-state';

export async function runPlaybook(input: RunPlaybookInput): Promise<RunResult> {
  await sleep('1 second');
  return interpreter(input);
}
