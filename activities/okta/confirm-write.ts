/**
 * A write whose answer is lost (a timeout, a dropped connection, a 5xx) may still have reached Okta. Before such a
 * write is declared failed, the state is read back: if the effect is there, the write succeeded, and the run records
 * what Okta's log shows. Without this, a retry would find the user already suspended and report `changed: false` for
 * a change this run made, or the step would fail for an account Okta did suspend.
 */
import { ActionError, FAILURE_TYPES } from '../errors';

export interface ConfirmedWrite {
  /** Set when the answer was lost and the read-back showed the effect: why the answer is missing. */
  answerLost?: string;
}

/**
 * Sends `write`; when it fails as Unavailable, asks `landed` whether the effect holds anyway. Any other failure, a
 * cancelled step, or a read-back that fails or shows no effect, rethrows the write's own failure.
 */
export async function confirmWrite(
  write: () => Promise<unknown>,
  landed: () => Promise<boolean>,
  signal?: AbortSignal,
): Promise<ConfirmedWrite> {
  try {
    await write();
    return {};
  } catch (error) {
    const mayHaveLanded = error instanceof ActionError && error.type === FAILURE_TYPES.unavailable;
    if (!mayHaveLanded || signal?.aborted) throw error;
    const effect = await landed().catch(() => false);
    if (!effect) throw error;
    return { answerLost: error.message };
  }
}

/** The verification note of a write confirmed by reading back after its answer was lost. */
export function lostAnswerNote(confirmed: ConfirmedWrite): string {
  return confirmed.answerLost ? `the answer to the write was lost (${confirmed.answerLost}), but ` : '';
}
