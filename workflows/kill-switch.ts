/**
 * The kill switch: while a `killSwitch` workflow with the task queue's fixed id is running, every state-changing action
 * of that task queue fails `Paused` (see activities/kill-switch-guard.ts). `cordon pause` starts it, `cordon resume`
 * terminates it, so the switch lives on the Temporal server: it survives worker restarts, needs no worker to be read,
 * and its history records who paused and who resumed, and why.
 */
import { condition } from '@temporalio/workflow';

export interface KillSwitchInput {
  by: string;
  reason: string;
}

/**
 * Holds the switch on until terminated; it issues no command, so its history stays a few events long. The input (who
 * paused, and why) is recorded in the history and the memo.
 */
export async function killSwitch(input: KillSwitchInput): Promise<KillSwitchInput> {
  await condition(() => false);
  return input;
}
