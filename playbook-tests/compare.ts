/**
 * Compares what a case expects with what its run did, and says every difference as a readable diff: `-` lines are
 * expected and missing, `+` lines happened and were not expected, unmarked lines agree.
 */
import type { StepState } from '../workflows/run-state';
import { partialMismatches } from './partial-match';
import type { CaseObservation } from './run-case';
import type { Expectation } from './schema';

export interface Difference {
  /** What differs: `status`, `steps`, `inputs.sessions`, `approvals`, `okta`. */
  what: string;
  lines: string[];
}

function show(value: unknown): string {
  return value === undefined ? '(nothing)' : JSON.stringify(value);
}

/** A line diff (longest common subsequence): enough for the short lists a test compares. */
export function lineDiff(expected: readonly string[], actual: readonly string[]): string[] {
  // common[i][j]: the length of the longest common subsequence of expected[i..] and actual[j..].
  const common = (i: number, j: number): number => table[i * (actual.length + 1) + j] ?? 0;
  const table = new Array<number>((expected.length + 1) * (actual.length + 1)).fill(0);
  for (let i = expected.length - 1; i >= 0; i--) {
    for (let j = actual.length - 1; j >= 0; j--) {
      table[i * (actual.length + 1) + j] =
        expected[i] === actual[j] ? common(i + 1, j + 1) + 1 : Math.max(common(i + 1, j), common(i, j + 1));
    }
  }
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < expected.length || j < actual.length) {
    if (i < expected.length && j < actual.length && expected[i] === actual[j]) {
      lines.push(`  ${expected[i]}`);
      i++;
      j++;
    } else if (j < actual.length && (i === expected.length || common(i, j + 1) > common(i + 1, j))) {
      lines.push(`+ ${actual[j++]}`);
    } else {
      lines.push(`- ${expected[i++]}`);
    }
  }
  return lines;
}

type Group = string[];

/**
 * The steps that ran, grouped: a step joins the group before it when it started before any step of that group had
 * ended, so every group is steps that all ran side by side. (Joining while any step of the group still ran would chain
 * steps that never overlapped, and make the groups depend on which of two parallel steps happened to end last.)
 */
export function ranInGroups(steps: readonly StepState[]): Group[] {
  const ran = steps
    .flatMap((step) => (step.startedAt ? [{ id: step.id, start: step.startedAt, end: step.endedAt ?? '9999' }] : []))
    .sort((a, b) => a.start.localeCompare(b.start));
  const groups: Array<{ ids: string[]; firstEnd: string }> = [];
  for (const step of ran) {
    const last = groups.at(-1);
    if (last && step.start < last.firstEnd) {
      last.ids.push(step.id);
      if (step.end < last.firstEnd) last.firstEnd = step.end;
    } else {
      groups.push({ ids: [step.id], firstEnd: step.end });
    }
  }
  return groups.map((group) => group.ids);
}

function groupLine(group: Group): string {
  return group.length === 1 ? group.join('') : `[${[...group].sort().join(', ')}]`;
}

/**
 * Whether the run kept the expected order: exactly the listed steps ran, and each started only after every step of
 * the groups before it had ended.
 */
function stepsDiffer(expected: ReadonlyArray<string | string[]>, steps: readonly StepState[]): boolean {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const groups = expected.map((entry) => [entry].flat());
  const ran = steps.filter((step) => step.startedAt).map((step) => step.id);
  const listed = groups.flat();
  if (listed.length !== ran.length || !listed.every((id) => ran.includes(id))) return true;
  let endedBefore = '';
  for (const group of groups) {
    const starts = group.map((id) => byId.get(id)?.startedAt ?? '');
    if (starts.some((start) => start < endedBefore)) return true;
    const ends = group.map((id) => byId.get(id)?.endedAt ?? '9999');
    endedBefore = ends.reduce((latest, end) => (end > latest ? end : latest), endedBefore);
  }
  return false;
}

function approvalLine(approval: {
  step: string;
  asked?: string[];
  escalatedTo?: string[];
  outcome?: string;
  by?: string;
}): string {
  const parts = [`${approval.step}:`];
  if (approval.asked) parts.push(`asked ${[...approval.asked].sort().join(', ') || 'nobody'}`);
  if (approval.escalatedTo) parts.push(`escalated to ${[...approval.escalatedTo].sort().join(', ') || 'nobody'}`);
  if (approval.outcome) parts.push(approval.outcome);
  if (approval.by) parts.push(`by ${approval.by}`);
  return parts.join(' ');
}

function partialDifferences(
  what: string,
  expected: Record<string, unknown>,
  actual: (id: string) => unknown,
): Difference[] {
  return Object.entries(expected).flatMap(([id, value]) => {
    const got = actual(id);
    const mismatches = partialMismatches(value, got);
    if (mismatches.length === 0) return [];
    return [
      {
        what: `${what}.${id}`,
        lines: mismatches.flatMap((mismatch) => [
          `- ${mismatch.path || '(value)'}: ${show(mismatch.expected)}`,
          `+ ${mismatch.path || '(value)'}: ${show(mismatch.actual)}`,
        ]),
      },
    ];
  });
}

/** Exactly what each takedown stand-in received, as sorted lines (`to: subject` for a mail, the domain otherwise). */
function takedownDifferences(expect: NonNullable<Expectation['takedown']>, observation: CaseObservation): Difference[] {
  const received = observation.takedown ?? { mail: [], netcraft: [], cloudflare: [] };
  const mailLine = (mail: { to: string; subject: string }) => `${mail.to}: ${mail.subject}`;
  const lists = [
    {
      what: 'mail (e-mails the local SMTP server accepted)',
      expected: expect.mail?.map(mailLine),
      actual: received.mail.map(mailLine),
    },
    { what: 'netcraft (domains reported to the local Netcraft)', expected: expect.netcraft, actual: received.netcraft },
    {
      what: 'cloudflare (domains reported to the local Cloudflare)',
      expected: expect.cloudflare,
      actual: received.cloudflare,
    },
  ];
  return lists.flatMap(({ what, expected, actual }) => {
    if (!expected) return [];
    const want = [...expected].sort();
    const got = [...actual].sort();
    return want.join('\n') === got.join('\n') ? [] : [{ what, lines: lineDiff(want, got) }];
  });
}

/** Every way the run differs from the expectation; empty when the case passes. */
export function compareCase(expect: Expectation, observation: CaseObservation): Difference[] {
  const differences: Difference[] = [];
  const steps = observation.state?.steps ?? [];
  const byId = new Map(steps.map((step) => [step.id, step]));
  if (expect.status !== undefined && expect.status !== observation.status) {
    differences.push({ what: 'status', lines: [`- ${expect.status}`, `+ ${observation.status}`] });
  }
  if (expect.steps && stepsDiffer(expect.steps, steps)) {
    differences.push({
      what: 'steps (that ran, in order)',
      lines: lineDiff(
        expect.steps.map((entry) => groupLine([entry].flat())),
        ranInGroups(steps).map(groupLine),
      ),
    });
  }
  if (expect.statuses) {
    const wrong = Object.entries(expect.statuses).filter(([id, status]) => byId.get(id)?.status !== status);
    if (wrong.length > 0) {
      differences.push({
        what: 'statuses',
        lines: wrong.flatMap(([id, status]) => {
          const step = byId.get(id);
          const why = step?.reason ?? step?.error?.message;
          return [`- ${id}: ${status}`, `+ ${id}: ${step?.status ?? '(no such step ran)'}${why ? ` (${why})` : ''}`];
        }),
      });
    }
  }
  if (expect.inputs) differences.push(...partialDifferences('inputs', expect.inputs, (id) => byId.get(id)?.input));
  if (expect.outputs) differences.push(...partialDifferences('outputs', expect.outputs, (id) => byId.get(id)?.output));
  if (expect.approvals) {
    const expected = expect.approvals.map(approvalLine).sort();
    const actual = observation.approvals
      .map((approval) => {
        // Say only what the expectation for this step says, so an unchecked field shows no difference.
        const wanted = expect.approvals?.find((candidate) => candidate.step === approval.step);
        return approvalLine({
          step: approval.step,
          ...(wanted?.asked ? { asked: approval.asked } : {}),
          ...(wanted?.escalatedTo ? { escalatedTo: approval.escalatedTo } : {}),
          ...(wanted?.outcome ? { outcome: approval.outcome } : {}),
          ...(wanted?.by ? { by: approval.by ?? '(nobody)' } : {}),
        });
      })
      .sort();
    if (expected.join('\n') !== actual.join('\n'))
      differences.push({ what: 'approvals', lines: lineDiff(expected, actual) });
    const shown = Object.fromEntries(
      expect.approvals.flatMap((approval) => (approval.shows ? [[approval.step, approval.shows]] : [])),
    );
    differences.push(
      ...partialDifferences(
        'approvals shown',
        shown,
        (step) => observation.approvals.find((approval) => approval.step === step)?.shows,
      ),
    );
  }
  if (expect.okta) {
    const line = (change: { change: string; target: string }) => `${change.change} ${change.target}`;
    const expected = [...new Set(expect.okta.map(line))].sort();
    const actual = (observation.okta ?? []).map(line).sort();
    if (expected.join('\n') !== actual.join('\n'))
      differences.push({ what: 'okta (changes at the local Okta)', lines: lineDiff(expected, actual) });
  }
  if (expect.takedown) differences.push(...takedownDifferences(expect.takedown, observation));
  return differences;
}
