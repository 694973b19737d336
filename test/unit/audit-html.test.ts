import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAudit, escapeHtml, parseExport, renderHtml, verifyReport, type Audit } from '../../audit';

function goldenAudit(name: string): Audit {
  const file = path.resolve('test/golden', `${name}.json`);
  return buildAudit(parseExport(readFileSync(file, 'utf8'), file).run);
}

describe('the HTML audit report', () => {
  it('escapes every recorded value, so a hostile output cannot inject markup', () => {
    const audit = goldenAudit('demo-containment-approved');
    const hostile = '</pre><script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
    const first = audit.steps[0]?.calls[0];
    if (!first) throw new Error('the golden run has no call');
    first.output = { message: hostile };
    audit.run.requester = hostile;
    const html = renderHtml(audit);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain(escapeHtml(hostile));
    expect(verifyReport(html).ok).toBe(true);
  });

  it('is self-contained: no scripts, no external resources, a policy that forbids them', () => {
    const html = renderHtml(goldenAudit('undo-after-failure'));
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/,
    );
    expect(html).not.toMatch(/<script|<link|<iframe|<img|src=|url\(/i);
    expect(html).not.toMatch(/href="(?!#)/);
  });

  it('shows every step id, every decision and the history digest as text', () => {
    const audit = goldenAudit('undo-after-failure');
    const html = renderHtml(audit);
    for (const step of audit.steps) expect(html).toContain(`<span class="step-id">${step.id}</span>`);
    expect(html).toContain('both hosts show the implant');
    expect(html).toContain(audit.history.sha256);
  });
});
