/**
 * Credentials: SSWS tokens and OAuth 2.0 private-key JWT (PEM or JWK) through the real SDK, against the local Okta's
 * token endpoint, which verifies the client assertion's signature with the registered public key. And the client
 * takes its configuration from the worker's config only, never from okta.yaml files, OKTA_CLIENT_* or HTTPS_PROXY.
 */
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionError } from '../../activities/errors';
import { createOktaClient } from '../../activities/okta/client';
import { createOktaHandlers } from '../../activities/okta/handlers';
import { oktaConfigSchema, type OktaConfigInput } from '../../config/okta';
import { startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';
import { recordingContext } from '../../stand-ins/okta/testing';

let okta: OktaStandIn;

beforeEach(async () => {
  okta = await startOktaStandIn();
  okta.addUser({ login: 'alice@example.com', groups: ['Engineering'] });
});

afterEach(async () => {
  await okta.close();
});

function serviceKeys(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk: JsonWebKey = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return {
    pkcs8: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    pkcs1: privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
    jwk: JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid }),
    publicJwk,
  };
}

function handlersWith(auth: OktaConfigInput['auth'], extra: Partial<OktaConfigInput> = {}) {
  return createOktaHandlers(createOktaClient(oktaConfigSchema.parse({ orgUrl: okta.url, auth, ...extra })));
}

const getAlice = (handlers: ReturnType<typeof createOktaHandlers>) =>
  handlers['okta.get_user']({ login: 'alice@example.com' }, recordingContext());

describe('OAuth 2.0 private-key JWT', () => {
  it.each(['pkcs8', 'pkcs1', 'jwk'] as const)(
    'a service app signs in with its private key given as %s and gets a bearer token once',
    async (format) => {
      const keys = serviceKeys('key-1');
      okta.registerServiceApp({ clientId: '0oaservice', keys: [keys.publicJwk], scopes: ['okta.users.read'] });
      const handlers = handlersWith({
        mode: 'privateKey',
        clientId: '0oaservice',
        privateKey: keys[format],
        keyId: 'key-1',
        scopes: ['okta.users.read'],
      });
      expect(await getAlice(handlers)).toMatchObject({ login: 'alice@example.com', groups: [{ name: 'Engineering' }] });
      expect(await getAlice(handlers)).toMatchObject({ login: 'alice@example.com' });
      expect(okta.requestsOf('token').map((request) => request.status)).toEqual([200]);
    },
  );

  it('an expired bearer token is replaced by a new one without failing the action', async () => {
    const keys = serviceKeys('key-1');
    okta.registerServiceApp({ clientId: '0oaservice', keys: [keys.publicJwk], scopes: ['okta.users.read'] });
    okta.setAccessTokenTtl(1);
    const handlers = handlersWith({
      mode: 'privateKey',
      clientId: '0oaservice',
      privateKey: keys.jwk,
      scopes: ['okta.users.read'],
    });
    await getAlice(handlers);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await getAlice(handlers)).toMatchObject({ login: 'alice@example.com' });
    expect(okta.requestsOf('token')).toHaveLength(2);
    expect(okta.requestsOf('getUser').map((request) => request.status)).toEqual([200, 401, 200]);
  });

  it('a key the app did not register is refused at the token endpoint, and the action fails as Forbidden', async () => {
    const registered = serviceKeys('key-1');
    const other = serviceKeys('key-1');
    okta.registerServiceApp({ clientId: '0oaservice', keys: [registered.publicJwk], scopes: ['okta.users.read'] });
    const handlers = handlersWith({
      mode: 'privateKey',
      clientId: '0oaservice',
      privateKey: other.pkcs8,
      keyId: 'key-1',
      scopes: ['okta.users.read'],
    });
    const error = await getAlice(handlers).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ActionError);
    expect(error).toMatchObject({
      type: 'Forbidden',
      message: expect.stringContaining('Okta rejected the credentials'),
    });
    expect(okta.requestsOf('token').every((request) => request.status === 401)).toBe(true);
  });

  it('a bearer token without a scope fails with Forbidden naming the scope', async () => {
    const keys = serviceKeys('key-1');
    okta.registerServiceApp({ clientId: '0oaservice', keys: [keys.publicJwk], scopes: ['okta.users.read'] });
    const handlers = handlersWith({
      mode: 'privateKey',
      clientId: '0oaservice',
      privateKey: keys.pkcs8,
      keyId: 'key-1',
      scopes: ['okta.users.read'],
    });
    await expect(
      handlers['okta.suspend_user']({ userId: 'alice@example.com' }, recordingContext()),
    ).rejects.toMatchObject({
      type: 'Forbidden',
      message: expect.stringContaining('lack the okta.users.manage permission'),
    });
  });
});

describe('configuration comes from the worker only', () => {
  const saved = { cwd: process.cwd(), env: { ...process.env } };

  afterEach(() => {
    process.chdir(saved.cwd);
    process.env = { ...saved.env };
  });

  it('ignores ~/.okta/okta.yaml, ./okta.yaml, OKTA_CLIENT_* variables and HTTPS_PROXY', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'okta-home-'));
    const work = await mkdtemp(path.join(os.tmpdir(), 'okta-cwd-'));
    const elsewhere =
      'okta:\n  client:\n    orgUrl: http://127.0.0.1:9\n    token: from-a-file\n    authorizationMode: PrivateKey\n    clientId: 0oafile\n    scopes: [okta.users.manage]\n    privateKey: not-a-key\n';
    await mkdir(path.join(home, '.okta'));
    await writeFile(path.join(home, '.okta', 'okta.yaml'), elsewhere);
    await writeFile(path.join(work, 'okta.yaml'), elsewhere);
    process.chdir(work);
    Object.assign(process.env, {
      HOME: home,
      OKTA_CLIENT_ORGURL: 'http://127.0.0.1:9',
      OKTA_CLIENT_TOKEN: 'from-the-environment',
      OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      https_proxy: 'http://127.0.0.1:9',
    });
    const client = createOktaClient(
      oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token: okta.token } }),
    );
    expect(client.baseUrl).toBe(okta.url);
    expect(client.authorizationMode).toBe('SSWS');
    expect(await getAlice(createOktaHandlers(client))).toMatchObject({ login: 'alice@example.com' });
  });
});
