import ipaddr from 'ipaddr.js';

/** Why a target was refused; stable codes that logs, tests and localised problems key on. */
export type RefusalReason =
  | 'invalid_host'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'carrier_grade_nat'
  | 'unique_local'
  | 'metadata'
  | 'unspecified'
  | 'multicast'
  | 'reserved'
  | 'scheme'
  | 'redirect';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Names that reach cloud metadata services or this machine whatever the resolver says. */
const INTERNAL_NAMES = new Set(['localhost', 'metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

/**
 * The host as a connection would see it: lower case, no brackets, no trailing dot, and every
 * numeric IPv4 spelling (2130706433, 0x7f000001, 0177.0.0.1, 127.1) written as a dotted quad.
 * The WHATWG URL parser does this the way browsers and fetch do, so a bare SMTP host and a
 * webhook URL are judged by the same rules. Undefined when it is no host at all.
 */
export function canonicalHost(input: string): string | undefined {
  const raw = input.trim();
  if (!raw || /[\s/?#@\\]/.test(raw)) return undefined;
  // A bare IPv6 address (SMTP host "::1") needs brackets to stand as a URL host.
  const bracketed = raw.includes(':') && !raw.startsWith('[') ? `[${raw}]` : raw;
  try {
    const host = new URL(`http://${bracketed}/`).hostname;
    const unbracketed = host.startsWith('[') ? host.slice(1, -1) : host;
    return unbracketed.replace(/\.$/, '') || undefined;
  } catch {
    return undefined;
  }
}

/** The address when `host` (canonical) is an IP literal. */
export function ipLiteral(host: string): Address | undefined {
  if (!ipaddr.isValid(host)) return undefined;
  // canonicalHost already turned every IPv4 spelling into a dotted quad; accept only that here.
  if (host.includes('.') && !host.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(host)) return undefined;
  return ipaddr.parse(host);
}

/** Whether a name is one that points inside by definition (localhost, metadata services). */
export function internalName(host: string): RefusalReason | undefined {
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  if (INTERNAL_NAMES.has(host)) return 'metadata';
  return undefined;
}

/** Why connecting to this address is refused, or undefined when it is a public unicast address. */
export function refusalFor(address: Address): RefusalReason | undefined {
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    // IPv4 written inside IPv6 (::ffff:127.0.0.1, ::ffff:7f00:1, NAT64, 6to4) is judged by the IPv4 it carries.
    if (v6.isIPv4MappedAddress()) return refusalFor(v6.toIPv4Address());
    // ::/96 held IPv4-compatible addresses (::127.0.0.1), deprecated and never public; ipaddr.js calls them unicast.
    if (v6.match(ipaddr.IPv6.parse('::'), 96)) {
      const range = v6.range();
      return range === 'loopback' ? 'loopback' : range === 'unspecified' ? 'unspecified' : 'reserved';
    }
    // fec0::/10 (site-local, deprecated but still routed inside some networks)
    if (v6.match(ipaddr.IPv6.parse('fec0::'), 10)) return 'unique_local';
    switch (v6.range()) {
      case 'unicast':
        return undefined;
      case 'loopback':
        return 'loopback';
      case 'linkLocal':
        return 'link_local';
      case 'uniqueLocal':
        return 'unique_local';
      case 'unspecified':
        return 'unspecified';
      case 'multicast':
        return 'multicast';
      default:
        return 'reserved';
    }
  }
  const v4 = address as ipaddr.IPv4;
  if (v4.match(ipaddr.IPv4.parse('169.254.169.254'), 32)) return 'metadata';
  switch (v4.range()) {
    case 'unicast':
      return undefined;
    case 'loopback':
      return 'loopback';
    case 'private':
      return 'private';
    case 'linkLocal':
      return 'link_local';
    case 'carrierGradeNat':
      return 'carrier_grade_nat';
    case 'unspecified':
      return 'unspecified';
    case 'multicast':
    case 'broadcast':
      return 'multicast';
    default:
      return 'reserved';
  }
}

/**
 * Hosts and networks the instance operator lets outbound connections reach although they are
 * internal: a self-hoster's SMTP relay on 127.0.0.1, a gateway on the office network.
 */
export interface OutboundAllowList {
  /** exact host names, lower case; an entry ".corp.example" also covers its subdomains */
  names: string[];
  networks: Array<[Address, number]>;
}

export const EMPTY_ALLOW_LIST: OutboundAllowList = { names: [], networks: [] };

/**
 * Parses VAFA_OUTBOUND_ALLOW: comma-separated names, addresses and CIDR networks
 * ("127.0.0.1,smtp.internal,10.0.0.0/8,::1"). Throws on an entry that is none of these.
 */
export function parseAllowList(value: string | undefined): OutboundAllowList {
  const list: OutboundAllowList = { names: [], networks: [] };
  for (const entry of (value ?? '').split(',').map((e) => e.trim().toLowerCase()).filter(Boolean)) {
    if (entry.includes('/')) {
      try {
        list.networks.push(ipaddr.parseCIDR(entry));
      } catch {
        throw new Error(`"${entry}" is not a network (CIDR)`);
      }
      continue;
    }
    const suffix = entry.startsWith('.');
    const host = canonicalHost(suffix ? entry.slice(1) : entry);
    if (!host) throw new Error(`"${entry}" is not a host, address or network`);
    const literal = ipLiteral(host);
    if (literal) list.networks.push([literal, literal.kind() === 'ipv4' ? 32 : 128]);
    else list.names.push(suffix ? `.${host}` : host);
  }
  return list;
}

export function allowsName(list: OutboundAllowList, host: string): boolean {
  return list.names.some((name) => (name.startsWith('.') ? host.endsWith(name) || host === name.slice(1) : host === name));
}

export function allowsAddress(list: OutboundAllowList, address: Address): boolean {
  const candidates: Address[] = [address];
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) candidates.push((address as ipaddr.IPv6).toIPv4Address());
  return candidates.some((a) => list.networks.some(([net, bits]) => net.kind() === a.kind() && a.match(net, bits)));
}
