/**
 * The people directory: who is who across channels. One file (YAML or JSON, named by `CORDON_DIRECTORY`) lists each
 * person with their Slack user id, Okta login, e-mail addresses and the public keys they sign CLI decisions with, and
 * the approver groups that come from configuration (members by person id, or pinned to a Slack user group id).
 * Requester, subject and approvers are compared as people: any of a person's identities names the same person.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

/** Thrown when the directory file cannot be read or does not validate; names the file and the field. */
export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';
}

const PUBLIC_KEY = /^ed25519:[A-Za-z0-9+/]{43}=$/;

export const personSchema = z
  .object({
    /** A short, stable id (`alice`); approver lists and config groups may name people by it. */
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ., _ or -'),
    name: z.string().min(1).optional(),
    /** Slack user id (`U…` or `W…`). */
    slack: z
      .string()
      .regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id (U… or W…)')
      .optional(),
    /** Okta login (usually an e-mail address). */
    okta: z.string().min(1).optional(),
    emails: z.array(z.email()).default([]),
    /** Ed25519 public keys of `cordon keys init`, as it prints them (`ed25519:…`). */
    keys: z
      .array(z.string().regex(PUBLIC_KEY, 'must be an Ed25519 public key as `cordon keys init` prints it'))
      .default([]),
  })
  .strict();

export const configuredGroupSchema = z.union([
  z.object({ slackGroup: z.string().regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group id (S…)') }).strict(),
  z.object({ members: z.array(z.string().min(1)).min(1) }).strict(),
]);

export const directoryFileSchema = z
  .object({
    people: z.array(personSchema).default([]),
    /** Approver groups of the configuration: a group name → a Slack user group id, or members. */
    groups: z.record(z.string().min(1), configuredGroupSchema).default({}),
  })
  .strict()
  .superRefine((file, context) => {
    const owner = new Map<string, string>();
    for (const [index, person] of file.people.entries()) {
      for (const identity of identitiesOf(person)) {
        const known = owner.get(identity);
        if (known && known !== person.id) {
          context.addIssue({
            code: 'custom',
            path: ['people', index],
            message: `"${identity}" already names person "${known}": one identity, one person`,
          });
        }
        owner.set(identity, person.id);
      }
      for (const key of person.keys) {
        const known = owner.get(key);
        if (known && known !== person.id) {
          context.addIssue({ code: 'custom', path: ['people', index, 'keys'], message: `key is also "${known}"'s` });
        }
        owner.set(key, person.id);
      }
    }
  });

export type Person = z.output<typeof personSchema>;
export type ConfiguredGroup = z.output<typeof configuredGroupSchema>;
export type DirectoryFile = z.output<typeof directoryFileSchema>;

/** Every string that names a person, lowercased: id, Slack id, Okta login, e-mails. */
export function identitiesOf(person: Pick<Person, 'id' | 'slack' | 'okta' | 'emails'>): string[] {
  const all = [person.id, person.slack, person.okta, ...person.emails].filter((value): value is string => !!value);
  return [...new Set(all.map((value) => value.toLowerCase()))];
}

export class PeopleDirectory {
  private readonly byIdentityMap = new Map<string, Person>();
  private readonly byKeyMap = new Map<string, Person>();

  constructor(readonly file: DirectoryFile = { people: [], groups: {} }) {
    for (const person of file.people) {
      for (const identity of identitiesOf(person)) this.byIdentityMap.set(identity, person);
      for (const key of person.keys) this.byKeyMap.set(key, person);
    }
  }

  get people(): readonly Person[] {
    return this.file.people;
  }

  get groups(): Readonly<Record<string, ConfiguredGroup>> {
    return this.file.groups;
  }

  /** The person any of whose identities (id, Slack id, Okta login, e-mail) is `identity`, case-insensitively. */
  byIdentity(identity: string): Person | undefined {
    return this.byIdentityMap.get(identity.toLowerCase());
  }

  /** The person holding a CLI public key (`ed25519:…`). */
  byKey(publicKey: string): Person | undefined {
    return this.byKeyMap.get(publicKey);
  }
}

/** Validates parsed directory content; `where` names the source in errors. */
export function parseDirectory(content: unknown, where: string): PeopleDirectory {
  const parsed = directoryFileSchema.safeParse(content ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
      return `${where}: ${path.replace(/^\./, '') || '(root)'}: ${issue.message}`;
    });
    throw new DirectoryError(`the people directory does not validate:\n${lines.join('\n')}`);
  }
  return new PeopleDirectory(parsed.data);
}

/** Reads and validates the directory file (YAML or JSON). */
export function loadDirectory(file: string): PeopleDirectory {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DirectoryError(`cannot read the people directory ${file}: ${(error as Error).message}`);
  }
  let content: unknown;
  try {
    content = parse(text) as unknown;
  } catch (error) {
    throw new DirectoryError(`${file} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseDirectory(content, file);
}
