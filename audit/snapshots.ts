/**
 * What a run kept before containment: the output of every completed call of a snapshot action (`okta.snapshot`), which
 * the catalogue marks with a one-line summary (its `evidence` describer). It is in the history as the call's result;
 * listing it apart keeps what containment erased (factors, a status) in front of an investigator, whole, not cut to a
 * step line.
 */
import { catalogueEntry } from '../activities/catalogue';
import type { ActivityCall, AuditSnapshot } from './model';

export function collectSnapshots(calls: readonly ActivityCall[], warn: (message: string) => void): AuditSnapshot[] {
  return calls.flatMap((call) => {
    const spec = catalogueEntry(call.activityType);
    if (!spec?.evidence || call.outcome !== 'completed' || (call.role !== 'action' && call.role !== 'item')) return [];
    const output = spec.output.safeParse(call.output);
    if (!output.success) {
      warn(`the output of ${call.activityId} (${call.activityType}) is not what ${call.activityType} gives`);
      return [];
    }
    return [
      {
        at: call.endedAt ?? call.scheduledAt,
        eventId: call.scheduledEventId,
        action: call.activityType,
        call: call.activityId,
        summary: spec.evidence(output.data),
        data: output.data,
      },
    ];
  });
}
