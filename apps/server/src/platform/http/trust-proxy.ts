import type { FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';

type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

const ALIASES: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

function networksOf(entries: string[]): Network[] {
  return entries.flatMap((entry) => ALIASES[entry] ?? [entry]).map((entry) => {
    if (entry.includes('/')) return ipaddr.parseCIDR(entry);
    const address = ipaddr.parse(entry);
    return [address, address.kind() === 'ipv4' ? 32 : 128] as Network;
  });
}

function unmapped(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (!ipaddr.isValid(address)) return undefined;
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
}

/**
 * Fastify with `trustProxy` reads X-Forwarded-For only through trusted hops, but takes
 * X-Forwarded-Proto and -Host from any peer. This onRequest hook drops those two headers when
 * the connecting peer is not one of the trusted proxies, so `request.protocol` (Secure cookies)
 * cannot be claimed by a client that reaches the port directly. With a hop count, the
 * immediate peer is the proxy by definition, as Fastify treats it.
 */
export function forwardedHeaderGuard(trustProxy: boolean | number | string[] | undefined): ((request: FastifyRequest) => Promise<void>) | undefined {
  if (!Array.isArray(trustProxy)) return undefined;
  const networks = networksOf(trustProxy);
  return async (request) => {
    const peer = unmapped(request.socket?.remoteAddress ?? '');
    const trusted = peer !== undefined && networks.some(([net, bits]) => net.kind() === peer.kind() && peer.match(net, bits));
    if (trusted) return;
    delete request.headers['x-forwarded-proto'];
    delete request.headers['x-forwarded-host'];
  };
}
