/**
 * Builds the Okta SDK client from the worker's `OktaConfig`, and only from it.
 *
 * Left alone, the SDK's `Client` merges `~/.okta/okta.yaml`, `./okta.yaml` and `OKTA_CLIENT_*` variables under the
 * given config, and its HTTP layer picks up `HTTPS_PROXY`. So every field the SDK reads is set explicitly (empty when
 * unused: an explicit value wins over files and variables), and the request executor drops any proxy agent unless
 * the config names a proxy. The GET cache is off (`cacheMiddleware: null`): it would answer a read-back with the
 * status from before the change. The SDK accepts `http://` org URLs as they are; the config allows them only on
 * loopback, for the local Okta. Requests go through `PacedRequestExecutor`, which paces them by Okta's rate limits.
 */
import okta from '@okta/okta-sdk-nodejs';
import type { MetricMeter } from '@temporalio/common';
import type { OktaConfig } from '../../config/okta';
import { OktaRateLimiter } from './rate-limiter';
import { PacedRequestExecutor } from './request-executor';

export const USER_AGENT = 'cordon/0.1';

/** The SDK's own config keys; it has no type for all of them. */
interface SdkClientConfig {
  orgUrl: string;
  authorizationMode: 'SSWS' | 'PrivateKey';
  token: string;
  clientId: string;
  scopes: string[];
  privateKey: string;
  keyId: string;
  userAgent: string;
  httpsProxy?: string;
  cacheMiddleware: null;
  requestExecutor: okta.RequestExecutor;
}

/**
 * The client, with the rate limiter it paces its requests by. A worker builds one client, so every activity of the
 * worker shares one limiter; pass `limiter` to share one between clients of the same org.
 */
export function createOktaClient(
  config: OktaConfig,
  limiter = new OktaRateLimiter(),
  meter?: MetricMeter,
): okta.Client {
  const requestExecutor = new PacedRequestExecutor({
    limiter,
    ...(meter ? { meter } : {}),
    requestTimeoutMs: config.requestTimeoutMs,
    proxyConfigured: config.httpsProxy !== undefined,
  });
  const common = {
    orgUrl: config.orgUrl,
    userAgent: USER_AGENT,
    cacheMiddleware: null,
    requestExecutor,
    ...(config.httpsProxy ? { httpsProxy: config.httpsProxy } : {}),
  };
  const sdkConfig: SdkClientConfig =
    config.auth.mode === 'ssws'
      ? {
          ...common,
          authorizationMode: 'SSWS',
          token: config.auth.token,
          clientId: '',
          scopes: [],
          privateKey: '',
          keyId: '',
        }
      : {
          ...common,
          authorizationMode: 'PrivateKey',
          token: '',
          clientId: config.auth.clientId,
          scopes: config.auth.scopes,
          privateKey: config.auth.privateKey,
          keyId: config.auth.keyId ?? '',
        };
  return new okta.Client(sdkConfig);
}
