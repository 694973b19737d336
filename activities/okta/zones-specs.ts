/** Attacker addresses: `okta.block_ips` into an IP blocklist zone, and its undo `okta.unblock_ips`. */
import { z } from 'zod';
import { defineAction } from '../action';
import { cidr, leftAlone, zoneChange, zoneInput } from './schemas';

export const oktaUnblockIps = defineAction({
  name: 'okta.unblock_ips',
  description: 'Remove addresses from an Okta IP blocklist zone (the undo of okta.block_ips).',
  impact: 'reversible',
  input: z.object({
    zone: zoneInput,
    cidrs: z.array(cidr).max(5000).describe('Entries to remove; may be empty.'),
    ifPresent: z
      .boolean()
      .default(false)
      .describe(
        'The block being undone left these entries in the zone: one no longer there was removed since, and is reported in leftAlone.',
      ),
  }),
  output: zoneChange.extend({ removed: z.array(z.string()), notPresent: z.array(z.string()), leftAlone }),
});

export const oktaBlockIps = defineAction({
  name: 'okta.block_ips',
  description:
    "Add IPs or CIDR blocks to an Okta IP blocklist zone (read, merge, write, read back), refusing past the zone's entry limit.",
  impact: 'destructive',
  input: z.object({ zone: zoneInput, cidrs: z.array(cidr).min(1).max(1000) }),
  output: zoneChange.extend({
    added: z.array(z.string()),
    alreadyPresent: z.array(z.string()).describe('Given addresses an existing entry already covers.'),
  }),
  undo: {
    action: 'okta.unblock_ips',
    with: { zone: '${{ output.zoneId }}', cidrs: '${{ output.added }}', ifPresent: '${{ true }}' },
  },
});
