/**
 * Reading RDAP answers (RFC 9083): the registrar and its abuse contact from a domain, the network and its abuse contact
 * from an address. Registries nest the abuse contact inside the registrar entity (gTLDs must); RIRs nest it inside the
 * organisation, so the search goes down through nested entities.
 */
import { z } from 'zod';

/** A jCard property: `[name, parameters, type, value, ...]`. */
const vcardProperty = z.tuple([z.string(), z.unknown(), z.string()]).rest(z.unknown());

export interface RdapEntity {
  handle?: string;
  roles: string[];
  vcardArray?: unknown;
  publicIds?: { type: string; identifier: string }[];
  entities?: RdapEntity[];
}

export const entitySchema: z.ZodType<RdapEntity, unknown> = z.lazy(() =>
  z.object({
    handle: z.string().optional(),
    roles: z.array(z.string()).default([]),
    vcardArray: z.unknown().optional(),
    publicIds: z.array(z.object({ type: z.string(), identifier: z.string() })).optional(),
    entities: z.array(entitySchema).optional(),
  }),
);

const eventSchema = z.object({ eventAction: z.string(), eventDate: z.string().optional() });

export const rdapDomainSchema = z.object({
  objectClassName: z.literal('domain'),
  ldhName: z.string(),
  status: z.array(z.string()).default([]),
  events: z.array(eventSchema).default([]),
  nameservers: z.array(z.object({ ldhName: z.string() })).default([]),
  entities: z.array(entitySchema).default([]),
});
export type RdapDomain = z.output<typeof rdapDomainSchema>;

export const rdapNetworkSchema = z.object({
  objectClassName: z.literal('ip network'),
  handle: z.string().optional(),
  name: z.string().optional(),
  startAddress: z.string().optional(),
  endAddress: z.string().optional(),
  country: z.string().optional(),
  entities: z.array(entitySchema).default([]),
});
export type RdapNetwork = z.output<typeof rdapNetworkSchema>;

export interface VCard {
  name?: string;
  emails: string[];
}

/** The formatted name and e-mail addresses of an entity's jCard; anything malformed is ignored, not fatal. */
export function readVCard(vcardArray: unknown): VCard {
  const card: VCard = { emails: [] };
  if (!Array.isArray(vcardArray) || vcardArray[0] !== 'vcard' || !Array.isArray(vcardArray[1])) return card;
  for (const raw of vcardArray[1]) {
    const property = vcardProperty.safeParse(raw);
    if (!property.success) continue;
    const [name, , , value] = property.data;
    if (typeof value !== 'string' || value.trim() === '') continue;
    if (name === 'fn') card.name = value.trim();
    if (name === 'email')
      card.emails.push(
        value
          .replace(/^mailto:/i, '')
          .trim()
          .toLowerCase(),
      );
  }
  return card;
}

/** Entities with a role, depth first, including nested ones. */
function findEntities(entities: readonly RdapEntity[], role: string): RdapEntity[] {
  const found: RdapEntity[] = [];
  for (const entity of entities) {
    if (entity.roles.includes(role)) found.push(entity);
    found.push(...findEntities(entity.entities ?? [], role));
  }
  return found;
}

function abuseEmails(entities: readonly RdapEntity[]): string[] {
  return [...new Set(findEntities(entities, 'abuse').flatMap((entity) => readVCard(entity.vcardArray).emails))];
}

export interface RegistrarInfo {
  name?: string;
  ianaId?: string;
  abuseEmails: string[];
}

/**
 * The registrar and its abuse addresses. The abuse contact is looked for inside the registrar entity first (where
 * ICANN's gTLD profile puts it), then anywhere in the answer (where some ccTLD registries put it).
 */
export function registrarOf(domain: RdapDomain): RegistrarInfo {
  const registrar = domain.entities.find((entity) => entity.roles.includes('registrar'));
  const nested = registrar ? abuseEmails(registrar.entities ?? []) : [];
  return {
    name: registrar ? readVCard(registrar.vcardArray).name : undefined,
    ianaId: registrar?.publicIds?.find((id) => id.type === 'IANA Registrar ID')?.identifier,
    abuseEmails: nested.length > 0 ? nested : abuseEmails(domain.entities),
  };
}

/** The date of an event (`registration`, `expiration`, `last changed`). */
export function eventDate(domain: RdapDomain, action: string): string | undefined {
  return domain.events.find((event) => event.eventAction === action)?.eventDate;
}

export interface NetworkInfo {
  name?: string;
  handle?: string;
  range?: string;
  country?: string;
  /** Whose network it is: the registrant's name, or the network's. */
  organisation?: string;
  abuseEmails: string[];
}

export function networkOf(network: RdapNetwork): NetworkInfo {
  const registrant = findEntities(network.entities, 'registrant')[0];
  return {
    name: network.name,
    handle: network.handle,
    range: network.startAddress && network.endAddress ? `${network.startAddress} - ${network.endAddress}` : undefined,
    country: network.country,
    organisation: (registrant && readVCard(registrant.vcardArray).name) ?? network.name,
    abuseEmails: abuseEmails(network.entities),
  };
}
