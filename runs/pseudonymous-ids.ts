/**
 * Ids of workflows named after what they follow, such as `takedown-monitor/<domain>` (one monitor per domain). A
 * shared cluster reads workflow ids in clear, codec or not, so with the payload codec the part after the type is a
 * keyed pseudonym instead: `takedown-monitor/~<24 hex digits>` (see `AesGcmCodec.pseudonym`); without a codec (a
 * laptop's own dev server) the id stays readable.
 *
 * A run's id (`cordon/<playbook>/<key>`) is made the same way from its dedupe key (see `startRun`), so `cordon status`
 * and `cordon cancel` find a run by the id a responder knows, with the login in it.
 *
 * Every lookup goes by the readable id and tries each id the workflow may have: the pseudonym under the active key,
 * under each older key (an id made before a rotation), then the readable id itself (a workflow started before
 * pseudonyms, or without a codec).
 */
import type { Client } from '@temporalio/client';
import { AesGcmCodec } from '../codec/aes-gcm-codec';
import { codecsOf } from '../codec/data-converter';
import { DedupeKey } from './workflow-id';
import { describeIfExists } from './workflow-description';

/** Marks an id segment that is a pseudonym or hash, never part of a readable id (domains and logins hold no `~`). */
const PSEUDONYM_MARK = '~';

/** A run's id, `cordon/<playbook>/<key segment>`, and what may follow it (`/undo`, `/retry-…`, a chunk's `/step/0`). */
const RUN_ID = /^cordon\/([^/]+)\/([^/]+)(\/.*)?$/;

/**
 * The ids of a run a person names as they know it, `cordon/<playbook>/<login>` (in any letter case), which the run got
 * under its key's pseudonym (see `startRun`), under each codec key.
 */
function runCandidates(codec: AesGcmCodec, readableId: string): string[] | undefined {
  const run = RUN_ID.exec(readableId);
  if (!run) return undefined;
  const [, playbook = '', segment = '', suffix = ''] = run;
  if (segment.startsWith(PSEUDONYM_MARK)) return [readableId];
  // A segment with `~` is already one a key gave (a long or unusual key, see DedupeKey); any other is the key itself.
  const keySegment = segment.includes(PSEUDONYM_MARK) ? segment : DedupeKey.of(segment).segment;
  return [
    ...codec.pseudonyms(keySegment).map((pseudonym) => `cordon/${playbook}/${PSEUDONYM_MARK}${pseudonym}${suffix}`),
    readableId,
  ];
}

/** The ids a workflow named by `readableId` may have, the one a new workflow gets first. */
export function candidateIds(client: Client, readableId: string): string[] {
  const codec = codecsOf(client).find((candidate) => candidate instanceof AesGcmCodec);
  if (!codec) return [readableId];
  const runIds = runCandidates(codec, readableId);
  if (runIds) return runIds;
  const separator = readableId.indexOf('/');
  if (separator < 0 || readableId.startsWith(PSEUDONYM_MARK, separator + 1)) return [readableId];
  const type = readableId.slice(0, separator);
  return [...codec.pseudonyms(readableId).map((pseudonym) => `${type}/${PSEUDONYM_MARK}${pseudonym}`), readableId];
}

/**
 * The id to start a workflow named by `readableId` under: that of one still running under an older id (so a second
 * takedown of a domain joins the monitor started before the codec or a rotation), else the first candidate.
 */
export async function idToStart(client: Client, readableId: string): Promise<string> {
  const [first = readableId, ...older] = candidateIds(client, readableId);
  for (const id of older) {
    if ((await describeIfExists(client, id))?.status.name === 'RUNNING') return id;
  }
  return first;
}

/** The id of the workflow `readableId` names, running or ended (the first that exists); the id as given if none. */
export async function existingId(client: Client, readableId: string): Promise<string> {
  const candidates = candidateIds(client, readableId);
  if (candidates.length === 1) return readableId;
  for (const id of candidates) {
    if (await describeIfExists(client, id)) return id;
  }
  return readableId;
}
