/**
 * What `okta.block_ips` refuses before it reads or writes anything: blocks wider than the configured prefix (a typo or
 * a poisoned indicator such as `0.0.0.0/0` would lock the whole company out), and blocks that overlap cordon's own
 * egress or the corporate ranges (which would lock out cordon itself, or everyone at the office).
 */
import type { NetworkGuardrails } from '../../config/guardrails';
import { ActionError, FAILURE_TYPES } from '../errors';
import { overlaps, type Cidr } from './cidr';

export function refuseUnsafeBlocks(cidrs: readonly Cidr[], guardrails: NetworkGuardrails): void {
  const tooWide = cidrs.flatMap((cidr) => {
    const min = cidr.family === 4 ? guardrails.minPrefixV4 : guardrails.minPrefixV6;
    return cidr.prefix < min ? [`${cidr.text} is wider than /${min}`] : [];
  });
  if (tooWide.length > 0) {
    throw new ActionError(
      FAILURE_TYPES.invalidInput,
      `okta.block_ips refuses blocks this wide: ${tooWide.join('; ')} (OKTA_BLOCK_MIN_PREFIX_V4 / _V6 set the limit)`,
      { details: { refused: tooWide } },
    );
  }
  const protectedRanges = [
    ...guardrails.egress.map((range) => ({ range, what: "cordon's own egress" })),
    ...guardrails.corporate.map((range) => ({ range, what: 'the corporate range' })),
  ];
  const clashes = cidrs.flatMap((cidr) =>
    protectedRanges
      .filter(({ range }) => overlaps(cidr, range))
      .map(({ range, what }) => `${cidr.text} overlaps ${what} ${range.text}`),
  );
  if (clashes.length > 0) {
    throw new ActionError(FAILURE_TYPES.protectedNetwork, `okta.block_ips refuses: ${clashes.join('; ')}`, {
      details: { refused: clashes },
    });
  }
}
