/**
 * Whether a text is an IPv4 or IPv6 address, in plain JavaScript: the action specs that validate addresses are part of
 * the sandbox-safe action catalogue (`activities/catalogue.ts`), which the workflow bundle imports, so no `node:net`.
 * Agrees with `node:net`'s `isIP` except that zone ids (`fe80::1%eth0`), meaningless in a blocklist, are refused.
 */

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function isIpv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (half: string | undefined): string[] | undefined =>
    half === undefined || half === '' ? [] : half.split(':');
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  if (!head || !tail) return false;
  const all = [...head, ...tail];
  // An embedded IPv4 address may end the address, standing for the last two groups.
  const last = all.at(-1);
  const v4Tail = last !== undefined && last.includes('.');
  if (v4Tail && !IPV4.test(last)) return false;
  const hexGroups = v4Tail ? all.slice(0, -1) : all;
  if (!hexGroups.every((group) => HEX_GROUP.test(group))) return false;
  const count = hexGroups.length + (v4Tail ? 2 : 0);
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** 4 or 6 for an IP address of that family, 0 for anything else (like `node:net`'s `isIP`). */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (IPV4.test(text)) return 4;
  return isIpv6(text) ? 6 : 0;
}
