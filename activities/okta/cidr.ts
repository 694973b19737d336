/**
 * IP addresses, CIDR blocks and Okta's `a-b` ranges as numeric intervals, so a blocklist merge can tell that
 * `203.0.113.7` is already covered by `203.0.113.0/24` and that `10.0.0.5/24` and `10.0.0.0/24` are one network.
 */
import { ipFamily } from './ip-family';

export interface IpInterval {
  family: 4 | 6;
  first: bigint;
  last: bigint;
}

export interface Cidr extends IpInterval {
  prefix: number;
  /** Canonical text: network address and prefix, e.g. `203.0.113.0/24`, `2001:db8::/32`. */
  text: string;
}

function bitsOf(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

export function parseIp(text: string): { family: 4 | 6; value: bigint } | undefined {
  const family = ipFamily(text);
  if (family === 4) {
    const value = text.split('.').reduce((sum, part) => (sum << 8n) + BigInt(Number(part)), 0n);
    return { family, value };
  }
  if (family !== 6) return undefined;
  let address = text.toLowerCase();
  // An embedded IPv4 tail (`::ffff:192.0.2.1`) becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  if (v4) {
    const value = parseIp(v4)?.value ?? 0n;
    address = address.slice(0, -v4.length) + `${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return { family: 6, value: groups.reduce((sum, group) => (sum << 16n) + BigInt(parseInt(group, 16)), 0n) };
}

export function formatIp(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, index) => ((value >> BigInt((7 - index) * 16)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups, as RFC 5952 asks.
  let best = { start: -1, length: 0 };
  for (let start = 0; start < 8; start += 1) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === '0') length += 1;
    if (length > best.length && length > 1) best = { start, length };
  }
  if (best.start === -1) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

/** Parses `ip` or `ip/prefix`; host bits are cleared in the canonical text. Undefined when it is neither. */
export function parseCidr(text: string): Cidr | undefined {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  const ip = parseIp(address);
  if (!ip || rest.length > 0) return undefined;
  const bits = bitsOf(ip.family);
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const first = ip.value & ~hostMask;
  return { family: ip.family, first, last: first | hostMask, prefix, text: `${formatIp(ip.family, first)}/${prefix}` };
}

/** Parses an Okta zone address: `CIDR` (or a bare IP) or `RANGE` (`a-b`). */
export function parseZoneAddress(type: string | undefined, value: string): IpInterval | undefined {
  if (type === 'RANGE' || (type === undefined && value.includes('-'))) {
    const [from = '', to = '', ...rest] = value.split('-');
    const start = parseIp(from.trim());
    const end = parseIp(to.trim());
    if (!start || !end || rest.length > 0 || start.family !== end.family || start.value > end.value) return undefined;
    return { family: start.family, first: start.value, last: end.value };
  }
  return parseCidr(value);
}

export function covers(outer: IpInterval, inner: IpInterval): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

export function overlaps(a: IpInterval, b: IpInterval): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

export function sameNetwork(a: IpInterval, b: IpInterval): boolean {
  return a.family === b.family && a.first === b.first && a.last === b.last;
}

/** Whether an address lies in a network: how a log event's client IP is matched against CIDR indicators. */
export function contains(network: IpInterval, ip: string): boolean {
  const parsed = parseIp(ip);
  return (
    parsed !== undefined &&
    parsed.family === network.family &&
    network.first <= parsed.value &&
    parsed.value <= network.last
  );
}
