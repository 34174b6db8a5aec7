import type { LookupFunction } from 'node:net';
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import type { OutboundAllowList } from './address.ts';
import { checkOutboundTarget, OutboundRefused, type CheckedTarget, type Resolver } from './guard.ts';

export interface GuardedFetchOptions {
  /** internal hosts and networks the operator allows (config.outboundAllow); none when absent */
  allow?: OutboundAllowList;
  /** 'error' (default): a 3xx answer is refused; 'follow-checked': each hop is checked like the first */
  redirect?: 'error' | 'follow-checked';
  /** for tests: a resolver standing in for DNS */
  resolve?: Resolver;
}

const MAX_REDIRECTS = 5;

/**
 * A socket lookup that answers with the addresses already checked and never asks DNS again,
 * so a name that resolves to a public address for the check and to 127.0.0.1 a moment later
 * (DNS rebinding) still connects to the public one.
 */
export function pinnedLookup(target: CheckedTarget): LookupFunction {
  return (hostname, options, callback) => {
    const asked = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
    if (asked !== target.host) {
      callback(Object.assign(new Error(`lookup of ${hostname} outside the checked target`), { code: 'EOUTBOUND' }), '', 4);
      return;
    }
    const family = typeof options === 'object' ? options.family : undefined;
    const usable = target.addresses.filter((a) => !family || family === a.family || family === `IPv${a.family}`);
    const addresses = usable.length ? usable : target.addresses;
    if (typeof options === 'object' && options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

/**
 * Connection pools keyed by what a check allowed: the host and the exact addresses. A request
 * whose check gives the same answer reuses the pool's kept-alive sockets (a webhook receiver
 * sees one connection, not one per event); a changed answer is a new key, so a pool never
 * reaches an address that the latest check did not pass. Least recently used pools close.
 */
const MAX_POOLS = 64;
const pools = new Map<string, Agent>();

function poolFor(target: CheckedTarget): Agent {
  const key = `${target.host}|${target.addresses.map((a) => a.address).sort().join(',')}`;
  const found = pools.get(key);
  if (found) {
    pools.delete(key);
    pools.set(key, found);
    return found;
  }
  const agent = new Agent({ connect: { lookup: pinnedLookup(target) }, pipelining: 1, connections: 16 });
  pools.set(key, agent);
  if (pools.size > MAX_POOLS) {
    const [oldestKey, oldest] = pools.entries().next().value as [string, Agent];
    pools.delete(oldestKey);
    // Closing lets requests in flight finish, then frees the sockets.
    void oldest.close().catch(() => undefined);
  }
  return agent;
}

/** One request over a pool whose only way to a host is the checked address. */
async function fetchChecked(url: URL, init: RequestInit | undefined, target: CheckedTarget): Promise<Response> {
  const response = await undiciFetch(url, { ...(init as UndiciRequestInit), redirect: 'manual', dispatcher: poolFor(target) });
  return response as unknown as Response;
}

/**
 * fetch() for URLs that users or tenants supply: only http(s), the host checked by
 * checkOutboundTarget, the connection opened to the address that was checked. Redirects are
 * refused unless `redirect: 'follow-checked'`, which checks every hop the same way.
 * Throws OutboundRefused (an internal target) or OutboundUnreachable (DNS failed); network
 * errors pass through as fetch raises them.
 */
export async function guardedFetch(url: string | URL, init?: RequestInit, options: GuardedFetchOptions = {}): Promise<Response> {
  let current = new URL(url);
  let method = init?.method?.toUpperCase() ?? 'GET';
  let body = init?.body;
  const headers = new Headers(init?.headers);
  for (let hop = 0; ; hop += 1) {
    if (current.protocol !== 'http:' && current.protocol !== 'https:') throw new OutboundRefused('scheme', current.protocol);
    if (current.username || current.password) throw new OutboundRefused('invalid_host', current.hostname);
    const target = await checkOutboundTarget(current, undefined, options);
    const response = await fetchChecked(current, { ...init, method, body, headers }, target);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || response.status === 304 || !location) return response;
    await response.body?.cancel().catch(() => undefined);
    if (options.redirect !== 'follow-checked' || hop >= MAX_REDIRECTS) throw new OutboundRefused('redirect', target.host);
    const next = new URL(location, current);
    // Credentials meant for one origin are not handed to another.
    if (next.origin !== current.origin) for (const name of ['authorization', 'cookie', 'proxy-authorization']) headers.delete(name);
    current = next;
    // As browsers do: 303 (and 301/302 after POST) continue as GET without a body.
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
    }
  }
}
