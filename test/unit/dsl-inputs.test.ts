import { describe, expect, it } from 'vitest';
import { InputError, validateRunInputs, type Plan, type PlanInput } from '../../dsl';

function planWith(inputs: Record<string, PlanInput>): Plan {
  return {
    interpreter: 1,
    id: 'p',
    version: '1',
    title: 'P',
    sha256: '',
    source: '',
    inputs,
    onFailure: 'abort',
    steps: [],
  };
}

const plan = planWith({
  login: { type: 'email', required: true },
  domains: { type: 'list', of: 'domain', required: false, default: [] },
  count: { type: 'number', required: false, default: 1 },
  dryRun: { type: 'boolean', required: false },
  address: { type: 'ip', required: false },
  range: { type: 'cidr', required: false },
  note: { type: 'string', required: false },
});

function problems(raw: Record<string, unknown>): readonly string[] {
  try {
    validateRunInputs(plan, raw);
  } catch (error) {
    if (error instanceof InputError) return error.problems;
    throw error;
  }
  return [];
}

describe('run inputs', () => {
  it('applies defaults and leaves out optional inputs that were not given', () => {
    expect(validateRunInputs(plan, { login: 'bob@example.com' })).toEqual({
      login: 'bob@example.com',
      domains: [],
      count: 1,
    });
  });

  it('coerces command-line strings to their declared types', () => {
    expect(
      validateRunInputs(plan, {
        login: ' bob@example.com ',
        domains: 'Twilio-Okta.com, sso-okta.net.',
        count: '3',
        dryRun: 'yes',
        address: '2001:db8::1',
        range: '10.0.0.0/8',
        note: 'x',
      }),
    ).toEqual({
      login: 'bob@example.com',
      domains: ['twilio-okta.com', 'sso-okta.net'],
      count: 3,
      dryRun: true,
      address: '2001:db8::1',
      range: '10.0.0.0/8',
      note: 'x',
    });
  });

  it('reads a list given as JSON', () => {
    expect(validateRunInputs(plan, { login: 'a@b.co', domains: '["a.com","b.org"]' }).domains).toEqual([
      'a.com',
      'b.org',
    ]);
    expect(validateRunInputs(plan, { login: 'a@b.co', domains: ['c.net'] }).domains).toEqual(['c.net']);
  });

  it('accepts IPv4 and IPv6 addresses and ranges', () => {
    expect(validateRunInputs(plan, { login: 'a@b.co', address: '192.0.2.7', range: '2001:db8::/32' })).toMatchObject({
      address: '192.0.2.7',
      range: '2001:db8::/32',
    });
  });

  it('names each input and what is wrong with it, all at once', () => {
    expect(
      problems({
        login: 'bob',
        domains: 'ok.com,https://evil.example/login',
        count: 'three',
        dryRun: 'maybe',
        address: '300.1.1.1',
        range: '10.0.0.0',
      }),
    ).toEqual([
      'input "login": "bob" is not an e-mail address',
      'input "domains": item 2: "https://evil.example/login" is not a domain name (give the host only, e.g. example.com)',
      'input "count": "three" is not a number',
      'input "dryRun": "maybe" is not true or false',
      'input "address": "300.1.1.1" is not an IPv4 or IPv6 address',
      'input "range": "10.0.0.0" is not a CIDR range such as 10.0.0.0/8',
    ]);
  });

  it('requires required inputs', () => {
    expect(problems({})).toEqual(['input "login" is required']);
  });

  it('refuses inputs the playbook does not declare, suggesting the one meant', () => {
    expect(problems({ login: 'a@b.co', cuont: 2 })).toEqual([
      'input "cuont": the playbook has no such input (did you mean "count"?); it takes login, domains, count, dryRun, address, range, note',
    ]);
  });

  it('rejects a list that is not valid JSON', () => {
    expect(problems({ login: 'a@b.co', domains: '["a.com"' })).toEqual([
      'input "domains": "[\\"a.com\\"" is not a JSON list',
    ]);
  });

  it('says which playbook the inputs were for', () => {
    expect(() => validateRunInputs(plan, {})).toThrow('invalid inputs for playbook p:\n  input "login" is required');
  });
});
