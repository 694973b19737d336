/**
 * Time skipping on the real dev server (Temporal Server 1.32+): with it on, a run's virtual clock jumps over timers
 * whenever no activity or child is in flight, so a gate's 30-minute timeout passes in milliseconds and the workflow
 * code that handles it is exactly the production code. The server must run with
 * `frontend.WorkflowTimeSkippingEnabled=true` (see `temporal/dev-server.ts`).
 */
import type { Client } from '@temporalio/client';

/** Turns time skipping on or off for one run (its children started meanwhile inherit it). */
export async function setTimeSkipping(client: Client, workflowId: string, enabled: boolean): Promise<void> {
  await client.workflowService.updateWorkflowExecutionOptions({
    namespace: client.options.namespace,
    workflowExecution: { workflowId },
    workflowExecutionOptions: { timeSkippingConfig: { enabled } },
    updateMask: { paths: ['time_skipping_config'] },
  });
}
