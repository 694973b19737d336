/**
 * Network zones: list, read and replace IP zones, with Okta's validation of a replacement (same type, well-formed
 * addresses, at least one gateway or proxy) and its limit on gateway entries.
 */
import { isIP } from 'node:net';
import { audit } from './audit';
import { malformedBody, validationFailed } from './errors';
import { optionalFilter } from './filter';
import { json, requireRecord, route, type Route, type RouteContext } from './router';
import { zoneJson } from './serialize';
import { nowIso, type OrgState, type ZoneAddress, type ZoneRecord } from './state';

function requireZone(context: RouteContext): ZoneRecord {
  return requireRecord(context, 'zoneId', context.state.zones, 'NetworkZone');
}

export function gatewayLimit(state: OrgState, zone: Pick<ZoneRecord, 'system' | 'usage'>): number {
  if (zone.system) return state.zoneGatewayLimits.system;
  return zone.usage === 'BLOCKLIST' ? state.zoneGatewayLimits.blocklist : state.zoneGatewayLimits.policy;
}

function validAddress(address: ZoneAddress): boolean {
  if (address.type === 'RANGE') {
    const [from, to, ...rest] = address.value.split('-');
    return rest.length === 0 && isIP(from ?? '') !== 0 && isIP(from ?? '') === isIP(to ?? '');
  }
  const [ip, prefix, ...rest] = address.value.split('/');
  const family = isIP(ip ?? '');
  if (rest.length > 0 || family === 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits >= 0 && bits <= (family === 4 ? 32 : 128);
}

function addresses(value: unknown, field: string): ZoneAddress[] | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) throw validationFailed('zone', [`${field}: must be a list of addresses`]);
  return value.map((entry: unknown) => {
    const address = entry as Partial<ZoneAddress> | null;
    if (!address || (address.type !== 'CIDR' && address.type !== 'RANGE') || typeof address.value !== 'string') {
      throw validationFailed('zone', [`${field}: each address needs a type (CIDR or RANGE) and a value`]);
    }
    const checked = { type: address.type, value: address.value };
    if (!validAddress(checked))
      throw validationFailed('zone', [`${field}: ${checked.value} is not a valid ${checked.type}`]);
    return checked;
  });
}

function replaceZone(context: RouteContext) {
  const zone = requireZone(context);
  const body = context.body;
  if (!body || typeof body !== 'object') throw malformedBody();
  const update = body as Record<string, unknown>;
  if (update.type !== zone.type) throw validationFailed('zone', ['type: The type of a network zone cannot change']);
  if (typeof update.name !== 'string' || update.name.length === 0 || update.name.length > 128) {
    throw validationFailed('zone', ['name: The name is required and at most 128 characters long']);
  }
  const usage = update.usage ?? zone.usage;
  if (usage !== 'BLOCKLIST' && usage !== 'POLICY')
    throw validationFailed('zone', ['usage: must be POLICY or BLOCKLIST']);
  const gateways = addresses(update.gateways, 'gateways') ?? [];
  const proxies = addresses(update.proxies, 'proxies');
  if (gateways.length === 0 && (proxies ?? []).length === 0) {
    throw validationFailed('zone', ['gateways: An IP zone must define at least one gateway or proxy']);
  }
  const limit = gatewayLimit(context.state, { system: zone.system, usage });
  if (gateways.length > limit) {
    throw validationFailed('zone', [`gateways: The maximum number of gateways for this zone is ${limit}`]);
  }
  Object.assign(zone, { name: update.name, usage, gateways, proxies, lastUpdated: nowIso() });
  audit(context, { kind: 'replaceNetworkZone', target: zone.id }, 'zone.update', [
    { id: zone.id, type: 'NetworkZone', alternateId: zone.name, displayName: zone.name },
  ]);
  return json(zoneJson(zone, context.baseUrl));
}

export const zoneRoutes: Route[] = [
  route('GET /api/v1/zones', 'listNetworkZones', 'okta.networkZones.read', (context) => {
    const matches = optionalFilter(context.query.get('filter'));
    return json([...context.state.zones.values()].map((zone) => zoneJson(zone, context.baseUrl)).filter(matches));
  }),
  route('GET /api/v1/zones/{zoneId}', 'getNetworkZone', 'okta.networkZones.read', (context) =>
    json(zoneJson(requireZone(context), context.baseUrl)),
  ),
  route('PUT /api/v1/zones/{zoneId}', 'replaceNetworkZone', 'okta.networkZones.manage', replaceZone),
];
