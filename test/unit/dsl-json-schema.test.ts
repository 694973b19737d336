import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { playbookJsonSchema } from '../../dsl';
import { testRegistry } from '../fixtures/playbooks/test-actions';

function validator() {
  // strict mode catches unknown keywords and malformed schemas; union types (`version`) are valid JSON Schema.
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  return ajv.compile(playbookJsonSchema(testRegistry));
}

const fixture = (name: string): unknown =>
  parse(readFileSync(fileURLToPath(new URL(`../fixtures/playbooks/${name}`, import.meta.url)), 'utf8'));

describe('the playbook JSON Schema', () => {
  it('is a valid draft 2020-12 schema', () => {
    const schema = playbookJsonSchema(testRegistry);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(() => validator()).not.toThrow();
  });

  it('accepts the fixture playbooks', () => {
    const validate = validator();
    for (const name of ['account-compromise.yaml', 'minimal.yaml']) {
      expect(validate(fixture(name)), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('lists the registered actions', () => {
    const validate = validator();
    expect(validate({ id: 'x', title: 'X', steps: [{ id: 'a', action: 'okta.nope' }] })).toBe(false);
    expect(validate.errors?.some((error) => error.instancePath === '/steps/0/action' && error.keyword === 'enum')).toBe(
      true,
    );
  });

  it("checks with against the action's input fields, letting templates through", () => {
    const validate = validator();
    const playbook = (value: unknown, extra: Record<string, unknown> = {}) => ({
      id: 'x',
      title: 'X',
      steps: [{ id: 'a', action: 'core.wait', with: { seconds: value, ...extra } }],
    });
    expect(validate(playbook(5))).toBe(true);
    expect(validate(playbook('${{ inputs.seconds }}'))).toBe(true);
    expect(validate(playbook('ten'))).toBe(false);
    expect(validate(playbook(5, { minutes: 1 }))).toBe(false);
  });

  it('takes enum inputs with their values, and only with them', () => {
    const validate = validator();
    const step = { id: 'a', action: 'core.log', with: { message: 'hi' } };
    const withInputs = (inputs: Record<string, unknown>) => ({ id: 'x', title: 'X', inputs, steps: [step] });
    expect(validate(withInputs({ severity: { type: 'enum', values: ['low', 'high'] } }))).toBe(true);
    expect(validate(withInputs({ providers: { type: 'list', of: 'enum', values: ['email'] } }))).toBe(true);
    expect(validate(withInputs({ severity: { type: 'enum' } }))).toBe(false);
    expect(validate(withInputs({ providers: { type: 'list', of: 'enum' } }))).toBe(false);
    expect(validate(withInputs({ note: { type: 'string', values: ['a'] } }))).toBe(false);
  });

  it('rejects a malformed duration and an unknown field', () => {
    const validate = validator();
    const step = { id: 'a', action: 'core.log', with: { message: 'hi' } };
    expect(validate({ id: 'x', title: 'X', steps: [{ ...step, timeout: '5 minutes' }] })).toBe(false);
    expect(validate({ id: 'x', title: 'X', steps: [step], stepz: [] })).toBe(false);
    expect(validate({ id: 'x', title: 'X', steps: [step] })).toBe(true);
  });
});
