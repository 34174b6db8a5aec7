import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutboundTarget, guardedFetch, OutboundRefused, OutboundUnreachable, parseAllowList, type Resolver } from './index.ts';

/** A resolver standing in for DNS: fixed answers per name, and a count of questions asked. */
function fakeDns(answers: Record<string, string[] | (() => string[])>) {
  const asked: string[] = [];
  const resolve: Resolver = async (host) => {
    asked.push(host);
    const entry = answers[host];
    if (!entry) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    const list = typeof entry === 'function' ? entry() : entry;
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, asked };
}

async function refusal(target: string, options: Parameters<typeof checkOutboundTarget>[2] = {}): Promise<string | undefined> {
  try {
    await checkOutboundTarget(target, undefined, options);
    return undefined;
  } catch (err) {
    if (err instanceof OutboundRefused) return err.reason;
    throw err;
  }
}

const dns = fakeDns({
  'rebound.example.test': ['127.0.0.1'],
  'mixed.example.test': ['93.184.215.14', '10.1.2.3'],
  'public.example.test': ['93.184.215.14'],
  'v6private.example.test': ['fd12::1'],
});

describe('checkOutboundTarget', () => {
  // Every spelling of an internal address a URL or an SMTP host field might carry.
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.1', 'loopback'],
    ['2130706433', 'loopback'],
    ['0x7f000001', 'loopback'],
    ['0177.0.0.1', 'loopback'],
    ['0x7f.0.0.1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::1', 'loopback'],
    ['[::ffff:127.0.0.1]', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['[::127.0.0.1]', 'reserved'],
    ['[::7f00:1]', 'reserved'],
    ['[::a00:1]', 'reserved'],
    ['[::ffff:a00:1]', 'private'],
    ['10.0.0.8', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier_grade_nat'],
    ['169.254.169.254', 'metadata'],
    ['169.254.1.1', 'link_local'],
    ['metadata.google.internal', 'metadata'],
    ['METADATA.google.internal.', 'metadata'],
    ['[fd00::1]', 'unique_local'],
    ['[fc00::5]', 'unique_local'],
    ['[fe80::1]', 'link_local'],
    ['0.0.0.0', 'unspecified'],
    ['0', 'unspecified'],
    ['[::]', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'multicast'],
    ['[64:ff9b::7f00:1]', 'reserved'],
    ['localhost', 'loopback'],
    ['api.localhost', 'loopback'],
    ['rebound.example.test', 'loopback'],
    ['mixed.example.test', 'private'],
    ['v6private.example.test', 'unique_local'],
    ['http://2130706433:8080/hook', 'loopback'],
    ['https://0x7f000001/x', 'loopback'],
    ['http://[::ffff:127.0.0.1]/x', 'loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://user@', 'invalid_host'],
    ['a b', 'invalid_host'],
    ['', 'invalid_host'],
  ])('refuses %s (%s)', async (target, reason) => {
    expect(await refusal(target, { resolve: dns.resolve })).toBe(reason);
  });

  it('lets public addresses and names through and returns what to connect to', async () => {
    expect(await checkOutboundTarget('93.184.215.14')).toMatchObject({ host: '93.184.215.14', literal: true, addresses: [{ address: '93.184.215.14', family: 4 }] });
    expect(await checkOutboundTarget('https://public.example.test:8443/x', undefined, { resolve: dns.resolve })).toMatchObject({
      host: 'public.example.test',
      port: 8443,
      literal: false,
      addresses: [{ address: '93.184.215.14', family: 4 }],
    });
    expect(await checkOutboundTarget('[2606:4700::1111]')).toMatchObject({ addresses: [{ address: '2606:4700::1111', family: 6 }] });
  });

  it('says a name that does not resolve is unreachable, not refused', async () => {
    await expect(checkOutboundTarget('nowhere.example.test', 25, { resolve: dns.resolve })).rejects.toBeInstanceOf(OutboundUnreachable);
  });

  it('lets the operator allow named hosts, addresses and networks', async () => {
    const allow = parseAllowList('127.0.0.1, smtp.internal ,10.0.0.0/8,::1,.corp.test');
    expect(await refusal('127.0.0.1', { allow })).toBeUndefined();
    expect(await refusal('2130706433', { allow })).toBeUndefined();
    expect(await refusal('[::ffff:127.0.0.1]', { allow })).toBeUndefined();
    expect(await refusal('[::1]', { allow })).toBeUndefined();
    expect(await refusal('10.200.1.1', { allow })).toBeUndefined();
    expect(await refusal('127.0.0.2', { allow })).toBe('loopback');
    expect(await refusal('192.168.1.1', { allow })).toBe('private');
    expect(await refusal('rebound.example.test', { allow, resolve: dns.resolve })).toBeUndefined();
    const named = fakeDns({ 'smtp.internal': ['192.168.7.7'], 'mx.corp.test': ['192.168.7.8'], 'other.test': ['192.168.7.9'] });
    expect(await refusal('smtp.internal', { allow, resolve: named.resolve })).toBeUndefined();
    expect(await refusal('mx.corp.test', { allow, resolve: named.resolve })).toBeUndefined();
    expect(await refusal('other.test', { allow, resolve: named.resolve })).toBe('private');
    expect(() => parseAllowList('10.0.0.0/99')).toThrow();
    expect(() => parseAllowList('not a host')).toThrow();
  });
});

describe('guardedFetch', () => {
  let server: http.Server;
  let port: number;
  const seen: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.headers.host} ${req.url}`);
      if (req.url === '/to-metadata') res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      else if (req.url === '/to-self') res.writeHead(307, { location: `/landed` }).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello ${req.url}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses a local server unless the operator allows it', async () => {
    await expect(guardedFetch(`http://127.0.0.1:${port}/x`)).rejects.toMatchObject({ name: 'OutboundRefused', reason: 'loopback' });
    await expect(guardedFetch(`http://localhost:${port}/x`)).rejects.toMatchObject({ reason: 'loopback' });
    const response = await guardedFetch(`http://127.0.0.1:${port}/x`, undefined, { allow: parseAllowList('127.0.0.1') });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('hello /x');
  });

  it('connects to the checked address, never asking DNS a second time (rebinding)', async () => {
    // The first answer is "public", later ones internal: a rebinding DNS server. The operator
    // allows 127.0.0.1 only so this test can listen there; the name itself is not allowed.
    let answers = 0;
    const rebinding = fakeDns({ 'rebind.example.test': () => (answers++ === 0 ? ['127.0.0.1'] : ['10.9.9.9']) });
    const response = await guardedFetch(`http://rebind.example.test:${port}/pinned`, undefined, { allow: parseAllowList('127.0.0.1'), resolve: rebinding.resolve });
    expect(await response.text()).toBe('hello /pinned');
    expect(rebinding.asked).toEqual(['rebind.example.test']);
    expect(seen).toContain(`GET rebind.example.test:${port} /pinned`);
    // A fully qualified name (trailing dot) is the same host, checked once.
    const dotted = await guardedFetch(`http://rebind.example.test.:${port}/dotted`, undefined, { allow: parseAllowList('127.0.0.1'), resolve: fakeDns({ 'rebind.example.test': ['127.0.0.1'] }).resolve });
    expect(await dotted.text()).toBe('hello /dotted');
  });

  it('refuses a name whose one lookup says internal, whatever later lookups would say', async () => {
    let answers = 0;
    const rebinding = fakeDns({ 'rebind2.example.test': () => (answers++ === 0 ? ['10.0.0.1'] : ['93.184.215.14']) });
    await expect(guardedFetch(`http://rebind2.example.test:${port}/`, undefined, { resolve: rebinding.resolve })).rejects.toMatchObject({ reason: 'private' });
    expect(rebinding.asked).toEqual(['rebind2.example.test']);
  });

  it('refuses redirects by default, and re-checks each hop when following', async () => {
    const allow = parseAllowList('127.0.0.1');
    await expect(guardedFetch(`http://127.0.0.1:${port}/to-self`, undefined, { allow })).rejects.toMatchObject({ reason: 'redirect' });
    const followed = await guardedFetch(`http://127.0.0.1:${port}/to-self`, undefined, { allow, redirect: 'follow-checked' });
    expect(await followed.text()).toBe('hello /landed');
    await expect(guardedFetch(`http://127.0.0.1:${port}/to-metadata`, undefined, { allow, redirect: 'follow-checked' })).rejects.toMatchObject({ reason: 'metadata' });
  });

  it('refuses schemes other than http and https', async () => {
    await expect(guardedFetch('file:///etc/passwd')).rejects.toMatchObject({ reason: 'scheme' });
    await expect(guardedFetch('ftp://93.184.215.14/')).rejects.toMatchObject({ reason: 'scheme' });
  });
});
