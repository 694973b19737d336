/** Who never decides on a run besides its requester: its subject and whoever its detections name, as people. */
import { describe, expect, it } from 'vitest';
import { createLogNotifier } from '../../activities/notify/log-notifier';
import { createStaticDirectory } from '../../activities/notify/static-directory';
import { createRunServices } from '../../activities/run-services';
import { createDecisionVerifier, createPersonResolver } from '../../activities/verify-decision';
import { alertData } from '../../detections/detection-event';
import { parseDirectory } from '../../people/directory';
import { peopleNamedBy, peopleNamedIn } from '../../workflows/named-people';

const oktaEvent = {
  uuid: 'e1',
  eventType: 'group.user_membership.add',
  actor: { id: '00ucarol', type: 'User', alternateId: 'carol@acme.com' },
  target: [
    { id: '00ubob', type: 'User', alternateId: 'bob@acme.com' },
    { id: '00gadmins', type: 'UserGroup', alternateId: 'unknown' },
  ],
};

describe('people named by a detection', () => {
  it("are an Okta event's actor and target users, by login and Okta id", () => {
    expect(peopleNamedIn(oktaEvent)).toEqual(['carol@acme.com', '00ucarol', 'bob@acme.com', '00ubob']);
    expect(peopleNamedIn({ actor: { type: 'SystemPrincipal', alternateId: 'system@okta.com' } })).toEqual([]);
    expect(peopleNamedIn({ target: { type: 'User', alternateId: 'dana@acme.com' } })).toEqual(['dana@acme.com']);
    expect(peopleNamedIn('not an event')).toEqual([]);
  });

  it('are gathered from every alert, once each', () => {
    const at = '2026-11-29T12:00:00Z';
    expect(
      peopleNamedBy([
        { at, source: 'okta', summary: 'a', data: oktaEvent },
        { at, source: 'okta', summary: 'b', data: { actor: { type: 'User', alternateId: 'carol@acme.com' } } },
        { at, source: 'siem', summary: 'c' },
      ]),
    ).toEqual(['carol@acme.com', '00ucarol', 'bob@acme.com', '00ubob']);
  });

  it('are kept when an event is too large to record whole', () => {
    const large = { ...oktaEvent, debugContext: { blob: 'x'.repeat(20_000) } };
    const data = alertData({ source: 'okta', id: 'e1', payload: large });
    expect(data).toMatchObject({ omitted: expect.stringMatching(/too large/) });
    expect(peopleNamedIn(data)).toEqual(peopleNamedIn(oktaEvent));
  });
});

describe('cordon.resolve_approvers with people left out', () => {
  const people = parseDirectory(
    {
      people: [
        { id: 'bob', slack: 'U0BOB', okta: 'bob@acme.com' },
        { id: 'carol', okta: 'carol@acme.com', emails: ['carol@acme.com'] },
        { id: 'dana', slack: 'U0DANA' },
      ],
    },
    'test',
  );
  // carol has no Slack id in the directory: her Slack profile's e-mail says who U0CAROL is.
  const slackEmailOf = async (userId: string) => (userId === 'U0CAROL' ? 'carol@acme.com' : undefined);
  const services = createRunServices(
    createStaticDirectory({ oncall: ['U0BOB', 'U0CAROL', 'U0DANA', 'U0STRANGER'] }),
    createLogNotifier(() => {}),
    createDecisionVerifier({ people }),
    createPersonResolver({ people, slackEmailOf }),
  );

  it('leaves out every approver who is one of the excluded people, by any of their identities', async () => {
    expect(
      await services['cordon.resolve_approvers']({
        users: [],
        groups: ['oncall'],
        exclude: ['BOB@acme.com', 'carol@acme.com'],
      }),
    ).toEqual(['U0DANA', 'U0STRANGER']);
  });

  it('leaves out an approver listed by the excluded identity itself, even if nobody knows them', async () => {
    expect(
      await services['cordon.resolve_approvers']({ users: ['U0STRANGER'], groups: [], exclude: ['u0stranger'] }),
    ).toEqual([]);
  });
});
