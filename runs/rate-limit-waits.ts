/**
 * What a run is waiting for at Okta's rate limit, for `cordon status`. An Okta call that waits for a reset heartbeats
 * `{ rateLimit: { bucket, resetsAt, message } }` (see `activities/okta/request-executor.ts`); the server keeps the last
 * heartbeat of each pending activity, and `describe()` returns them. The time left is counted from `resetsAt` now, as
 * heartbeats reach the server throttled; a wait whose reset has passed is not shown.
 */
import { decodeAs } from '../activities/decode-as';
import { codecsOf } from '../codec/data-converter';
import { decodeHistory } from '../codec/decode-history';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { z } from 'zod';

const rateLimitHeartbeat = z.object({
  rateLimit: z.object({ bucket: z.string(), resetsAt: z.iso.datetime(), message: z.string() }),
});

export interface RateLimitWaitLine {
  /** The activity id: the step, and the item of a `forEach` step (`suspend[3]`). */
  activityId: string;
  bucket: string;
  resetsAt: string;
  /** `waiting for Okta's rate limit (resets in 41 s)` */
  message: string;
}

export async function rateLimitWaits(handle: WorkflowHandle, now = Date.now()): Promise<RateLimitWaitLine[]> {
  const description = await decodeHistory(await handle.describe(), codecsOf(handle.client));
  const waits: RateLimitWaitLine[] = [];
  for (const activity of description.raw.pendingActivities ?? []) {
    const payload = activity.heartbeatDetails?.payloads?.[0];
    if (!payload) continue;
    const rateLimit = decodeAs(rateLimitHeartbeat, () => defaultPayloadConverter.fromPayload(payload))?.rateLimit;
    if (!rateLimit) continue;
    const resetAt = Date.parse(rateLimit.resetsAt);
    if (resetAt <= now) continue;
    waits.push({
      activityId: activity.activityId ?? '',
      bucket: rateLimit.bucket,
      resetsAt: rateLimit.resetsAt,
      message: `waiting for Okta's rate limit (resets in ${Math.ceil((resetAt - now) / 1000)} s)`,
    });
  }
  return waits;
}
