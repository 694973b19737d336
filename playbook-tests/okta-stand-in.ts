/**
 * A case's local Okta: the stand-in seeded as the case says, the real Okta SDK pointed at it, and its change log read
 * back in the terms a test is written in (a user's login, a zone's or group's name, not the ids Okta made up).
 */
import { asHandlerMap } from '../activities/builtin-handlers';
import type { HandlerMap } from '../activities';
import { createOktaClient } from '../activities/okta/client';
import { createOktaHandlers } from '../activities/okta/handlers';
import { oktaConfigSchema } from '../config/okta';
import { startOktaStandIn, type OktaStandIn } from '../stand-ins/okta';
import type { TestCase } from './schema';

export interface CaseOkta {
  handlers: HandlerMap;
  /** Each distinct change the local Okta accepted, as `{ change, target }` with readable targets. */
  changes(): Array<{ change: string; target: string }>;
  close(): Promise<void>;
}

function readableTarget(okta: OktaStandIn, target: string): string {
  const { state } = okta;
  return target
    .split('/')
    .map((id) => state.users.get(id)?.profile.login ?? state.zones.get(id)?.name ?? state.groups.get(id)?.name ?? id)
    .join('/');
}

export async function startCaseOkta(setup: NonNullable<TestCase['okta']>): Promise<CaseOkta> {
  const okta = await startOktaStandIn({ seed: setup.seed });
  setup.users.forEach((user) => okta.addUser(user));
  setup.zones.forEach((zone) => okta.addZone(zone));
  for (const { minutesAgo, ...signIn } of setup.signIns) {
    okta.addSignIn({ ...signIn, published: new Date(Date.now() - minutesAgo * 60_000).toISOString() });
  }
  const client = createOktaClient(
    oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token: okta.token } }),
  );
  return {
    handlers: asHandlerMap(createOktaHandlers(client)),
    changes: () => {
      const seen = new Map<string, { change: string; target: string }>();
      for (const change of okta.changes) {
        const entry = { change: change.kind, target: readableTarget(okta, change.target) };
        seen.set(`${entry.change} ${entry.target}`, entry);
      }
      return [...seen.values()];
    },
    close: () => okta.close(),
  };
}
