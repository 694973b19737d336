/** A workflow's description, or nothing when the server has no workflow of that id (an absent one is no error here). */
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';

export async function describeIfExists(
  client: Client,
  workflowId: string,
): Promise<WorkflowExecutionDescription | undefined> {
  try {
    return await client.workflow.getHandle(workflowId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}
