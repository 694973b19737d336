import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readFile } from 'node:fs/promises';
import { buildAudit, parseExport, readExport, renderText } from '../../audit';
import { verifyDecisionSignatures } from '../../audit/verify-decisions';
import { PeopleDirectory } from '../../people/directory';

const exportShape = z.looseObject({
  cordon: z.unknown().optional(),
  events: z.array(
    z.looseObject({
      workflowExecutionUpdateAcceptedEventAttributes: z
        .looseObject({
          acceptedRequest: z.looseObject({
            input: z.looseObject({ args: z.object({ payloads: z.array(z.looseObject({ data: z.string() })) }) }),
          }),
        })
        .optional(),
    }),
  ),
});

const GOLDEN = 'test/golden/demo-containment-verified-decision.json';
const OLD = 'test/golden/demo-containment-approved.json';

describe('the audit of decisions', () => {
  it('shows who decided, through which channel, and how the worker verified it', async () => {
    const text = renderText(buildAudit((await readExport(GOLDEN)).run)).join('\n');
    expect(text).toMatch(/decided {6}approve by bob at .*\n {4}verified {5}via cli: Ed25519 key SHA256:[0-9a-f]{16}/);
  });

  it('says when a decision was recorded before decisions were verified', async () => {
    const text = renderText(buildAudit((await readExport(OLD)).run)).join('\n');
    expect(text).toContain('verified     no: recorded before decisions were verified');
    expect(await verifyDecisionSignatures((await readExport(OLD)).run, { people: new PeopleDirectory() })).toEqual([
      expect.objectContaining({ claimed: 'bob', outcome: 'unchecked' }),
    ]);
  });

  it('re-checks a signature from the history alone, even by a key this directory does not list', async () => {
    const run = (await readExport(GOLDEN)).run;
    const [check] = await verifyDecisionSignatures(run, { people: new PeopleDirectory() });
    expect(check).toMatchObject({ claimed: 'bob', outcome: 'unchecked' });
    expect(check?.detail).toMatch(/the signature by key SHA256:[0-9a-f]{16} holds, but this people directory/);
    // The same history with the decision's reason changed: the signature no longer covers it.
    const raw = exportShape.parse(JSON.parse(await readFile(GOLDEN, 'utf8')));
    const accepted = raw.events.find((event) => event.workflowExecutionUpdateAcceptedEventAttributes);
    const payload = accepted?.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest.input.args.payloads[0];
    if (!payload) throw new Error('no decision in the golden history');
    const decision = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) as Record<string, unknown>;
    payload.data = Buffer.from(JSON.stringify({ ...decision, reason: 'something else' })).toString('base64');
    delete raw.cordon;
    const tampered = parseExport(JSON.stringify(raw), 'tampered.json').run;
    tampered.workflowId = run.workflowId;
    const [forged] = await verifyDecisionSignatures(tampered, { people: new PeopleDirectory() });
    expect(forged).toMatchObject({ outcome: 'invalid' });
  });
});
