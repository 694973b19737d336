/** `cordon demo takedown`: the whole story on the stand-ins, as a new user would run it, in under a minute. */
import { describe, expect, it } from 'vitest';
import { cordon } from '../support/cli';

describe('cordon demo takedown', () => {
  it('reports, reminds, escalates, sees the domain go down and ends the monitor', async () => {
    const started = Date.now();
    const result = await cordon(['demo', 'takedown'], {}, 120_000);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(mail) to abuse@registrar.example: Phishing report: okta-sso-login.com');
    expect(result.stdout).toContain('Reminder 1: phishing domain okta-sso-login.com is still up');
    expect(result.stdout).toMatch(/level 1 at .*: added netcraft:/);
    expect(result.stdout).toMatch(/takedown monitor of okta-sso-login\.com, down \(ended /);
    expect(Date.now() - started).toBeLessThan(90_000);
  }, 150_000);
});
