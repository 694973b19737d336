/**
 * Takedown monitors recorded by older code (test/golden/monitors/) still replay against today's workflow code: the
 * changes of issue 18 (a domain that resolves is not down; no reminder while checks fail) are behind patched().
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { readExport, replayHistories, replayLine, verifyExport } from '../../audit';

const MONITORS = path.resolve('test/golden/monitors');
const files = readdirSync(MONITORS)
  .filter((name) => name.endsWith('.json'))
  .map((name) => path.join(MONITORS, name));

describe('golden takedown monitor histories', () => {
  it("still verify and replay against today's workflow code", async () => {
    expect(files.map((file) => path.basename(file))).toContain('takedown-monitor-legacy.json');
    const loaded = await Promise.all(files.map((file) => readExport(file)));
    for (const [index, golden] of loaded.entries())
      expect(verifyExport(golden), files[index]).toMatchObject({ ok: true });
    const outcomes = await replayHistories(
      loaded.map((golden, index) => ({
        label: path.relative(process.cwd(), files[index] ?? ''),
        workflowId: golden.run.workflowId ?? '',
        history: golden.run.history,
      })),
      { workflowBundle: { code: await readFile(inject('workflowBundlePath'), 'utf8') } },
    );
    expect(outcomes.map(replayLine).join('\n')).not.toContain('✗');
    expect(outcomes).toHaveLength(files.length);
  });
});
