import dns from 'node:dns';
import ipaddr from 'ipaddr.js';
import { allowsAddress, allowsName, canonicalHost, EMPTY_ALLOW_LIST, internalName, ipLiteral, refusalFor, type OutboundAllowList, type RefusalReason } from './address.ts';

/** A resolved address: what a connection opens. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a name to every address it has; injectable so tests can play a rebinding DNS server. */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

/** getaddrinfo has no deadline of its own; a stuck resolver must not hold a send or a request. */
const LOOKUP_TIMEOUT_MS = 10_000;

export const systemResolver: Resolver = async (host) => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`lookup of ${host} timed out`), { code: 'ETIMEOUT' })), LOOKUP_TIMEOUT_MS);
  });
  try {
    const found = await Promise.race([dns.promises.lookup(host, { all: true, order: 'ipv4first' }), deadline]);
    return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  } finally {
    clearTimeout(timer);
  }
};

/** The outcome of a check: the name as asked for and the only addresses a connection may use. */
export interface CheckedTarget {
  /** canonical host name or literal, for TLS server name and Host headers */
  host: string;
  port: number | undefined;
  /** non-empty; connect to these and nothing else (no second lookup) */
  addresses: ResolvedAddress[];
  /** true when the host was written as an IP address */
  literal: boolean;
}

/** The target points somewhere this instance must not connect to. */
export class OutboundRefused extends Error {
  override readonly name = 'OutboundRefused';
  constructor(
    readonly reason: RefusalReason,
    readonly host: string,
  ) {
    super(`outbound connection to ${host} refused: ${reason}`);
  }
}

/** The target could not be resolved or reached; nothing the user typed was refused. */
export class OutboundUnreachable extends Error {
  override readonly name = 'OutboundUnreachable';
  constructor(
    readonly host: string,
    readonly code: string,
  ) {
    super(`outbound connection to ${host} failed: ${code}`);
  }
}

export interface CheckOptions {
  allow?: OutboundAllowList;
  resolve?: Resolver;
}

/** The host (and port, when a URL says so) of a URL or a bare host name. */
function splitTarget(hostOrUrl: string | URL): { host: string | undefined; port: number | undefined } {
  if (hostOrUrl instanceof URL || /^[a-z][a-z0-9+.-]*:\/\//i.test(hostOrUrl)) {
    const url = hostOrUrl instanceof URL ? hostOrUrl : new URL(hostOrUrl);
    const host = canonicalHost(url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname);
    return { host, port: url.port ? Number(url.port) : undefined };
  }
  return { host: canonicalHost(hostOrUrl), port: undefined };
}

/**
 * Resolves a host once and refuses loopback, private, link-local, carrier-grade NAT,
 * unique-local, metadata and other non-public targets unless the operator's allow-list names
 * the host or covers the address. Every resolved address must pass: a name that answers with a
 * public and a private address is refused whole. The caller connects to `addresses` only.
 */
export async function checkOutboundTarget(hostOrUrl: string | URL, port?: number, options: CheckOptions = {}): Promise<CheckedTarget> {
  const allow = options.allow ?? EMPTY_ALLOW_LIST;
  let target: { host: string | undefined; port: number | undefined };
  try {
    target = splitTarget(hostOrUrl);
  } catch {
    throw new OutboundRefused('invalid_host', String(hostOrUrl));
  }
  const host = target.host;
  if (!host) throw new OutboundRefused('invalid_host', String(hostOrUrl));
  const finalPort = port ?? target.port;
  const literal = ipLiteral(host);
  if (literal) {
    const reason = refusalFor(literal);
    if (reason && !allowsAddress(allow, literal)) throw new OutboundRefused(reason, host);
    return { host, port: finalPort, literal: true, addresses: [{ address: literal.toString(), family: literal.kind() === 'ipv6' ? 6 : 4 }] };
  }
  // A name with no dot and no literal form that the URL parser accepted (e.g. "intranet") is
  // still looked up: the resolver's answer decides, as it would for any name.
  const namedAllowed = allowsName(allow, host);
  const nameReason = internalName(host);
  if (nameReason && !namedAllowed) throw new OutboundRefused(nameReason, host);
  let addresses: ResolvedAddress[];
  try {
    addresses = await (options.resolve ?? systemResolver)(host);
  } catch (err) {
    throw new OutboundUnreachable(host, (err as NodeJS.ErrnoException).code ?? 'ENOTFOUND');
  }
  if (addresses.length === 0) throw new OutboundUnreachable(host, 'ENOTFOUND');
  if (!namedAllowed) {
    for (const { address } of addresses) {
      if (!ipaddr.isValid(address)) throw new OutboundRefused('invalid_host', host);
      const parsed = ipaddr.parse(address);
      const reason = refusalFor(parsed);
      if (reason && !allowsAddress(allow, parsed)) throw new OutboundRefused(reason, host);
    }
  }
  return { host, port: finalPort, literal: false, addresses };
}
