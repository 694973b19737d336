import { describe, expect, it } from 'vitest';
import { closingLine, vitestCounts } from '../../scripts/vitest-summary';

const ESC = String.fromCharCode(27);

describe('the closing line of .ci/run', () => {
  it('repeats vitest counts, with skipped and todo tests as skipped', () => {
    const log = `\n Test Files  1 failed | 1 passed (2)\n      Tests  1 failed | 17 passed | 3 skipped | 1 todo (22)\n   Start at  14:08:30\n`;
    expect(closingLine(vitestCounts(log))).toBe('17 passed, 1 failed, 4 skipped');
  });

  it('counts a test file that failed in beforeAll as failed, though vitest shows its tests as skipped', () => {
    const log = ` Test Files  1 failed (1)\n      Tests  2 skipped (2)\n`;
    const counts = vitestCounts(log);
    expect(closingLine(counts)).toBe('0 passed, 1 failed, 2 skipped');
    expect(counts.notes.join()).toContain('outside their tests');
  });

  it('counts unhandled errors, reads coloured output, and leaves out skipped when there are none', () => {
    const log = `${ESC}[2m Test Files ${ESC}[22m ${ESC}[1m${ESC}[32m40 passed${ESC}[39m${ESC}[22m (40)\n${ESC}[2m      Tests ${ESC}[22m ${ESC}[1m${ESC}[32m398 passed${ESC}[39m (398)\n${ESC}[2m     Errors ${ESC}[22m ${ESC}[1m${ESC}[31m2 errors${ESC}[39m\n`;
    expect(closingLine(vitestCounts(log))).toBe('398 passed, 2 failed');
    expect(closingLine(vitestCounts(' Test Files  3 passed (3)\n      Tests  12 passed (12)\n'))).toBe(
      '12 passed, 0 failed',
    );
  });

  it('fails a run whose log has no summary', () => {
    expect(closingLine(vitestCounts('Error: global setup failed\n'))).toBe('0 passed, 1 failed');
  });
});
