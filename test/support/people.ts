/**
 * The people of the tests: one directory listing every person the tests name (with their Slack ids for the Slack
 * testbed and an Ed25519 key each, made fresh for this test process), and a `decide` that signs a decision with the
 * named person's own key, as `cordon approve` does. Tests never bypass verification: they sign.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { stringify } from 'yaml';
import { decideWithKey, type KeyDecision } from '../../runs/decide';
import { publicKeyText } from '../../people/decision-signature';
import { parseDirectory, type DirectoryFile, type PeopleDirectory } from '../../people/directory';
import type { ApprovalState } from '../../workflows/run-state';
import { pendingApproval } from './wait';

export interface TestPerson {
  id: string;
  slack?: string;
  okta?: string;
}

/** Everyone the tests name; the Slack ids are those of the Slack testbed's workspace. */
export const TEST_PEOPLE: readonly TestPerson[] = [
  { id: 'requester', slack: 'U0REQ' },
  { id: 'alice', slack: 'U0ALICE', okta: 'alice@example.com' },
  { id: 'bob', slack: 'U0BOB', okta: 'bob@example.com' },
  { id: 'carol', slack: 'U0CAROL', okta: 'carol@example.com' },
  { id: 'dana', slack: 'U0DANA', okta: 'dana@example.com' },
  { id: 'erin', okta: 'erin@example.com' },
  { id: 'responder', okta: 'responder@example.com' },
  { id: 'mallory', slack: 'U0MALLORY', okta: 'mallory@example.com' },
];

export interface TestKey {
  privateKey: KeyObject;
  publicKey: string;
}

function newKey(): TestKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: publicKeyText(privateKey) };
}

/** Each person's key, by person id. */
export const TEST_KEYS: ReadonlyMap<string, TestKey> = new Map(TEST_PEOPLE.map((person) => [person.id, newKey()]));

/** A key no directory lists. */
export const STRANGER_KEY: TestKey = newKey();

export function testDirectoryFile(groups: DirectoryFile['groups'] = {}): DirectoryFile {
  return {
    people: TEST_PEOPLE.map((person) => ({
      id: person.id,
      ...(person.slack ? { slack: person.slack } : {}),
      ...(person.okta ? { okta: person.okta } : {}),
      emails: person.okta ? [person.okta] : [],
      keys: [keyOf(person.id).publicKey],
    })),
    groups,
  };
}

export function testDirectory(groups: DirectoryFile['groups'] = {}): PeopleDirectory {
  return parseDirectory(testDirectoryFile(groups), 'the test directory');
}

/** Writes the test directory as YAML (for a `cordon` child process's CORDON_DIRECTORY). */
export function writeTestDirectory(file: string, groups: DirectoryFile['groups'] = {}): void {
  writeFileSync(file, stringify(testDirectoryFile(groups)));
}

/** The key of a test person, named by id or Slack id. */
export function keyOf(identity: string): TestKey {
  const person = TEST_PEOPLE.find((candidate) => candidate.id === identity || candidate.slack === identity);
  const key = person && TEST_KEYS.get(person.id);
  if (!key) throw new Error(`the test directory has no person "${identity}"`);
  return key;
}

/** Decides as `approver` (a person of the test directory, by id or Slack id), signed with their key. */
export function decide(
  client: Client,
  workflowId: string,
  request: Omit<KeyDecision, 'inputsHash'> & { inputsHash?: string },
): Promise<ApprovalState> {
  return decideWithKey(client, workflowId, keyOf(request.approver), request);
}

/** Waits until the run asks for the step's approval, then approves it as `approver`, signed with their key. */
export async function approveWhenAsked(
  client: Client,
  handle: WorkflowHandle,
  stepId: string,
  approver = 'responder',
): Promise<ApprovalState> {
  await pendingApproval(handle, stepId);
  return decide(client, handle.workflowId, { stepId, decision: 'approve', approver });
}
