import { describe, expect, it } from 'vitest';
import { causeMessages, errorFirstLine, errorMessage } from '../../activities/error-message';

describe('error messages', () => {
  it("give an Error's message, or anything else thrown as text", () => {
    expect(errorMessage(new Error('Okta suspendUser failed: 403'))).toBe('Okta suspendUser failed: 403');
    expect(errorMessage('a string')).toBe('a string');
    expect(errorMessage(42)).toBe('42');
  });

  it("keep only the first line of a many-line refusal, and an empty message's empty line", () => {
    expect(errorFirstLine(new Error('refused\n  at server\n  detail'))).toBe('refused');
    expect(errorFirstLine(new Error(''))).toBe('');
    expect(errorFirstLine('plain')).toBe('plain');
  });

  it('list the messages of the causes, outermost first', () => {
    const error = new Error('start failed', { cause: new Error('namespace has no search attribute') });
    expect(causeMessages(error)).toEqual(['start failed', 'namespace has no search attribute']);
    expect(causeMessages('not an error')).toEqual([]);
  });
});
