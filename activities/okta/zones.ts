/**
 * IP blocklist actions. Okta replaces a zone as a whole (`PUT /api/v1/zones/{id}`), so adding addresses is read,
 * merge, write, read back: existing entries are kept, addresses an entry already covers are not added twice, and a
 * merge past Okta's entry limit is refused before anything is written.
 *
 * Two runs blocking into one zone at once would each write their own merge and drop the other's entries. Calls in one
 * worker are serialised per zone; across workers, the read-back catches a lost update (EffectNotVerified, retried).
 */
import type okta from '@okta/okta-sdk-nodejs';
import type { NetworkGuardrails } from '../../config/guardrails';
import type { ActionContext } from '../action';
import { count, listed, type Effect, type PlannedChange } from '../effect';
import { ActionError, FAILURE_TYPES } from '../errors';
import { collect, oktaCall } from './call';
import { refuseUnsafeBlocks } from './network-safety';
import { covers, parseCidr, parseZoneAddress, sameNetwork, type Cidr, type IpInterval } from './cidr';
import { notVerified } from './read';
import type { oktaBlockIps, oktaUnblockIps } from './zones-specs';
import type { Input, OktaDescriber, OktaHandler, Output } from './types';

/** Okta's documented gateway limits: the system zone, IP blocklist zones, other IP zones. */
export const ZONE_LIMITS = { system: 5000, blocklist: 1000, other: 150 } as const;

const ZONE_ID = /^nzo[0-9A-Za-z]{17}$/;

function isIpZone(zone: okta.NetworkZone): zone is okta.IPNetworkZone {
  return zone.type === 'IP';
}

function limitOf(zone: okta.NetworkZone): number {
  if (zone.system) return ZONE_LIMITS.system;
  return zone.usage === 'BLOCKLIST' ? ZONE_LIMITS.blocklist : ZONE_LIMITS.other;
}

async function readZone(client: okta.Client, ref: string): Promise<okta.IPNetworkZone & { id: string }> {
  let zone: okta.NetworkZone | undefined;
  if (ZONE_ID.test(ref)) {
    zone = await oktaCall('getNetworkZone', `zone ${ref}`, () => client.networkZoneApi.getNetworkZone({ zoneId: ref }));
  } else {
    const zones = await oktaCall('listNetworkZones', `zone named ${ref}`, async () =>
      collect(await client.networkZoneApi.listNetworkZones()),
    );
    zone = zones.find((candidate) => candidate.name === ref);
    if (!zone)
      throw new ActionError(FAILURE_TYPES.notFound, `Okta has no network zone named ${ref}`, {
        details: { zone: ref },
      });
  }
  const id = zone.id;
  if (!id || !isIpZone(zone)) {
    throw new ActionError(
      FAILURE_TYPES.invalidInput,
      `Okta zone ${ref} is a ${zone.type} zone; only IP zones hold addresses`,
    );
  }
  // Adding attacker addresses to a POLICY zone could grant them what the zone's policies allow.
  if (zone.usage !== 'BLOCKLIST') {
    throw new ActionError(
      FAILURE_TYPES.invalidInput,
      `Okta zone ${zone.name} (${id}) is a ${zone.usage} zone, not an IP blocklist`,
    );
  }
  return Object.assign(zone, { id });
}

interface Entry {
  address: okta.NetworkZoneAddress;
  interval?: IpInterval;
}

function entriesOf(zone: okta.IPNetworkZone): Entry[] {
  return (zone.gateways ?? []).map((address) => ({
    address,
    interval: parseZoneAddress(address.type, address.value ?? ''),
  }));
}

const locks = new Map<string, Promise<unknown>>();

/** Runs `work` after any earlier work on the same zone in this process has finished. */
async function withZoneLock<T>(zoneId: string, work: () => Promise<T>): Promise<T> {
  const previous = locks.get(zoneId) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(work);
  locks.set(zoneId, current);
  try {
    return await current;
  } finally {
    if (locks.get(zoneId) === current) locks.delete(zoneId);
  }
}

async function writeGateways(
  client: okta.Client,
  zone: okta.IPNetworkZone & { id: string },
  gateways: okta.NetworkZoneAddress[],
) {
  const replacement: okta.IPNetworkZone = {
    type: 'IP',
    name: zone.name,
    usage: zone.usage,
    gateways,
    proxies: zone.proxies ?? null,
  };
  await oktaCall('replaceNetworkZone', `zone ${zone.id} (${zone.name})`, () =>
    client.networkZoneApi.replaceNetworkZone({ zoneId: zone.id, zone: replacement }),
  );
  return readZone(client, zone.id);
}

function parsed(cidrs: string[]): Cidr[] {
  // The input schema already checked every address.
  return cidrs.flatMap((text) => parseCidr(text) ?? []);
}

/** The answer of a call with nothing to write: the zone as read, unchanged, and what the read found. */
function unchanged<Fields extends object>(fields: Fields, entries: readonly Entry[], detail: string) {
  return {
    ...fields,
    entries: entries.length,
    changed: false,
    verification: { readBack: true, detail },
  };
}

export async function blockIps(
  client: okta.Client,
  input: Input<typeof oktaBlockIps>,
  context: ActionContext,
  guardrails: NetworkGuardrails,
): Promise<Output<typeof oktaBlockIps>> {
  refuseUnsafeBlocks(parsed(input.cidrs), guardrails);
  const found = await readZone(client, input.zone);
  // Read again under the lock: an earlier call in this worker may just have changed the zone.
  return withZoneLock(found.id, async () => {
    const zone = await readZone(client, found.id);
    if (zone.status === 'INACTIVE') {
      throw new ActionError(
        FAILURE_TYPES.conflict,
        `Okta zone ${zone.name} (${zone.id}) is INACTIVE: its entries block nothing`,
      );
    }
    const entries = entriesOf(zone);
    const limit = limitOf(zone);
    const added: Cidr[] = [];
    const alreadyPresent: string[] = [];
    for (const cidr of parsed(input.cidrs)) {
      const known = [...entries.flatMap((entry) => entry.interval ?? []), ...added];
      if (known.some((interval) => covers(interval, cidr))) alreadyPresent.push(cidr.text);
      else added.push(cidr);
    }
    const base = { zoneId: zone.id, zoneName: zone.name, limit, alreadyPresent };
    if (added.length === 0)
      return unchanged({ ...base, added: [] }, entries, 'read: every address was already in the zone');
    if (entries.length + added.length > limit) {
      throw new ActionError(
        FAILURE_TYPES.limitExceeded,
        `Okta zone ${zone.name} (${zone.id}) holds ${entries.length} entries; adding ${added.length} would pass Okta's limit of ${limit} for this zone`,
        { details: { zoneId: zone.id, entries: entries.length, adding: added.length, limit } },
      );
    }
    const gateways = [
      ...entries.map((entry) => entry.address),
      ...added.map((cidr) => ({ type: 'CIDR' as const, value: cidr.text })),
    ];
    const after = entriesOf(await writeGateways(client, zone, gateways));
    const missing = added.filter((cidr) => !after.some((entry) => entry.interval && covers(entry.interval, cidr)));
    if (missing.length > 0) {
      throw notVerified(
        'replaceNetworkZone',
        `zone ${zone.id}`,
        'the added addresses in the zone',
        `${missing.map((c) => c.text).join(', ')} missing`,
      );
    }
    context.log.info(`Okta block_ips: added ${added.length} address(es) to ${zone.name}`, {
      added: added.map((c) => c.text),
    });
    return {
      ...base,
      entries: after.length,
      added: added.map((cidr) => cidr.text),
      changed: true,
      verification: { readBack: true, detail: `read back: all ${added.length} added address(es) are in the zone` },
    };
  });
}

export const unblockIps: OktaHandler<typeof oktaUnblockIps> = async (client, input, context) => {
  const found = await readZone(client, input.zone);
  // Read again under the lock: an earlier call in this worker may just have changed the zone.
  return withZoneLock(found.id, async () => {
    const zone = await readZone(client, found.id);
    const entries = entriesOf(zone);
    const wanted = parsed(input.cidrs);
    const isWanted = ({ interval }: Entry) =>
      interval !== undefined && wanted.some((cidr) => sameNetwork(cidr, interval));
    const removed = wanted.filter((cidr) => entries.some(({ interval }) => interval && sameNetwork(cidr, interval)));
    const notPresent = wanted.filter((cidr) => !removed.includes(cidr)).map((cidr) => cidr.text);
    // Undoing a block: an address the block added that is gone now was removed by someone since.
    const leftAlone =
      input.ifPresent && notPresent.length > 0
        ? `${notPresent.join(', ')} no longer in zone ${zone.name}, where the block being undone left them: changed since, left alone`
        : undefined;
    const base = {
      zoneId: zone.id,
      zoneName: zone.name,
      limit: limitOf(zone),
      notPresent,
      ...(leftAlone ? { leftAlone } : {}),
    };
    if (removed.length === 0)
      return unchanged({ ...base, removed: [] }, entries, 'read: none of the addresses was in the zone');
    const remaining = entries.filter((entry) => !isWanted(entry));
    if (remaining.length === 0 && (zone.proxies ?? []).length === 0) {
      throw new ActionError(
        FAILURE_TYPES.conflict,
        `removing these addresses would leave Okta zone ${zone.name} (${zone.id}) empty, which Okta refuses for an IP zone: deactivate the zone instead`,
      );
    }
    const after = entriesOf(
      await writeGateways(
        client,
        zone,
        remaining.map((entry) => entry.address),
      ),
    );
    const still = removed.filter((cidr) => after.some((entry) => entry.interval && sameNetwork(cidr, entry.interval)));
    if (still.length > 0) {
      throw notVerified(
        'replaceNetworkZone',
        `zone ${zone.id}`,
        'the addresses gone from the zone',
        `${still.map((c) => c.text).join(', ')} still present`,
      );
    }
    context.log.info(`Okta unblock_ips: removed ${removed.length} address(es) from ${zone.name}`);
    return {
      ...base,
      entries: after.length,
      removed: removed.map((cidr) => cidr.text),
      changed: true,
      verification: { readBack: true, detail: 'read back: the removed addresses are gone from the zone' },
    };
  });
};

/** What one zone write would do: the entries added or removed, and those left as they are. */
function zoneEffect(
  zone: { id: string; name: string },
  verb: string,
  movedCidrs: readonly Cidr[],
  unchanged: string,
  same: string[],
): Effect {
  const moved = movedCidrs.map((cidr) => cidr.text);
  const changes: PlannedChange[] =
    moved.length > 0 ? [{ service: 'okta', operation: 'replaceNetworkZone', target: zone.id }] : [];
  const summary = [
    moved.length > 0
      ? `${verb} ${count(moved.length, 'CIDR')} ${verb === 'add' ? 'to' : 'from'} zone ${zone.name}: ${listed(moved)}`
      : `${verb} nothing ${verb === 'add' ? 'to' : 'from'} zone ${zone.name}`,
    same.length > 0 ? `${unchanged}: ${listed(same)}` : '',
  ];
  return { summary: summary.filter(Boolean).join('; '), changes };
}

export async function describeBlockIps(
  client: okta.Client,
  inputs: Array<Input<typeof oktaBlockIps>>,
  guardrails: NetworkGuardrails,
): Promise<Effect> {
  const effects: Effect[] = [];
  for (const input of inputs) {
    refuseUnsafeBlocks(parsed(input.cidrs), guardrails);
    const zone = await readZone(client, input.zone);
    const known = entriesOf(zone).flatMap((entry) => entry.interval ?? []);
    const added: Cidr[] = [];
    const present: string[] = [];
    for (const cidr of parsed(input.cidrs)) {
      if ([...known, ...added].some((interval) => covers(interval, cidr))) present.push(cidr.text);
      else added.push(cidr);
    }
    if (added.length > 0 && known.length + added.length > limitOf(zone)) {
      throw new ActionError(
        FAILURE_TYPES.limitExceeded,
        `Okta zone ${zone.name} (${zone.id}) holds ${known.length} entries; adding ${added.length} would pass Okta's limit of ${limitOf(zone)}`,
      );
    }
    effects.push(zoneEffect(zone, 'add', added, 'already covered', present));
  }
  return mergeEffects(effects);
}

export const describeUnblockIps: OktaDescriber<typeof oktaUnblockIps> = async (client, inputs) => {
  const effects: Effect[] = [];
  for (const input of inputs) {
    const zone = await readZone(client, input.zone);
    const entries = entriesOf(zone);
    const wanted = parsed(input.cidrs);
    const removed = wanted.filter((cidr) => entries.some(({ interval }) => interval && sameNetwork(cidr, interval)));
    const absent = wanted.filter((cidr) => !removed.includes(cidr)).map((cidr) => cidr.text);
    effects.push(zoneEffect(zone, 'remove', removed, 'not in the zone', absent));
  }
  return mergeEffects(effects);
};

function mergeEffects(effects: Effect[]): Effect {
  return {
    summary: effects.map((effect) => effect.summary).join('; '),
    changes: effects.flatMap((effect) => effect.changes),
  };
}
