import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildAudit,
  parseExport,
  redactSource,
  redactText,
  redactValue,
  renderHtml,
  renderJson,
  renderText,
} from '../../audit';

describe('redaction of audit outputs', () => {
  it('replaces the values of secret-looking keys at any depth and keeps booleans, saying where', () => {
    const paths: string[] = [];
    const redacted = redactValue(
      {
        login: 'jane@example.com',
        tempPassword: 'Xy7-temporary',
        nested: [{ apiKey: 'k-123', client_secret: { value: 's' }, Authorization: 'anything', oauthTokens: true }],
        privateKey: null,
        otp: 123456,
      },
      paths,
    );
    expect(redacted).toEqual({
      login: 'jane@example.com',
      tempPassword: '[redacted]',
      nested: [{ apiKey: '[redacted]', client_secret: '[redacted]', Authorization: '[redacted]', oauthTokens: true }],
      privateKey: null,
      otp: '[redacted]',
    });
    expect(paths).toEqual([
      '/tempPassword',
      '/nested/0/apiKey',
      '/nested/0/client_secret',
      '/nested/0/Authorization',
      '/otp',
    ]);
  });

  it('replaces credentials inside any string', () => {
    expect(redactText('Okta said 401 to SSWS 00abcdefghijklmnop')).toBe('Okta said 401 to SSWS [redacted]');
    expect(redactText('header Bearer eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl')).toBe('header Bearer [redacted]');
    expect(redactText('posted with xoxb-1234567890-abcdefghij')).toBe('posted with [redacted]');
    expect(redactText('https://svc:hunter22@example.com/x?token=abc123&page=2')).toBe(
      'https://svc:[redacted]@example.com/x?token=[redacted]&page=2',
    );
    expect(redactText('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----')).toBe('[redacted]');
    expect(redactText('nothing secret in 203.0.113.7 or jane@example.com')).toBe(
      'nothing secret in 203.0.113.7 or jane@example.com',
    );
  });

  it('replaces secret literals in a playbook source and keeps templates and booleans', () => {
    const source = [
      'steps:',
      '  - id: reset',
      '    with:',
      '      password: hunter2',
      '      "apiToken": \'abc\'',
      '      token: "${{ steps.login.output.token }}"',
      '      revokeTokens: true',
      '    undo: { action: x, with: { secret: s3cr3t, user: bob } }',
    ].join('\n');
    expect(redactSource(source).split('\n')).toEqual([
      'steps:',
      '  - id: reset',
      '    with:',
      '      password: "[redacted]"',
      '      "apiToken": "[redacted]"',
      '      token: "${{ steps.login.output.token }}"',
      '      revokeTokens: true',
      '    undo: { action: x, with: { secret: "[redacted]", user: bob } }',
    ]);
  });

  it('keeps the API token recorded in a golden history out of every audit format', () => {
    const file = path.resolve('test/golden/undo-after-failure.json');
    const text = readFileSync(file, 'utf8');
    const audit = buildAudit(parseExport(text, file).run);
    // The history itself holds the token (an export is verbatim); no audit format may show it.
    const payloads = [...text.matchAll(/"data": "([^"]+)"/g)].map((match) =>
      Buffer.from(match[1] ?? '', 'base64').toString(),
    );
    expect(payloads.some((payload) => payload.includes('tok-golden-0000-not-a-real-secret'))).toBe(true);
    for (const rendered of [renderText(audit).join('\n'), renderJson(audit), renderHtml(audit)]) {
      expect(rendered).not.toContain('tok-golden-0000-not-a-real-secret');
      expect(rendered).toContain('[redacted]');
    }
    expect(audit.redaction.redacted).toEqual(
      expect.arrayContaining([
        '/playbook/source',
        expect.stringMatching(/^\/steps\/\d+\/calls\/0\/input\/fields\/apiToken$/),
      ]),
    );
  });
});
