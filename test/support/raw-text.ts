/** What the Temporal server stores, as text, for tests that check no login or domain is stored in clear. */
import type { WorkflowService } from '@temporalio/client';

/**
 * Every string and byte string of a server answer as text, so a login or domain anywhere in it (payload data, ids,
 * attributes) shows. Walked by hand: JSON.stringify would print the protobuf messages' bytes in base64.
 */
export function rawText(value: unknown, seen = new Set<object>()): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
  if (typeof value !== 'object' || value === null || seen.has(value)) return '';
  seen.add(value);
  return Object.values(value)
    .map((child) => rawText(child, seen))
    .join('\n');
}

/** What the server stores of a workflow, as text: its history and its description (ids, search attributes, memo). */
export async function storedText(
  client: { workflowService: WorkflowService },
  namespace: string,
  workflowId: string,
): Promise<string> {
  const execution = { workflowId };
  const history = await client.workflowService.getWorkflowExecutionHistory({ namespace, execution });
  const description = await client.workflowService.describeWorkflowExecution({ namespace, execution });
  return rawText(history) + rawText(description);
}
