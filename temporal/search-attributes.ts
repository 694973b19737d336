/**
 * Search attributes cordon sets on every run, so responders and auditors can find runs by subject, incident and
 * playbook (`cordon list --query`, `cordon audit --query`). Registered by the dev server at start and by
 * `ensureSearchAttributes` on an existing namespace (the dev server applies `--search-attribute` only when it
 * creates the namespace).
 */
import type { Connection } from '@temporalio/client';
import { causeMessages } from '../activities/error-message';
import proto from '@temporalio/proto';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SUBJECT = defineSearchAttributeKey('CordonSubject', SearchAttributeType.KEYWORD);
export const INCIDENT = defineSearchAttributeKey('CordonIncident', SearchAttributeType.KEYWORD);
export const PLAYBOOK = defineSearchAttributeKey('CordonPlaybook', SearchAttributeType.KEYWORD);
export const TRIGGER_KIND = defineSearchAttributeKey('CordonTrigger', SearchAttributeType.KEYWORD);

export const CORDON_SEARCH_ATTRIBUTES = [SUBJECT, INCIDENT, PLAYBOOK, TRIGGER_KIND] as const;

/** Thrown when a run cannot start because the namespace lacks one of cordon's search attributes. */
export class SearchAttributesMissingError extends Error {
  override readonly name = 'SearchAttributesMissingError';
  constructor(
    readonly namespace: string,
    readonly attribute: string,
  ) {
    super(
      `namespace ${namespace} has no search attribute ${attribute}: register cordon's search attributes once per ` +
        `namespace (${CORDON_SEARCH_ATTRIBUTES.map((key) => key.name).join(', ')}, all Keyword), e.g. ` +
        `temporal operator search-attribute create --namespace ${namespace} --name ${attribute} --type Keyword ` +
        '(on Temporal Cloud: tcld namespace search-attributes add)',
    );
  }
}

/** The search attribute a server's refusal says the namespace lacks, if that is why it refused. */
export function missingSearchAttribute(error: unknown): string | undefined {
  for (const message of causeMessages(error)) {
    const match = /has no mapping defined for search attribute (\w+)/.exec(message);
    if (match?.[1]) return match[1];
  }
  return undefined;
}

/** `--search-attribute` arguments for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  return CORDON_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]);
}

/** Registers any missing cordon search attribute on a namespace; a no-op when all exist. */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = CORDON_SEARCH_ATTRIBUTES.filter((key) => !known.has(key.name));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      missing.map((key) => [key.name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    ),
  });
  return missing.map((key) => key.name);
}
