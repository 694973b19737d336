/**
 * Fault: property-based fuzzing (fast-check) of what a team feeds cordon by hand: playbook YAML through load, lint and
 * compile, and run inputs through input validation. Cases are structure-aware: a shipped playbook with mutations (a
 * value replaced by another shape, a field removed, a step duplicated, a reference bent, a hostile expression), a
 * playbook built from the catalogue's actions, or the YAML text itself cut or spliced. Each case must end in the typed
 * error of its stage (`PlaybookError` with positioned issues, `InputError`) or a result, never a crash, and take less
 * than 100 ms. A case that crashes is shrunk by fast-check to the smallest input that still does, for the report.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { builtinRegistry } from '../../activities/registry';
import { errorMessage } from '../../activities/error-message';
import {
  InputError,
  PlaybookError,
  type PlaybookIssue,
  checkPlaybookSource,
  compilePlaybook,
  loadPlaybookSource,
  validateRunInputs,
} from '../../dsl';
import type { Plan } from '../../dsl/plan';
import type { SeededRandom } from '../../stand-ins/seeded-random';
import type { ScenarioFigures } from './figures';

const PLAYBOOKS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'playbooks');

export interface PlaybookFuzzOptions {
  cases: number;
  random: SeededRandom;
  /** The longest one case may take. @default 100 */
  caseLimitMs?: number;
  log?: (line: string) => void;
}

/** The shipped playbooks (not their test files): the seeds the mutations start from. */
function shippedPlaybooks(): { file: string; source: string }[] {
  return readdirSync(PLAYBOOKS)
    .filter((name) => name.endsWith('.yaml') && !name.endsWith('.test.yaml'))
    .sort()
    .map((name) => ({ file: name, source: readFileSync(path.join(PLAYBOOKS, name), 'utf8') }));
}

type Path = (string | number)[];

/** Every path to a value inside a parsed document (the root excluded), in document order. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const children: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, index): [number, unknown] => [index, item])
    : value !== null && typeof value === 'object'
      ? Object.entries(value)
      : [];
  return children.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

function isContainer(value: unknown): value is Record<string | number, unknown> {
  return value !== null && typeof value === 'object';
}

function parentOf(root: unknown, at: Path): { parent: Record<string | number, unknown>; key: string | number } | null {
  let node: unknown = root;
  for (const key of at.slice(0, -1)) {
    if (!isContainer(node)) return null;
    node = node[key];
  }
  const key = at.at(-1);
  return isContainer(node) && key !== undefined ? { parent: node, key } : null;
}

/** Expressions meant to hurt a parser or evaluator: deep nesting, huge literals, unknown names, broken syntax. */
const hostileExpression: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1, max: 5_000 }).map((depth) => `${'('.repeat(depth)}inputs.login${')'.repeat(depth)}`),
  fc.integer({ min: 1, max: 3_000 }).map((depth) => `${'['.repeat(depth)}1${']'.repeat(depth)}`),
  fc.integer({ min: 1, max: 5_000 }).map((count) => Array.from({ length: count }, () => 'inputs.login').join(' + ')),
  fc.constantFrom(
    'steps.nope.output.id',
    'inputs.login.',
    '1 / 0',
    '"a" * 3',
    'size(',
    '}}',
    '9223372036854775808',
    'inputs.__proto__',
    'constructor.constructor("return process")()',
    'dyn(inputs)[0]',
  ),
  fc.string({ maxLength: 40 }),
);

/** A value of any shape a careless or hostile author might put where another was expected. */
const strangeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  hostileExpression.map((expression) => `\${{ ${expression} }}`),
  fc.constantFrom(
    null,
    '',
    '-5m',
    '0s',
    '99999999999999h',
    '1.5h',
    'P1D',
    Number.MAX_SAFE_INTEGER,
    -1,
    1e308,
    '__proto__',
    'okta.suspend_user',
    'okta.nope',
    'user',
    ['user', 'user'],
    { users: [], groups: [] },
    { action: 'okta.unsuspend_user', with: {} },
  ),
  fc.constantFrom(...builtinRegistry.names()),
);

type Mutation =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'remove'; at: number }
  | { kind: 'expression'; at: number; expression: string }
  | { kind: 'rename'; at: number; key: string }
  | { kind: 'duplicate-step'; at: number }
  | { kind: 'need'; at: number; on: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: strangeValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('expression' as const), at: fc.nat(), expression: hostileExpression }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('rename' as const),
      at: fc.nat(),
      key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'approvals', 'need', 'steps'), fc.string()),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate-step' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('need' as const), at: fc.nat(), on: fc.nat() }) },
);

function steps(document: unknown): unknown[] {
  return isContainer(document) && Array.isArray(document.steps) ? document.steps : [];
}

function applyMutation(document: unknown, change: Mutation): void {
  if (change.kind === 'duplicate-step' || change.kind === 'need') {
    const list = steps(document);
    if (list.length === 0) return;
    const step = list[change.at % list.length];
    if (change.kind === 'duplicate-step') list.push(structuredClone(step));
    else {
      const other = list[change.on % list.length];
      // A `needs` on another step, on itself, or (with two such mutations) a cycle.
      if (isContainer(step) && isContainer(other)) step.needs = [other.id];
    }
    return;
  }
  // An expression goes where a string was, so the rest of the document stays as valid as it was.
  const paths =
    change.kind === 'expression'
      ? pathsOf(document).filter((at) => typeof parentOf(document, at)?.parent[at.at(-1) ?? ''] === 'string')
      : pathsOf(document);
  const target = paths[change.at % Math.max(1, paths.length)];
  if (!target) return;
  const place = parentOf(document, target);
  if (!place) return;
  const { parent, key } = place;
  if (change.kind === 'replace') parent[key] = change.value;
  else if (change.kind === 'expression') parent[key] = `\${{ ${change.expression} }}`;
  else if (change.kind === 'remove') {
    if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
    else delete parent[key];
  } else if (!Array.isArray(parent)) {
    const value = parent[key];
    delete parent[key];
    Object.defineProperty(parent, change.key, { value, enumerable: true, writable: true, configurable: true });
  }
}

/** A shipped playbook, mutated; sometimes its text cut or spliced after. */
function mutatedPlaybook(seeds: readonly string[]): fc.Arbitrary<string> {
  const textEdit = fc.oneof(
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('splice' as const),
      at: fc.nat(),
      text: fc.string({ unit: 'binary', maxLength: 12 }),
    }),
    fc.record({
      kind: fc.constant('splice' as const),
      at: fc.nat(),
      text: fc.constantFrom(
        '\t',
        ': ',
        '- ',
        '&a ',
        '*a',
        '!!js/function ',
        '{',
        '"',
        '\n  - ',
        '<<: *a',
        '%YAML 1.1\n',
      ),
    }),
  );
  return fc
    .record({
      seed: fc.constantFrom(...seeds),
      mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
      text: fc.option(textEdit, { freq: 4 }),
    })
    .map(({ seed, mutations, text }) => {
      const document: unknown = parse(seed);
      for (const change of mutations) applyMutation(document, change);
      const yaml = stringify(document);
      if (!text) return yaml;
      const at = text.at % (yaml.length + 1);
      return text.kind === 'cut' ? yaml.slice(0, at) : yaml.slice(0, at) + text.text + yaml.slice(at);
    });
}

/** A playbook built from scratch out of the catalogue's actions, ids that may clash, and references that may not resolve. */
const builtPlaybook: fc.Arbitrary<string> = fc
  .record({
    id: fc.oneof(fc.constantFrom('fuzzed', 'Bad Id', ''), fc.string({ maxLength: 20 })),
    inputs: fc.dictionary(
      fc.constantFrom('login', 'userId', 'domains', 'count', 'x'),
      fc.record(
        {
          type: fc.constantFrom(
            'string',
            'email',
            'domain',
            'ip',
            'cidr',
            'integer',
            'boolean',
            'list',
            'enum',
            'url',
            'nope',
          ),
          of: fc.constantFrom('string', 'email', 'domain', 'ip', 'enum', 'list'),
          values: fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
          default: strangeValue,
          required: fc.boolean(),
        },
        { requiredKeys: ['type'] },
      ),
      { maxKeys: 4 },
    ),
    steps: fc.array(
      fc.record(
        {
          id: fc.constantFrom('a', 'b', 'c', 'd', 'user'),
          action: fc.constantFrom(...builtinRegistry.names(), 'okta.nope'),
          needs: fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'missing'), { maxLength: 3 }),
          with: fc.dictionary(fc.constantFrom('userId', 'login', 'domain', 'oauthTokens', 'x'), strangeValue, {
            maxKeys: 3,
          }),
          if: hostileExpression,
          forEach: strangeValue,
          approval: fc.record(
            {
              approvers: fc.record({ groups: fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 }) }),
              timeout: fc.constantFrom('30m', '0s', '-1h', 'forever', '100000000000d'),
              onTimeout: fc.constantFrom('escalate', 'reject', 'approve', 'explode'),
              covers: fc.array(fc.constantFrom('a', 'b', 'c', 'missing'), { maxLength: 2 }),
            },
            { requiredKeys: ['approvers'] },
          ),
          undo: fc.oneof(fc.constant(false), strangeValue),
        },
        { requiredKeys: ['id', 'action'] },
      ),
      { minLength: 0, maxLength: 6 },
    ),
  })
  .map(({ id, inputs, steps: list }) => stringify({ id, version: 1, title: 'fuzzed', inputs, steps: list }));

/** Run inputs for a plan: the declared names (and others) with values of the right shape, the wrong one, or none. */
function inputsFor(plan: Plan): fc.Arbitrary<Record<string, unknown>> {
  const names = [...Object.keys(plan.inputs), '__proto__', 'constructor', 'unknown'];
  return fc.dictionary(
    fc.constantFrom(...names),
    fc.oneof(
      strangeValue,
      fc.emailAddress(),
      fc.domain(),
      fc.ipV4(),
      fc.ipV6(),
      fc.constantFrom('true', 'false', '3', '-1', '1e3', '10.0.0.0/8', 'a@b', '["x.example"]', '[', 'a,b,,c'),
      fc.array(fc.oneof(fc.domain(), fc.string(), fc.integer()), { maxLength: 5 }),
    ),
    { maxKeys: 5 },
  );
}

interface CaseResult {
  /** What the playbook ended in: its stage's typed error, a plan, or a crash. */
  ended: 'playbook-error' | 'compiled' | 'crash';
  inputsChecked: number;
  inputErrors: number;
  /** A crash or a malformed issue, in words. */
  problem?: string;
}

interface FuzzCase {
  source: string;
  /** A shipped plan, and run inputs drawn for it (checked against it, and against the fuzzed plan if it compiles). */
  plan: Plan;
  inputs: Record<string, unknown>[];
}

/** Problems of a playbook check's issues: each must say what and where. */
function malformedIssue(issues: readonly PlaybookIssue[]): string | undefined {
  for (const issue of issues) {
    if (!(Number.isInteger(issue.line) && issue.line >= 1 && Number.isInteger(issue.column) && issue.column >= 1))
      return `an issue without a position: ${safeJson(issue)}`;
    if (issue.message.trim() === '') return `an issue without a message: ${safeJson(issue)}`;
  }
  return undefined;
}

/** The playbook through load, lint and compile: a plan, or the typed error (with every issue positioned). */
function loadCase(source: string): { plan?: Plan; problem?: string } {
  let check;
  try {
    check = checkPlaybookSource(source, 'fuzzed.yaml', builtinRegistry);
  } catch (error) {
    return { problem: `checkPlaybookSource threw ${describe(error)}` };
  }
  const malformed = malformedIssue(check.issues);
  if (malformed) return { problem: malformed };
  try {
    const plan = compilePlaybook(loadPlaybookSource(source, 'fuzzed.yaml', builtinRegistry), source, builtinRegistry);
    // The plan is a workflow's input: it must survive JSON.
    JSON.stringify(plan);
    return { plan };
  } catch (error) {
    if (error instanceof PlaybookError && check.issues.length > 0 && error.issues.length > 0) return {};
    return { problem: `load/compile threw ${describe(error)}` };
  }
}

/** Checks one case: what it must survive. */
function runCase(sample: FuzzCase): CaseResult {
  const loaded = loadCase(sample.source);
  const plans = loaded.plan ? [sample.plan, loaded.plan] : [sample.plan];
  let inputsChecked = 0;
  let inputErrors = 0;
  for (const plan of plans) {
    for (const raw of sample.inputs) {
      inputsChecked += 1;
      try {
        validateRunInputs(plan, raw);
      } catch (error) {
        if (error instanceof InputError && error.problems.length > 0) inputErrors += 1;
        else
          return {
            ended: 'crash',
            inputsChecked,
            inputErrors,
            problem: `validateRunInputs(${plan.id}, ${safeJson(raw)}) threw ${describe(error)}`,
          };
      }
    }
  }
  if (loaded.problem) return { ended: 'crash', inputsChecked, inputErrors, problem: loaded.problem };
  return { ended: loaded.plan ? 'compiled' : 'playbook-error', inputsChecked, inputErrors };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${errorMessage(error).slice(0, 300)}` : String(error);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value).slice(0, 200);
  } catch {
    return String(value);
  }
}

/** CPU time (user and system) since `start`, in milliseconds. */
function cpuMs(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

export async function playbookFuzzScenario(options: PlaybookFuzzOptions): Promise<ScenarioFigures> {
  const began = Date.now();
  const log = options.log ?? (() => {});
  const limitMs = options.caseLimitMs ?? 100;
  const fcSeed = options.random.integer(0, 2 ** 31 - 1);
  const shipped = shippedPlaybooks();
  const seeds = shipped.map((playbook) => playbook.source);
  const plans = shipped.map(({ file, source }) =>
    compilePlaybook(loadPlaybookSource(source, file, builtinRegistry), source, builtinRegistry),
  );
  const source = fc.oneof(
    { weight: 6, arbitrary: mutatedPlaybook(seeds) },
    { weight: 3, arbitrary: builtPlaybook },
    {
      weight: 1,
      arbitrary: fc.string({ unit: 'binary', maxLength: 400 }),
    },
  );
  // The inputs of a case are drawn for a shipped plan (whose inputs are known), so most of them reach the checks.
  const caseArbitrary: fc.Arbitrary<FuzzCase> = fc
    .record({
      source,
      plan: fc.constantFrom(...plans),
    })
    .chain(({ source: text, plan }) =>
      fc.array(inputsFor(plan), { minLength: 1, maxLength: 4 }).map((inputs) => ({ source: text, plan, inputs })),
    );

  // A warm-up outside the measure: the first calls pay for compiling the parsers' code.
  for (const sample of fc.sample(caseArbitrary, { seed: fcSeed ^ 0x5eed, numRuns: 50 })) runCase(sample);

  const crashes: { index: number; problem: string; source: string }[] = [];
  const slow: { index: number; ms: number; source: string }[] = [];
  const ended = { 'playbook-error': 0, compiled: 0, crash: 0 };
  let inputsChecked = 0;
  let inputErrors = 0;
  let slowest = 0;
  const durations: number[] = [];
  const wall: number[] = [];
  const batch = 500;
  for (let from = 0; from < options.cases; from += batch) {
    const samples = fc.sample(caseArbitrary, { seed: fcSeed + from, numRuns: Math.min(batch, options.cases - from) });
    for (const [offset, sample] of samples.entries()) {
      const index = from + offset;
      const wallStart = performance.now();
      let start = process.cpuUsage();
      const result = runCase(sample);
      let ms = cpuMs(start);
      wall.push(performance.now() - wallStart);
      // A case is timed in CPU time, not wall-clock time: on a shared machine a case may wait for a core, which is not
      // the product's slowness. A slow case is timed twice more, and its fastest time counts, so a garbage collection
      // does not count either; a case slow by itself is slow every time.
      for (let again = 0; again < 2 && ms >= limitMs; again += 1) {
        start = process.cpuUsage();
        runCase(sample);
        ms = Math.min(ms, cpuMs(start));
      }
      durations.push(ms);
      slowest = Math.max(slowest, ms);
      ended[result.ended] += 1;
      inputsChecked += result.inputsChecked;
      inputErrors += result.inputErrors;
      if (result.problem) crashes.push({ index, problem: result.problem, source: sample.source.slice(0, 2_000) });
      if (ms >= limitMs) slow.push({ index, ms: Math.round(ms), source: sample.source.slice(0, 2_000) });
    }
    log(
      `playbook fuzz: ${Math.min(from + batch, options.cases)}/${options.cases} cases, ${crashes.length} crashes, ${slow.length} slow`,
    );
  }

  // The smallest crashing input, shrunk by fast-check from the first crash it meets (for the report).
  let shrunk: string | undefined;
  if (crashes.length > 0) {
    const verdict = fc.check(
      fc.property(caseArbitrary, (sample) => runCase(sample).ended !== 'crash'),
      { seed: fcSeed, numRuns: options.cases },
    );
    if (verdict.failed && verdict.counterexample) shrunk = JSON.stringify(verdict.counterexample[0]).slice(0, 2_000);
  }

  const failures = [
    ...crashes.slice(0, 5).map((crash) => `case ${crash.index}: ${crash.problem}\n${crash.source.slice(0, 600)}`),
    ...slow
      .slice(0, 5)
      .map((entry) => `case ${entry.index}: took ${entry.ms} ms (limit ${limitMs} ms)\n${entry.source.slice(0, 600)}`),
  ];
  if (crashes.length > 5 || slow.length > 5)
    failures.push(`… ${crashes.length} crashes and ${slow.length} slow cases in all`);
  const sorted = [...durations].sort((a, b) => a - b);
  const p99 = sorted[Math.floor(sorted.length * 0.99)] ?? 0;
  const wallSorted = [...wall].sort((a, b) => a - b);
  const wallP99 = wallSorted[Math.floor(wallSorted.length * 0.99)] ?? 0;
  return {
    fault: 'property-based fuzzing of playbooks and run inputs (fast-check)',
    seed: options.random.seed,
    attempts: options.cases,
    outcome:
      `${ended['playbook-error']} refused with positioned issues, ${ended.compiled} compiled ` +
      `(${inputsChecked} input sets: ${inputErrors} refused, ${inputsChecked - inputErrors} accepted); ` +
      `${ended.crash} crashes; CPU per case p99 ${p99.toFixed(1)} ms, max ${slowest.toFixed(1)} ms ` +
      `(wall-clock p99 ${wallP99.toFixed(1)} ms)`,
    violations: crashes.length + slow.length,
    mustHold: `only typed validation errors, no crash, each case under ${limitMs} ms of CPU`,
    held: failures.length === 0,
    durationMs: Date.now() - began,
    failures,
    details: {
      fastCheckSeed: fcSeed,
      ended,
      inputsChecked,
      inputErrors,
      p99Ms: p99,
      maxMs: slowest,
      wallP99Ms: wallP99,
      crashes,
      slow,
      shrunk,
    },
  };
}
