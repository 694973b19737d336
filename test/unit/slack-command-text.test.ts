import { describe, expect, it } from 'vitest';
import { parseCommandText, tokenize, unformatSlackText } from '../../slack/command-text';

describe('slash command text', () => {
  it('undoes Slack’s formatting of e-mail addresses, links, mentions and entities', () => {
    expect(unformatSlackText('login=<mailto:a@b.com|a@b.com>')).toBe('login=a@b.com');
    expect(unformatSlackText('domain=<http://twilio-okta.com|twilio-okta.com>')).toBe('domain=twilio-okta.com');
    expect(unformatSlackText('url=<https://x.example/login>')).toBe('url=https://x.example/login');
    expect(unformatSlackText('who=<@U0BOB|bob> in <#C0RUNS|sec-runs>')).toBe('who=U0BOB in C0RUNS');
    expect(unformatSlackText('who=<@U0BOB>')).toBe('who=U0BOB');
    expect(unformatSlackText('group=<!subteam^S0ONCALL|@oncall>')).toBe('group=S0ONCALL');
    expect(unformatSlackText('note=a&amp;b &lt;c&gt;')).toBe('note=a&b <c>');
    expect(unformatSlackText('reason=\u201Cwrong user\u201D')).toBe('reason="wrong user"');
  });

  it('keeps quoted values together', () => {
    expect(tokenize('run pb reason="two words" x=1')).toEqual(['run', 'pb', 'reason=two words', 'x=1']);
    expect(tokenize("run pb empty='' y")).toEqual(['run', 'pb', 'empty=', 'y']);
    expect(tokenize('run "unclosed')).toEqual({ error: 'a " quote is not closed' });
  });

  it('parses run, status, list and help, and says what is wrong with anything else', () => {
    expect(parseCommandText('')).toEqual({ kind: 'help' });
    expect(parseCommandText('  HELP ')).toEqual({ kind: 'help' });
    expect(parseCommandText('list')).toEqual({ kind: 'list' });
    expect(parseCommandText('status cordon/pb/<mailto:a@b.com|a@b.com>')).toEqual({
      kind: 'status',
      workflowId: 'cordon/pb/a@b.com',
    });
    expect(
      parseCommandText('run okta-account-compromise login=<mailto:a@b.com|a@b.com> phishingDomains=x.com,y.com'),
    ).toEqual({
      kind: 'run',
      playbook: 'okta-account-compromise',
      inputs: { login: 'a@b.com', phishingDomains: 'x.com,y.com' },
    });
    expect(parseCommandText('run pb a=1=2')).toEqual({ kind: 'run', playbook: 'pb', inputs: { a: '1=2' } });
    expect(parseCommandText('run')).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/which playbook/),
    });
    expect(parseCommandText('run a=1')).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/playbook comes first/),
    });
    expect(parseCommandText('run pb a=1 a=2')).toMatchObject({ kind: 'invalid', message: 'input a is given twice' });
    expect(parseCommandText('run pb =1')).toMatchObject({ kind: 'invalid', message: '"=1" is not name=value' });
    expect(parseCommandText('status')).toMatchObject({ kind: 'invalid' });
    expect(parseCommandText('deploy')).toMatchObject({ kind: 'invalid', message: 'unknown subcommand "deploy"' });
  });
});
