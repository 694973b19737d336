/**
 * The playbook test language without a server: loading with line:column errors, the checks against the playbook, the
 * comparison and its diff, the JSON Schema, and the command's answers to what it cannot run.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { builtinRegistry } from '../../activities/registry';
import { loadPlaybookDir } from '../../detections/load-plans';
import { compareCase, lineDiff, ranInGroups } from '../../playbook-tests/compare';
import { testFileJsonSchema } from '../../playbook-tests/json-schema';
import { loadTestFile, parseTestSource, TestFileError } from '../../playbook-tests/load';
import { partialMismatches } from '../../playbook-tests/partial-match';
import type { CaseObservation } from '../../playbook-tests/run-case';
import type { StepState } from '../../workflows/run-state';
import { cordon } from '../support/cli';

const PLAYBOOKS = path.resolve('playbooks');
const TEST_FILES = readdirSync(PLAYBOOKS).filter((name) => name.endsWith('.test.yaml'));

/** A test file beside a copy of demo-containment.yaml, in a folder of its own. */
function testFileWith(source: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cordon-pbtest-'));
  writeFileSync(path.join(dir, 'demo-containment.yaml'), readFileSync(path.join(PLAYBOOKS, 'demo-containment.yaml')));
  const file = path.join(dir, 'demo-containment.test.yaml');
  writeFileSync(file, source);
  return file;
}

function issuesOf(file: string): string[] {
  try {
    loadTestFile(file, builtinRegistry);
  } catch (error) {
    if (error instanceof TestFileError)
      return error.issues.map((issue) => `${issue.line}:${issue.column}: ${issue.message}`);
    throw error;
  }
  return [];
}

const INPUTS = '{ login: a@example.com, phishingDomain: x.example, attackerIp: 203.0.113.7 }';

describe('loading a playbook test file', () => {
  it('loads every shipped test file with its playbook', () => {
    for (const name of TEST_FILES) {
      const loaded = loadTestFile(path.join(PLAYBOOKS, name), builtinRegistry);
      expect(loaded.plan.file).toBe(path.join(PLAYBOOKS, name.replace('.test.yaml', '.yaml')));
      expect(loaded.tests.cases.length).toBeGreaterThan(0);
    }
  });

  it('points at an unknown field, and at a case giving both inputs and a detection, by line and column', () => {
    const { issues } = parseTestSource(
      [
        'approvers: { secops-oncall: [oncall] }',
        'cases:',
        '  - name: one',
        `    inputs: ${INPUTS}`,
        '    detection: { source: okta, event: {} }',
        '    expect: { status: succeeded, stpes: [triage] }',
      ].join('\n'),
      'x.test.yaml',
    );
    expect(issues.map((issue) => `${issue.line}:${issue.column}: ${issue.message}`)).toEqual([
      expect.stringMatching(/^3:5: cases\[0\].*give either `inputs` or `detection`/),
      expect.stringMatching(/^6:34: .*unknown field "stpes"/),
    ]);
  });

  it('refuses gates, steps and people the playbook does not have, each where it is written', () => {
    const issues = issuesOf(
      testFileWith(
        [
          'approvers: { secops-oncall: [oncall] }',
          'cases:',
          '  - name: one',
          `    inputs: ${INPUTS}`,
          '    gates: { suspnd: approve, triage: approve, suspend: { decision: approve, by: mallory } }',
          '    expect: { steps: [triage, takedwn] }',
        ].join('\n'),
      ),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^5:14: no step "suspnd" in demo-containment/),
      expect.stringMatching(/^5:31: step "triage" has no approval gate/),
      expect.stringMatching(/^5:57: "mallory" is in no approver group/),
      expect.stringMatching(/^6:31: no step "takedwn"/),
    ]);
  });

  /** The issues of a one-case file (line 5 on) that cans these actions for the demo playbook. */
  const cannedIssues = (actions: string[]) =>
    issuesOf(
      testFileWith(
        ['cases:', '  - name: one', `    inputs: ${INPUTS}`, '    actions:', ...actions, '    expect: {}'].join('\n'),
      ),
    );

  it('refuses a canned output that the action could not return, naming the field its output schema lacks', () => {
    expect(cannedIssues(['      core.wait: { output: { waited: 1 } }', '      okta.nope: { output: {} }'])).toEqual([
      expect.stringMatching(/^5:28: not an output of core.wait: waitedMs: /),
      expect.stringMatching(/^6:7: no action "okta.nope"/),
    ]);
  });

  it('refuses a canned action that no step of the playbook runs, which would leave the case testing nothing', () => {
    expect(cannedIssues(["      okta.get_user: { fail: { type: NotFound, message: 'no user' } }"])).toEqual([
      expect.stringMatching(
        /^5:7: no step of demo-containment runs okta.get_user \(its actions: core.log, core.wait\)/,
      ),
    ]);
  });

  it('refuses a takedown seed or domain it does not know, and expected reports without the takedown stand-ins', () => {
    const issues = issuesOf(
      testFileWith(
        [
          'cases:',
          '  - name: one',
          `    inputs: ${INPUTS}`,
          '    takedown: { seed: 0ktapus, domains: [https://x.example/] }',
          '    expect: { status: succeeded }',
        ].join('\n'),
      ),
    );
    expect(issues).toEqual([
      '4:23: cases[0].takedown.seed: must be one of empty, oktapus (did you mean "oktapus"?)',
      expect.stringMatching(/^4:42: cases\[0\]\.takedown\.domains\[0\]: must be a domain name/),
    ]);
    const second = issuesOf(
      testFileWith(
        [
          'cases:',
          '  - name: two',
          `    inputs: ${INPUTS}`,
          '    expect: { takedown: { mail: [{ to: abuse@registrar.example, subject: x }] } }',
        ].join('\n'),
      ),
    );
    expect(second).toEqual([
      expect.stringMatching(/^4:15: expects reports at the takedown stand-ins, but the case has none \(takedown:\)/),
    ]);
  });

  it('names the playbook file it cannot find', () => {
    expect(issuesOf(testFileWith('playbook: missing.yaml\ncases: [{ name: x, inputs: {}, expect: {} }]'))).toEqual([
      expect.stringMatching(/^1:11: cannot read playbook .*missing\.yaml/),
    ]);
  });
});

describe('the playbook test JSON Schema', () => {
  it('is a valid draft 2020-12 schema that accepts every shipped test file and refuses an unknown field', () => {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(testFileJsonSchema());
    for (const name of TEST_FILES) {
      const content: unknown = parse(readFileSync(path.join(PLAYBOOKS, name), 'utf8'));
      expect(validate(content), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate({ cases: [{ name: 'x', inputs: {}, expect: {}, gatse: {} }] })).toBe(false);
  });
});

describe('comparing a run with its expectation', () => {
  const at = (second: number) => `2026-11-29T10:00:0${second}.000Z`;
  const step = (id: string, start?: number, end?: number): StepState => ({
    id,
    action: 'core.log',
    impact: 'read',
    status: start === undefined ? 'skipped' : 'succeeded',
    ...(start !== undefined ? { startedAt: at(start) } : {}),
    ...(end !== undefined ? { endedAt: at(end) } : {}),
  });
  const observation = (steps: StepState[]): CaseObservation => ({
    status: 'succeeded',
    approvals: [],
    problems: [],
    notes: [],
    state: {
      workflowId: 'w',
      playbook: { id: 'p', version: '1', title: 'P', sha256: '' },
      requester: 'r',
      trigger: { kind: 'cli' },
      inputs: {},
      status: 'succeeded',
      startedAt: at(0),
      endedAt: at(9),
      steps,
      approvals: [],
      alerts: [],
    },
  });

  it('groups steps that overlapped, and passes an order the run kept', () => {
    const steps = [step('a', 0, 1), step('b', 1, 3), step('c', 2, 3), step('d', 4, 5), step('e')];
    expect(ranInGroups(steps)).toEqual([['a'], ['b', 'c'], ['d']]);
    expect(compareCase({ steps: ['a', ['c', 'b'], 'd'], statuses: { e: 'skipped' } }, observation(steps))).toEqual([]);
  });

  it('groups only steps that ran side by side, however late a step of the group before ended', () => {
    // A `needs` left out: takedown started beside triage. Whether it ended before triage's followers started is a
    // race; the groups must not depend on it, nor claim that triage ran beside sessions.
    for (const takedownEnd of [1, 2, 4]) {
      const steps = [
        step('triage', 0, 1),
        step('takedown', 0, takedownEnd),
        step('sessions', 1, 3),
        step('grants', 1, 3),
      ];
      expect(ranInGroups(steps), `takedown ended at ${takedownEnd}`).toEqual([
        ['triage', 'takedown'],
        ['sessions', 'grants'],
      ]);
    }
  });

  it('shows a step that started before the steps listed before it had ended as a diff', () => {
    const steps = [step('a', 0, 1), step('b', 1, 3), step('d', 2, 3)];
    expect(compareCase({ steps: ['a', 'b', 'd'] }, observation(steps))).toEqual([
      { what: 'steps (that ran, in order)', lines: ['  a', '- b', '- d', '+ [b, d]'] },
    ]);
  });

  it('says where a resolved input differs, field by field', () => {
    expect(
      partialMismatches({ a: { b: [1, { c: 2 }] }, d: 'x' }, { a: { b: [1, { c: 3, e: 4 }] }, d: 'x', f: 5 }),
    ).toEqual([{ path: 'a.b[1].c', expected: 2, actual: 3 }]);
  });

  it('says which e-mails and reports the takedown stand-ins received that the case did not expect, and which not', () => {
    const received: CaseObservation = {
      ...observation([]),
      takedown: {
        mail: [
          { to: 'abuse@registrar.example', subject: 'Phishing report: x.example' },
          { to: 'abuse@hosting.example', subject: 'Phishing report: x.example' },
        ],
        netcraft: ['x.example'],
        cloudflare: [],
      },
    };
    const expectation = {
      takedown: {
        mail: [{ to: 'abuse@registrar.example', subject: 'Phishing report: x.example' }],
        netcraft: ['x.example'],
        cloudflare: ['x.example'],
      },
    };
    expect(compareCase(expectation, received)).toEqual([
      {
        what: 'mail (e-mails the local SMTP server accepted)',
        lines: [
          '+ abuse@hosting.example: Phishing report: x.example',
          '  abuse@registrar.example: Phishing report: x.example',
        ],
      },
      { what: 'cloudflare (domains reported to the local Cloudflare)', lines: ['- x.example'] },
    ]);
  });

  it('diffs lines as expected (-) and actual (+)', () => {
    expect(lineDiff(['a', 'b', 'c'], ['a', 'c', 'd'])).toEqual(['  a', '- b', '  c', '+ d']);
  });
});

describe('playbook tests beside the playbooks', () => {
  it('are not loaded as playbooks by the detections receiver', async () => {
    const { plans, failures } = await loadPlaybookDir(PLAYBOOKS, builtinRegistry);
    expect(failures).toEqual([]);
    expect(plans.map((plan) => plan.file).some((file) => file?.endsWith('.test.yaml'))).toBe(false);
  });
});

describe('cordon validate on a playbook test', () => {
  it('checks it as a test of its playbook, every problem with its line and column', async () => {
    const file = testFileWith(
      `cases:\n  - name: x\n    inputs: ${INPUTS}\n    gates: { suspnd: approve }\n    expect: {}`,
    );
    const result = await cordon(['validate', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:4:14: no step "suspnd" in demo-containment`);
  });

  it("says a broken playbook's problems once when given it and its test together", async () => {
    const file = testFileWith(`cases:\n  - name: x\n    inputs: ${INPUTS}\n    expect: {}`);
    const playbook = path.join(path.dirname(file), 'demo-containment.yaml');
    writeFileSync(playbook, readFileSync(playbook, 'utf8').replace(/^title: .*$/m, 'title: 123'));
    const result = await cordon(['validate', playbook, file]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines.filter((line) => line.includes('title: expected string'))).toHaveLength(1);
    expect(lines).toContain(`${file}: not checked: its playbook has the problems above`);
  });
});

describe('cordon test, before any server', () => {
  it('exits 2 for a path that is not a playbook test', async () => {
    const result = await cordon(['test', 'playbooks/demo-containment.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a playbook test: their names end in .test.yaml');
  });

  it('exits 1 for a test file that does not load, with the line and column, and starts no server', async () => {
    const file = testFileWith('cases: [{ name: x, inputs: {}, expect: { status: done } }]');
    const result = await cordon(['test', file, '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { failed: number; files: Array<{ issues: Array<{ line: number }> }> };
    expect(report.failed).toBe(1);
    expect(report.files[0]?.issues[0]?.line).toBe(1);
    expect(result.stderr).not.toContain('dev server');
  });
});
