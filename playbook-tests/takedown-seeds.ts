/** The named seeds of a playbook test's takedown stand-ins (see `takedown-stand-ins.ts`). */
import { OKTAPUS_DOMAINS } from '../stand-ins/rdap/oktapus';

export const TAKEDOWN_SEEDS = ['empty', 'oktapus'] as const;
export type TakedownSeed = (typeof TAKEDOWN_SEEDS)[number];

/** The look-alike domains each seed registers, resolving and served by the local phishing site. */
export const SEEDED_DOMAINS: Record<TakedownSeed, readonly string[]> = {
  empty: [],
  oktapus: OKTAPUS_DOMAINS,
};
