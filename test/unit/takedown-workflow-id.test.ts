import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../activities/registry';
import { loadPlan, validateRunInputs } from '../../dsl';
import { planDedupeKey, workflowIdFor } from '../../runs/workflow-id';

const plan = loadPlan('playbooks/phishing-domain-takedown.yaml', builtinRegistry);
const idOf = (raw: Record<string, unknown>) => workflowIdFor(plan, planDedupeKey(plan, validateRunInputs(plan, raw)));

describe('workflow ids of takedowns', () => {
  it('name the domain when the run takes down one domain', () => {
    expect(idOf({ domains: 'Twilio-Okta.com' })).toMatch(
      /^cordon\/phishing-domain-takedown\/twilio-okta\.com-[0-9a-f]{16}$/,
    );
  });

  it('count the domains when there are several, and still differ by inputs', () => {
    const id = idOf({ domains: 'twilio-okta.com, twilio-sso.com' });
    expect(id).toMatch(/^cordon\/phishing-domain-takedown\/2_domains-[0-9a-f]{16}$/);
    expect(idOf({ domains: 'twilio-okta.com, twilio-sso.com', providers: 'netcraft' })).not.toBe(id);
  });
});
