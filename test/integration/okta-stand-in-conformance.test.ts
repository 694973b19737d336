/**
 * The local Okta answers as Okta's published OpenAPI description says: for every endpoint the `okta.*` actions use,
 * success and error bodies validate against the response schema the description gives for that operation and
 * status (OpenAPI 3.0 schemas converted for ajv: `nullable`, `$ref`s into components, discriminator mappings), and
 * every answer carries `Date` and the `X-Rate-Limit-*` headers.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Okta's published description, kept in the repository as a fixture (source and license in its README).
const SPEC_FILE = path.resolve(repoRoot, 'test', 'fixtures', 'okta', 'okta-management.yaml');
const SPEC_ID = 'okta';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * OpenAPI 3.0 schema → JSON Schema that ajv accepts: `nullable` admits `null` (also past an `enum`), boolean
 * `exclusiveMinimum`/`exclusiveMaximum` become numbers, `discriminator` is dropped (applied separately), and local
 * `$ref`s point into the spec added to ajv under SPEC_ID. Shared (YAML-anchored) nodes are converted once.
 */
function toJsonSchema(node: Json, memo = new Map<object, Json>()): Json {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, memo));
  if (!isObject(node)) return node;
  const cached = memo.get(node);
  if (cached !== undefined) return cached;
  const out: JsonObject = {};
  memo.set(node, out);
  for (const [key, value] of Object.entries(node)) {
    if (key === 'discriminator' || key === 'nullable' || key === 'example' || key === 'examples') continue;
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) out[key] = `${SPEC_ID}${value}`;
    else out[key] = toJsonSchema(value, memo);
  }
  for (const bound of ['Minimum', 'Maximum'] as const) {
    const flag = out[`exclusive${bound}`];
    if (typeof flag === 'boolean') {
      delete out[`exclusive${bound}`];
      const limit = out[bound.toLowerCase()];
      if (flag && typeof limit === 'number') {
        out[`exclusive${bound}`] = limit;
        delete out[bound.toLowerCase()];
      }
    }
  }
  if (node.nullable === true) {
    // In OpenAPI 3.0, nullable admits null even where an enum lists only strings.
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

let spec: JsonObject;
let ajv: Ajv;
let okta: OktaStandIn;
const compiled = new Map<Json, ValidateFunction>();

function resolve(node: Json | undefined): Json | undefined {
  if (!isObject(node) || typeof node.$ref !== 'string') return node;
  let target: Json | undefined = spec;
  for (const part of node.$ref.replace(/^#\//, '').split('/')) target = isObject(target) ? target[part] : undefined;
  return resolve(target);
}

function componentName(schema: Json | undefined): string | undefined {
  if (!isObject(schema)) return undefined;
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').at(-1);
  return schema.type === 'array' ? componentName(schema.items) : undefined;
}

function validator(schema: Json): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(toJsonSchema(schema) as object);
    compiled.set(schema, validate);
  }
  return validate;
}

/** The JSON schema the description gives for an operation's response, or ModelError for undeclared error statuses. */
function responseSchema(template: string, method: string, status: number): Json | undefined {
  const operation = resolve(
    resolve(spec.paths && isObject(spec.paths) ? spec.paths[template] : undefined),
  ) as JsonObject;
  const responses = resolve((resolve(operation[method]) as JsonObject).responses) as JsonObject;
  const response = resolve(responses[String(status)]);
  if (!isObject(response)) {
    if (status >= 400) return { $ref: '#/components/schemas/ModelError' };
    throw new Error(`${method.toUpperCase()} ${template} declares no ${status} response`);
  }
  const content = resolve(response.content);
  if (!isObject(content) || Object.keys(content).length === 0) return undefined;
  const json = resolve(content['application/json']);
  return isObject(json) ? json.schema : undefined;
}

function errors(validate: ValidateFunction): string {
  return ajv.errorsText(validate.errors, { separator: '\n' });
}

/** Validates a body against the schema and, for discriminated types, against the schema its discriminator maps to. */
function expectConforms(body: unknown, schema: Json, where: string): void {
  const validate = validator(schema);
  expect(validate(body), `${where}:\n${errors(validate)}`).toBe(true);
  const component = resolve({ $ref: `#/components/schemas/${componentName(schema) ?? ''}` });
  const discriminator = isObject(component) ? component.discriminator : undefined;
  if (!isObject(discriminator) || typeof discriminator.propertyName !== 'string' || !isObject(discriminator.mapping))
    return;
  const { propertyName, mapping } = discriminator;
  for (const item of Array.isArray(body) ? body : [body]) {
    const mapped = mapping[String((item as Record<string, unknown>)[propertyName])];
    if (typeof mapped !== 'string') continue;
    const specific = validator({ $ref: mapped });
    expect(specific(item), `${where} as ${mapped}:\n${errors(specific)}`).toBe(true);
  }
}

interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path template as the description names it. */
  template: string;
  path: string;
  body?: unknown;
  token?: string;
}

/** Makes a raw HTTP call and checks the answer against the description; returns the parsed body. */
async function check(call: Call, expectedStatus: number): Promise<unknown> {
  const response = await fetch(`${okta.url}${call.path}`, {
    method: call.method,
    headers: {
      authorization: `SSWS ${call.token ?? okta.token}`,
      accept: 'application/json',
      ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
  const where = `${call.method} ${call.path} → ${response.status}`;
  expect(response.status, where).toBe(expectedStatus);
  expect(response.headers.get('date'), where).toBeTruthy();
  if (response.status !== 401) {
    for (const header of ['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset']) {
      expect(response.headers.get(header), `${where}: ${header}`).toMatch(/^\d+$/);
    }
  }
  const text = await response.text();
  const body: unknown = text === '' ? undefined : JSON.parse(text);
  const schema = responseSchema(call.template, call.method.toLowerCase(), response.status);
  if (schema === undefined) {
    // `content: {}`: Okta sends nothing, or an empty object.
    expect(body === undefined || JSON.stringify(body) === '{}', `${where}: expected no content`).toBe(true);
  } else {
    expectConforms(body, schema, where);
  }
  return body;
}

beforeAll(async () => {
  spec = parse(await readFile(SPEC_FILE, 'utf8'), { maxAliasCount: -1 }) as JsonObject;
  ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  ajv.addSchema(toJsonSchema({ components: spec.components ?? {} }) as object, SPEC_ID);
  okta = await startOktaStandIn({ seed: 'demo' });
}, 60_000);

afterAll(async () => {
  await okta?.close();
});

describe('the local Okta conforms to the Okta management OpenAPI description', () => {
  it('(the converted schemas still reject a body that breaks them)', () => {
    const user = validator({ $ref: '#/components/schemas/UserGetSingleton' });
    expect(user({ id: 'x', status: 'HAPPY' })).toBe(false);
    expect(
      user({ id: 'x', status: 'ACTIVE', lastLogin: null, profile: { login: 'a@example.com', email: 'nope' } }),
    ).toBe(false);
    expect(user({ id: 'x', status: 'ACTIVE', lastLogin: null, transitioningToStatus: null })).toBe(true);
    const zone = validator({ $ref: '#/components/schemas/IPNetworkZone' });
    expect(zone({ type: 'IP', name: 'z', gateways: [{ type: 'CIDR/32', value: '1.2.3.4' }] })).toBe(false);
  });

  it('for users, their lifecycle and their groups', async () => {
    const alice = okta.user('alice@example.com');
    const dave = okta.user('dave@example.com');
    if (!alice || !dave) throw new Error('demo seed changed');
    const user = (suffix = '') => `/api/v1/users/${alice.id}${suffix}`;
    await check({ method: 'GET', template: '/api/v1/users/{userId}', path: user() }, 200);
    await check({ method: 'GET', template: '/api/v1/users/{userId}', path: '/api/v1/users/alice%40example.com' }, 200);
    await check({ method: 'GET', template: '/api/v1/users/{userId}', path: '/api/v1/users/nobody' }, 404);
    await check({ method: 'GET', template: '/api/v1/users/{userId}/groups', path: user('/groups') }, 200);
    const lifecycle = (action: string) => `/api/v1/users/{userId}/lifecycle/${action}`;
    await check({ method: 'POST', template: lifecycle('suspend'), path: user('/lifecycle/suspend') }, 200);
    await check({ method: 'POST', template: lifecycle('suspend'), path: user('/lifecycle/suspend') }, 400);
    await check({ method: 'POST', template: lifecycle('unsuspend'), path: user('/lifecycle/unsuspend') }, 200);
    await check({ method: 'POST', template: lifecycle('unsuspend'), path: user('/lifecycle/unsuspend') }, 400);
    const reset = '/lifecycle/reset_password';
    await check({ method: 'POST', template: lifecycle('reset_password'), path: user(`${reset}?sendEmail=false`) }, 200);
    await check(
      { method: 'POST', template: lifecycle('expire_password'), path: user('/lifecycle/expire_password') },
      200,
    );
    await check(
      {
        method: 'POST',
        template: lifecycle('expire_password_with_temp_password'),
        path: user('/lifecycle/expire_password_with_temp_password?revokeSessions=true'),
      },
      200,
    );
    await check({ method: 'GET', template: '/api/v1/users/{userId}/factors', path: user('/factors') }, 200);
    await check({ method: 'POST', template: lifecycle('reset_factors'), path: user('/lifecycle/reset_factors') }, 200);
    await check(
      { method: 'POST', template: lifecycle('deactivate'), path: `/api/v1/users/${dave.id}/lifecycle/deactivate` },
      200,
    );
    await check(
      { method: 'POST', template: lifecycle('suspend'), path: '/api/v1/users/nobody/lifecycle/suspend' },
      404,
    );
    const byId = encodeURIComponent(`id eq "${alice.id}" or id eq "${dave.id}"`);
    const listed = await check({ method: 'GET', template: '/api/v1/users', path: `/api/v1/users?filter=${byId}` }, 200);
    // A filter returns deactivated users too (dave was deactivated above).
    expect((listed as Array<{ id: string }>).map((entry) => entry.id).sort()).toEqual([alice.id, dave.id].sort());
    const notSupported = encodeURIComponent('profile.department eq "Sales"');
    await check({ method: 'GET', template: '/api/v1/users', path: `/api/v1/users?filter=${notSupported}` }, 400);
    // Without a filter or search, deactivated users are left out; pages follow an `after` cursor.
    const ids = (body: unknown) => (body as Array<{ id: string }>).map((entry) => entry.id);
    const everyone = ids(await check({ method: 'GET', template: '/api/v1/users', path: '/api/v1/users' }, 200));
    expect(everyone).not.toContain(dave.id);
    expect(everyone).toContain(alice.id);
    const response = await fetch(`${okta.url}/api/v1/users?limit=1`, {
      headers: { authorization: `SSWS ${okta.token}` },
    });
    const next = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
    expect(next).toContain(`after=${everyone[0]}`);
    const second = ids(
      await check(
        { method: 'GET', template: '/api/v1/users', path: new URL(next ?? '').pathname + new URL(next ?? '').search },
        200,
      ),
    );
    expect(second).toEqual([everyone[1]]);
  });

  it('for sessions, grants, apps and refresh tokens', async () => {
    const bob = okta.user('bob@example.com');
    if (!bob) throw new Error('demo seed changed');
    const user = (suffix: string) => `/api/v1/users/${bob.id}${suffix}`;
    await check({ method: 'GET', template: '/api/v1/users/{userId}/grants', path: user('/grants') }, 200);
    await check({ method: 'GET', template: '/api/v1/users/{userId}/clients', path: user('/clients') }, 200);
    const tokens = '/api/v1/users/{userId}/clients/{clientId}/tokens';
    await check({ method: 'GET', template: tokens, path: user('/clients/0oaslack/tokens') }, 200);
    await check({ method: 'DELETE', template: tokens, path: user('/clients/0oaslack/tokens') }, 204);
    await check({ method: 'DELETE', template: '/api/v1/users/{userId}/grants', path: user('/grants') }, 204);
    await check(
      { method: 'DELETE', template: '/api/v1/users/{userId}/sessions', path: user('/sessions?oauthTokens=true') },
      204,
    );
  });

  it('for groups and membership', async () => {
    const carol = okta.user('carol@example.com');
    const quarantine = [...okta.state.groups.values()].find((group) => group.name === 'Quarantine');
    const everyone = [...okta.state.groups.values()].find((group) => group.name === 'Everyone');
    if (!carol || !quarantine || !everyone) throw new Error('demo seed changed');
    await check({ method: 'GET', template: '/api/v1/groups', path: '/api/v1/groups?q=Quar' }, 200);
    await check({ method: 'GET', template: '/api/v1/groups/{groupId}', path: `/api/v1/groups/${quarantine.id}` }, 200);
    await check({ method: 'GET', template: '/api/v1/groups/{groupId}', path: '/api/v1/groups/00gnothere' }, 404);
    const member = '/api/v1/groups/{groupId}/users/{userId}';
    await check({ method: 'PUT', template: member, path: `/api/v1/groups/${quarantine.id}/users/${carol.id}` }, 204);
    await check({ method: 'DELETE', template: member, path: `/api/v1/groups/${quarantine.id}/users/${carol.id}` }, 204);
    await check({ method: 'PUT', template: member, path: `/api/v1/groups/${everyone.id}/users/${carol.id}` }, 400);
  });

  it('for network zones, including a replacement past the gateway limit', async () => {
    const zones = (await check({ method: 'GET', template: '/api/v1/zones', path: '/api/v1/zones' }, 200)) as Array<{
      id: string;
      name: string;
    }>;
    const blocked = zones.find((zone) => zone.name === 'BlockedIpZone');
    if (!blocked) throw new Error('demo seed changed');
    const one = '/api/v1/zones/{zoneId}';
    await check(
      { method: 'GET', template: '/api/v1/zones', path: '/api/v1/zones?filter=usage+eq+%22BLOCKLIST%22' },
      200,
    );
    await check({ method: 'GET', template: one, path: `/api/v1/zones/${blocked.id}` }, 200);
    await check({ method: 'GET', template: one, path: '/api/v1/zones/nzonothere' }, 404);
    const zone = (count: number) => ({
      type: 'IP',
      name: 'BlockedIpZone',
      usage: 'BLOCKLIST',
      gateways: Array.from({ length: count }, (_, index) => ({
        type: 'CIDR',
        value: `10.${index >> 8}.${index & 255}.0/24`,
      })),
      proxies: null,
    });
    await check({ method: 'PUT', template: one, path: `/api/v1/zones/${blocked.id}`, body: zone(3) }, 200);
    await check({ method: 'PUT', template: one, path: `/api/v1/zones/${blocked.id}`, body: zone(5001) }, 400);
  });

  it('for the System Log, with its paging links', async () => {
    const since = encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString());
    const until = encodeURIComponent(new Date().toISOString());
    const filter = encodeURIComponent('eventType eq "user.session.start"');
    const logs = `/api/v1/logs?since=${since}&until=${until}&filter=${filter}&limit=2`;
    const first = await fetch(`${okta.url}${logs}`, { headers: { authorization: `SSWS ${okta.token}` } });
    expect(first.headers.get('link')).toMatch(/<[^>]+after=[^>]+>; rel="next"/);
    await first.text();
    const events = await check({ method: 'GET', template: '/api/v1/logs', path: logs }, 200);
    expect(events).toHaveLength(2);
    await check({ method: 'GET', template: '/api/v1/logs', path: '/api/v1/logs?filter=eventType+eq' }, 400);
    await check({ method: 'GET', template: '/api/v1/logs', path: '/api/v1/logs?since=yesterday' }, 400);
  });

  it('for the errors every endpoint shares: bad token, missing permission, rate limit', async () => {
    const readOnly = okta.addApiToken({ scopes: ['okta.users.read'] });
    const path = `/api/v1/users/${okta.user('carol@example.com')?.id ?? ''}/lifecycle/suspend`;
    await check({ method: 'GET', template: '/api/v1/users/{userId}', path: '/api/v1/users/carol', token: 'bad' }, 401);
    await check(
      { method: 'POST', template: '/api/v1/users/{userId}/lifecycle/suspend', path, token: readOnly.token },
      403,
    );
    okta.faults.inject('getUser', { kind: 'rateLimit', resetInMs: 1_000 });
    await check({ method: 'GET', template: '/api/v1/users/{userId}', path: '/api/v1/users/carol' }, 429);
  });
});
