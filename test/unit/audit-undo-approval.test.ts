import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAudit, parseExport } from '../../audit';

describe('the audit of a run whose destructive undo had its own approval', () => {
  it('lists the undo gate with its action, decision and the inputs it bound, without warnings', () => {
    const file = path.resolve('test/golden/gate-enforced.json');
    const audit = buildAudit(parseExport(readFileSync(file, 'utf8'), file).run);
    expect(audit.approvals.map((approval) => [approval.stepId, approval.action, approval.status])).toEqual([
      ['isolate', 'test.destroy', 'approved'],
      ['undo:quarantine', 'test.restore', 'approved'],
    ]);
    expect(audit.approvals[1]).toMatchObject({
      impact: 'destructive',
      input: { target: 'mallory@example.com' },
      shown: { account: 'mallory@example.com' },
    });
    expect(audit.warnings).toEqual([]);
  });
});
