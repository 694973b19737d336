/**
 * Deterministic workflow ids: one per playbook and dedupe key, so starting the same containment twice (a second alert,
 * a double click) joins the running run instead of starting another. Two different keys never share an id: a
 * detection about one user must never join the containment of another.
 *
 * Ids are computed by the clients that start runs (CLI, Slack, the detection receiver), never by workflow code, and a
 * started run keeps the id it was given: changing how ids are made changes no run in flight and no history.
 */
import { canonicalJson, hashValue } from '../dsl/canonical-json';
import { evaluateTemplate } from '../dsl/expressions';
import { InputError } from '../dsl/inputs';
import type { Plan } from '../dsl/plan';

/** Characters a key may keep as they are in a workflow id: readable, and free of the id's own `/` separator. */
const SAFE_KEY = /^[a-z0-9@._+-]+$/;
const UNSAFE_RUN = /[^a-z0-9@._+-]+/g;
/** Workflow ids are limited in length, and event text can be long. */
const MAX_SEGMENT = 200;
/** 64 bits of sha256: finding a second key with the same suffix is out of reach, so the mapping stays one-to-one. */
const HASH_DIGITS = 16;
/** How much of a subject goes into an id without a dedupe template: enough to recognise it in a list. */
const SUBJECT_IN_ID = 80;

/**
 * ASCII letters only: Unicode case mapping would merge look-alikes (the Kelvin sign K lower-cases to k), letting a
 * crafted key join another subject's run.
 */
function foldAsciiCase(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** Thrown when a dedupe template gives no key (empty, null): naming a run by nothing would join unrelated runs. */
export class DedupeKeyError extends Error {
  override readonly name = 'DedupeKeyError';
}

/**
 * The key that names a run: the value of the playbook's (or a trigger's) dedupe template, evaluated once where the
 * template lives, or a hash of all inputs when there is none. Made only by the functions below, so a template's text
 * can never be passed where a key is expected, nor a key evaluated again as a template.
 *
 * Keys compare without regard to ASCII letter case, since logins, e-mail addresses and domains do where cordon acts
 * (`Alice@x.com` and `alice@x.com` are one Okta user, so one containment); any other difference gives another key.
 */
export class DedupeKey {
  private constructor(
    /** The key as given: a string as is, any other value as canonical JSON. */
    readonly value: string,
    /**
     * The workflow id's last segment: the key in lower case when that is a short string of `[a-z0-9@._+-]`;
     * otherwise a readable form of it, `~` and 16 hex digits of the sha256 of the whole (case-folded) key. A verbatim
     * segment never holds `~`, so the two forms cannot meet, and different keys give different segments.
     */
    readonly segment: string,
  ) {}

  /** The key for a value a dedupe template gave. */
  static of(value: unknown): DedupeKey {
    if (value === undefined || value === null || value === '') throw new DedupeKeyError('the dedupe key is empty');
    const text = typeof value === 'string' ? value : canonicalJson(value);
    const folded = foldAsciiCase(text);
    // Only strings stay verbatim: the number 42 and the text "42" are different keys.
    if (typeof value === 'string' && SAFE_KEY.test(folded) && folded.length <= MAX_SEGMENT) {
      return new DedupeKey(text, folded);
    }
    const readable = folded.replace(UNSAFE_RUN, '_').slice(0, MAX_SEGMENT - HASH_DIGITS - 1);
    // A value that is not a string is hashed inside an object, so its JSON text and the same text as a string differ.
    const hash = hashValue(typeof value === 'string' ? folded : { json: folded });
    return new DedupeKey(text, `${readable}~${hash.slice(0, HASH_DIGITS)}`);
  }

  /**
   * The key of a playbook without a dedupe template: a hash of all inputs, so only identical requests share a run,
   * after the run's subject when there is one (`twilio-okta.com-1f2e…`), so a person can tell runs apart by their ids.
   */
  static ofInputs(inputs: Record<string, unknown>, subject?: string): DedupeKey {
    const hash = hashValue(inputs).slice(0, HASH_DIGITS);
    if (!subject) return new DedupeKey(hash, hash);
    const readable = foldAsciiCase(subject).replace(UNSAFE_RUN, '_').slice(0, SUBJECT_IN_ID);
    return new DedupeKey(hash, `${readable}-${hash}`);
  }
}

/**
 * The key of a run started from its inputs alone (CLI, Slack): the playbook's `dedupe` template over the inputs, else
 * a hash of all inputs. A detection derives its key where its trigger's template lives (detections/trigger-matcher.ts).
 */
export function planDedupeKey(plan: Plan, inputs: Record<string, unknown>): DedupeKey {
  if (plan.dedupe === undefined) return DedupeKey.ofInputs(inputs, subjectOf(plan, inputs));
  const value = evaluateTemplate(plan.dedupe, { inputs });
  try {
    return DedupeKey.of(value);
  } catch (error) {
    // The inputs are what to fix: said like any other input problem, so the CLI and Slack show it as one line.
    if (error instanceof DedupeKeyError)
      throw new InputError(plan.id, [`dedupe ${plan.dedupe} is empty for these inputs`]);
    throw error;
  }
}

export function workflowIdFor(plan: Plan, key: DedupeKey): string {
  return `cordon/${plan.id}/${key.segment}`;
}

/** The subject of a run (what it contains), for search and for people. */
export function subjectOf(plan: Plan, inputs: Record<string, unknown>): string | undefined {
  if (!plan.subject) return undefined;
  const value = evaluateTemplate(plan.subject, { inputs });
  return typeof value === 'string' ? value : JSON.stringify(value);
}
