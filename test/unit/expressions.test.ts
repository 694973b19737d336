import { describe, expect, it } from 'vitest';
import { canonicalJson, hashValue } from '../../dsl/canonical-json';
import { formatDuration, parseDuration } from '../../dsl/duration';
import { evaluateCondition, evaluateTemplate, expressionReferences, ExpressionError } from '../../dsl/expressions';

const scope = { inputs: { login: 'jane@corp.example', ips: ['192.0.2.1', '192.0.2.2'], count: 3 } };

describe('templates', () => {
  it('keep the type of a value when the string is exactly one template', () => {
    expect(evaluateTemplate('${{ inputs.ips }}', scope)).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(evaluateTemplate('${{ size(inputs.ips) }}', scope)).toBe(2);
  });

  it('interpolate text around expressions', () => {
    expect(evaluateTemplate('user ${{ inputs.login }} from ${{ inputs.ips[0] }}', scope)).toBe(
      'user jane@corp.example from 192.0.2.1',
    );
  });

  it('resolve templates deep inside lists and maps', () => {
    expect(evaluateTemplate({ a: ['${{ inputs.count }}'], b: { c: 'x' } }, scope)).toEqual({ a: [3], b: { c: 'x' } });
  });

  it('turn CEL integers into plain numbers', () => {
    expect(evaluateTemplate('${{ [1, 2] }}', {})).toEqual([1, 2]);
  });

  it('name the expression when a key is missing', () => {
    expect(() => evaluateTemplate('${{ inputs.nope }}', scope)).toThrow(ExpressionError);
    expect(() => evaluateTemplate('${{ inputs.nope }}', scope)).toThrow(/expression `inputs.nope`/);
  });
});

describe('conditions', () => {
  it('must give a boolean, so a typo cannot count as false', () => {
    expect(evaluateCondition('"192.0.2.1" in inputs.ips', scope)).toBe(true);
    expect(() => evaluateCondition('inputs.login', scope)).toThrow(/must be true or false/);
  });
});

describe('expression references', () => {
  it('lists variable chains and leaves out macro variables', () => {
    expect(expressionReferences('inputs.ips.map(ip, ip + "/32").size() > 0 && steps.user.output.id != ""')).toEqual([
      ['inputs', 'ips'],
      ['steps', 'user', 'output', 'id'],
    ]);
  });
});

describe('canonical JSON', () => {
  it('gives the same text and hash whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(hashValue({ b: 1, a: 2 })).toBe(hashValue({ a: 2, b: 1 }));
    expect(hashValue({ a: 1 })).not.toBe(hashValue({ a: 2 }));
    expect(hashValue('x')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('durations', () => {
  it('parse units and combinations, and refuse anything else', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(() => parseDuration('5 minutes')).toThrow(/not a duration/);
    expect(formatDuration(5_400_000)).toBe('1h30m');
  });
});
