/** Governor settings for the tests of limits and held changes. */
import { DEFAULT_GOVERNOR, type GovernorConfig } from '../../config/governor';

/**
 * The default governor with `limits`, whose held changes ask again every second (a minute by default, so a raised
 * limit shows at once) and may wait ten minutes; `overrides` change the rest.
 */
export function testGovernor(
  limits: GovernorConfig['limits'],
  overrides: Partial<GovernorConfig> = {},
): GovernorConfig {
  return { ...DEFAULT_GOVERNOR, limits, recheckMs: 1_000, maxHoldMs: 600_000, ...overrides };
}
