import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAudit, parseExport, renderHtml, verifyExport, verifyReport } from '../../audit';
import { auditCommand } from '../../cli/commands/audit';
import { cliContextOver } from '../support/cli-context';

const GOLDEN = path.resolve('test/golden/rejected-approval.json');
let goldenText: string;
let dir: string;

beforeAll(async () => {
  goldenText = await readFile(GOLDEN, 'utf8');
  dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-audit-integrity-'));
});

async function verifyWithCli(
  file: string,
  extra: Record<string, string> = {},
): Promise<{ code: number; lines: string[] }> {
  const context = cliContextOver();
  const code = await auditCommand.run({ positionals: [], values: { verify: file, ...extra } }, context);
  return { code, lines: context.lines };
}

/** Flips one recorded fact inside a payload: the approver's name in the decision. */
function tamperDecision(text: string): string {
  const json = JSON.parse(text) as { events: Array<Record<string, unknown>> };
  const accepted = json.events.find((event) => 'workflowExecutionUpdateAcceptedEventAttributes' in event);
  const encoded = JSON.stringify(accepted);
  const payload = /"data":"([^"]+)"/.exec(encoded)?.[1] ?? '';
  const forged = Buffer.from(Buffer.from(payload, 'base64').toString().replace('"dana"', '"erin"')).toString('base64');
  return text.replace(payload, forged);
}

describe('integrity of exports and reports', () => {
  it('accepts an intact export and rejects one whose history was changed', async () => {
    expect(verifyExport(parseExport(goldenText, GOLDEN))).toMatchObject({ ok: true });
    const intact = await verifyWithCli(GOLDEN);
    expect(intact.code).toBe(0);
    expect(intact.lines.join('\n')).toMatch(/is intact: 57 events, sha256 [0-9a-f]{64}/);

    const tampered = path.join(dir, 'tampered.json');
    await writeFile(tampered, tamperDecision(goldenText));
    expect(parseExport(await readFile(tampered, 'utf8'), tampered).run.history.events?.length).toBe(57);
    const result = await verifyWithCli(tampered);
    expect(result.code).toBe(1);
    expect(result.lines.join('\n')).toMatch(/the history was changed after export/);
  });

  it('gives the same digest whatever the JSON spelling: key order and whitespace do not count', () => {
    const original = parseExport(goldenText, GOLDEN);
    const parsed = JSON.parse(goldenText) as { events: Array<Record<string, unknown>> };
    const reordered = {
      events: parsed.events.map((event) => Object.fromEntries(Object.entries(event).reverse())),
    };
    expect(parseExport(JSON.stringify(reordered), 'reordered.json').digest).toBe(original.digest);
    expect(original.digest).toBe(original.meta?.historySha256);
  });

  it('loads a plain Temporal CLI export but cannot vouch for it', () => {
    const { events } = JSON.parse(goldenText) as { events: unknown[] };
    const plain = parseExport(JSON.stringify({ events }), 'plain.json');
    expect(plain.meta).toBeUndefined();
    expect(verifyExport(plain)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/no cordon integrity record/),
    });
  });

  it('accepts an intact HTML report and rejects a tampered one', async () => {
    const loaded = parseExport(goldenText, GOLDEN);
    const html = renderHtml(buildAudit(loaded.run));
    expect(verifyReport(html)).toMatchObject({ ok: true, historySha256: loaded.digest });

    const file = path.join(dir, 'report.html');
    await writeFile(file, html);
    expect((await verifyWithCli(file)).code).toBe(0);
    expect((await verifyWithCli(file, { history: GOLDEN })).code).toBe(0);

    const forged = path.join(dir, 'forged.html');
    await writeFile(forged, html.replace('false positive: the user was travelling', 'confirmed compromise'));
    const result = await verifyWithCli(forged);
    expect(result.code).toBe(1);
    expect(result.lines.join('\n')).toMatch(/the report was changed after it was made/);
  });

  it('rejects a report checked against a history it was not made from', async () => {
    const html = renderHtml(buildAudit(parseExport(goldenText, GOLDEN).run));
    const file = path.join(dir, 'other-report.html');
    await writeFile(file, html);
    const result = await verifyWithCli(file, { history: path.resolve('test/golden/escalated-approval.json') });
    expect(result.code).toBe(1);
    expect(result.lines.join('\n')).toMatch(/not from the given history/);
  });
});
