/**
 * Evidence a run kept itself: the output of every completed call of an evidence action (`okta.snapshot`), which the
 * catalogue marks with a one-line summary. It is in the history as the call's result; listing it under Evidence keeps
 * what containment erased (factors, a status) in front of an investigator, whole, not cut to a step line.
 */
import { catalogueEntry } from '../activities/catalogue';
import type { ActivityCall, AuditEvidence } from './model';

export function collectStepEvidence(calls: readonly ActivityCall[], warn: (message: string) => void): AuditEvidence[] {
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
        kind: 'step' as const,
        source: call.activityType,
        reference: call.activityId,
        summary: spec.evidence(output.data),
        data: output.data,
        sentBy: null,
      },
    ];
  });
}
