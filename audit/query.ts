/** Finding runs to audit or replay: a Temporal visibility query over cordon's search attributes and StartTime. */
import type { Client } from '@temporalio/client';
import { AuditError } from './history';

export interface RunRef {
  workflowId: string;
  runId: string;
}

/** `CordonSubject = 'alice@example.com' AND StartTime > '2026-01-01T00:00:00Z'` → the matching cordon runs, newest first. */
export async function findRuns(client: Client, filter: string, limit: number): Promise<RunRef[]> {
  const query = `CordonPlaybook IS NOT NULL AND (${filter})`;
  const runs: RunRef[] = [];
  try {
    for await (const run of client.workflow.list({ query })) {
      runs.push({ workflowId: run.workflowId, runId: run.runId });
      if (runs.length >= limit) break;
    }
  } catch (error) {
    throw new AuditError(`the query ${JSON.stringify(filter)} failed: ${(error as Error).message}`);
  }
  return runs;
}
