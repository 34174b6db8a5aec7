import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PoolClient } from 'pg';
import type { RegisteredRoute } from '../src/platform/http/server.ts';
import { createCustomer, createSegment, defineAttribute, recordOrder } from './factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from './harness.ts';

// Drives every route of the API with generated garbage: wrong types, missing and unknown
// fields, huge strings, deep nesting, bad encodings and percent-encodings, wrong content
// types, truncated multipart; with and without an Idempotency-Key, over an API key and over a
// cookie session. Fails on any 5xx, any error that is not problem+json, a crash, and any row a
// refused request wrote. Routes come from the OpenAPI document and the registered-route list,
// so a new route is fuzzed without editing this file.
//
// The seed changes once a day (new inputs over time, the same inputs for every run of a day) and
// is printed; VAFA_FUZZ_SEED=<seed> reproduces a run, VAFA_FUZZ_CASES sets cases per route, and
// VAFA_FUZZ_ONLY=/api/complaints,/api/public/complaints walks only the routes under those prefixes.
const SEED = Number(process.env.VAFA_FUZZ_SEED ?? Math.floor(Date.now() / 86_400_000));
const CASES_PER_ROUTE = Number(process.env.VAFA_FUZZ_CASES ?? 16);
const ONLY = process.env.VAFA_FUZZ_ONLY?.split(',').filter(Boolean);

/** mulberry32: small, seedable, good enough to pick test inputs */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!,
  };
}
type Rng = ReturnType<typeof prng>;

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  prefixItems?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  propertyNames?: Schema;
};

interface Operation {
  method: string;
  /** Fastify's form: /api/customers/:id */
  url: string;
  access: string;
  body?: Schema;
  query: Record<string, Schema>;
  params: Record<string, Schema>;
  multipart: boolean;
}

interface FuzzCase {
  label: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

let t: TestApp;
let ws: TestWorkspace;
let components: Record<string, Schema> = {};
/** real ids of the fuzzed workspace, by route prefix and parameter name */
let realIds: Record<string, string> = {};
let uuidPool: string[] = [];
let snapshotSql = '';
/** the snapshot's own connection, with parallel plans off (see beforeAll) */
let snapshotClient: PoolClient | undefined;

const resolve = (schema: Schema | undefined): Schema | undefined => {
  let s = schema;
  for (let hops = 0; s?.$ref && hops < 20; hops++) s = components[s.$ref.replace(/^#\/components\/schemas\//, '')];
  return s;
};

/** A value the schema would (mostly) accept: valid-looking input gets past validation into the handlers. */
function plausible(schema: Schema | undefined, rng: Rng, depth = 0): unknown {
  const s = resolve(schema);
  if (!s || depth > 6) return null;
  if (s.const !== undefined) return s.const;
  if (s.enum) return rng.pick(s.enum);
  const union = s.anyOf ?? s.oneOf;
  if (union?.length) return plausible(rng.pick(union), rng, depth + 1);
  if (s.allOf?.length) return Object.assign({}, ...s.allOf.map((part) => plausible(part, rng, depth + 1)).filter((v) => v && typeof v === 'object'));
  const type = Array.isArray(s.type) ? rng.pick(s.type) : s.type ?? (s.properties ? 'object' : s.items ? 'array' : 'string');
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(s.properties ?? {})) {
        if (s.required?.includes(key) || rng.chance(0.5)) out[key] = plausible(prop, rng, depth + 1);
      }
      if (!s.properties && s.additionalProperties && typeof s.additionalProperties === 'object') {
        for (let i = rng.int(0, 2); i > 0; i--) out[text(rng, 1, 12)] = plausible(s.additionalProperties, rng, depth + 1);
      }
      return out;
    }
    case 'array': {
      const n = rng.int(s.minItems ?? 0, Math.min(s.maxItems ?? 3, (s.minItems ?? 0) + 3));
      if (s.prefixItems) return s.prefixItems.map((item) => plausible(item, rng, depth + 1));
      return Array.from({ length: n }, () => plausible(s.items, rng, depth + 1));
    }
    case 'integer':
    case 'number': {
      const min = s.minimum ?? -1000;
      const max = s.maximum ?? 1_000_000;
      const n = min + rng.next() * (Math.min(max, min + 1_000_000) - min);
      return type === 'integer' ? Math.round(n) : n;
    }
    case 'boolean':
      return rng.chance(0.5);
    case 'null':
      return null;
    default:
      return plausibleString(s, rng);
  }
}

function plausibleString(s: Schema, rng: Rng): string {
  switch (s.format) {
    case 'uuid':
      return rng.pick(uuidPool);
    case 'email':
      return `fuzz${rng.int(0, 1e6)}@example.test`;
    case 'date-time':
      return new Date(Date.now() - rng.int(0, 1e10)).toISOString();
    case 'date':
      return new Date(Date.now() - rng.int(0, 1e10)).toISOString().slice(0, 10);
    case 'uri':
      return rng.pick(['https://example.test/hook', 'http://127.0.0.1:9/x', 'https://example.test/' + text(rng, 0, 20)]);
  }
  const min = s.minLength ?? 1;
  return text(rng, min, Math.max(min, Math.min(s.maxLength ?? 24, min + 24)));
}

const ALPHABET = ['a', 'Z', '0', '9', ' ', '-', '_', 'م', 'ش', 'ی', '۱', '٣', 'ك', 'ي', '\u200c', '😀', '<', '>', "'", '"', '\\', '/', '%', '{', '}', '+'];
function text(rng: Rng, min: number, max: number): string {
  let out = '';
  for (let i = rng.int(min, max); i > 0; i--) out += rng.pick(ALPHABET);
  return out;
}

/** A hostile value of any type. */
function hostile(rng: Rng): unknown {
  return rng.pick<() => unknown>([
    () => 'x'.repeat(rng.pick([256, 10_000, 300_000])),
    () => rng.pick([0, -1, -0.5, 1e308, -1e308, 2 ** 53 + 1, 2 ** 63, 1e-320, 1.2345678901234568e29]),
    () => rng.pick(['', ' ', '\t\n', '۱۲۳۴', '١٢٣', 'NaN', 'Infinity', 'null', 'true', '0x10', '1e999', '-0']),
    () => rng.pick(['2024-02-30', '2024-13-01T00:00:00Z', '0000-00-00', '9999-12-31T23:59:59.999999999Z', '1403/01/01', 'yesterday']),
    () => rng.pick(['\ud800', '\udfff\ud800', '\u202e\u2066rtl', 'a\u0301\u0301\u0301', '\uffff', '\u00a0', "x' OR 1=1; --", '$where', '__proto__', 'constructor']),
    () => rng.pick(['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', rng.pick(uuidPool).toUpperCase(), rng.pick(uuidPool) + ' ']),
    () => rng.pick([true, false, null]),
    () => [],
    () => ({}),
    () => Array.from({ length: rng.pick([50, 5000]) }, () => rng.int(0, 9)),
    () => ({ $gt: '', constructor: { prototype: 1 }, ['a'.repeat(500)]: 1 }),
    () => {
      let nested: unknown = [];
      for (let i = rng.pick([10, 70]); i > 0; i--) nested = [nested];
      return nested;
    },
  ])();
}

/** Changes one random place of a value: drops a field, swaps a type, adds an unknown field. */
function mutate(value: unknown, rng: Rng, depth = 0): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value) && depth < 6) {
    const obj = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(obj);
    const action = rng.int(0, keys.length === 0 ? 0 : 3);
    if (action === 0) obj[rng.pick(['unknownField', 'id', 'tenantId', '__proto__x', 'role', 'a'.repeat(300)])] = hostile(rng);
    else if (action === 1) delete obj[rng.pick(keys)];
    else if (action === 2) {
      const key = rng.pick(keys);
      obj[key] = hostile(rng);
    } else {
      const key = rng.pick(keys);
      obj[key] = mutate(obj[key], rng, depth + 1);
    }
    return obj;
  }
  if (Array.isArray(value) && value.length > 0 && depth < 6) {
    const copy = [...value];
    const i = rng.int(0, copy.length - 1);
    copy[i] = rng.chance(0.5) ? mutate(copy[i], rng, depth + 1) : hostile(rng);
    return copy;
  }
  return hostile(rng);
}

/** Raw bodies that are not what they claim to be. */
function rawBody(rng: Rng): { payload: string | Buffer; type: string } {
  return rng.pick<() => { payload: string | Buffer; type: string }>([
    () => ({ payload: '{"a":' + '['.repeat(rng.pick([65, 5000])) + ']'.repeat(rng.pick([0, 65])) + '}', type: 'application/json' }),
    () => ({ payload: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]), type: 'application/json' }),
    () => ({ payload: '{"name": "a\\u0000b"}', type: 'application/json' }),
    () => ({ payload: '{"name": "\\ud800"}', type: 'application/json' }),
    () => ({ payload: '{"a": 1,}', type: 'application/json' }),
    () => ({ payload: '{"a": 1', type: 'application/json' }),
    () => ({ payload: '{"__proto__": {"x": 1}}', type: 'application/json' }),
    () => ({ payload: '   ', type: 'application/json' }),
    () => ({ payload: 'name=x&phone=1', type: 'application/x-www-form-urlencoded' }),
    () => ({ payload: 'hello', type: 'text/plain' }),
    () => ({ payload: '<x/>', type: 'application/xml' }),
    () => ({ payload: '{"a":1}', type: 'application/json; charset=latin1' }),
    () => ({ payload: '{"a":1}', type: 'application/json ; charset=utf-8' }),
    () => ({ payload: '{"a":1}', type: 'application/vnd.api+json' }),
    () => ({ payload: Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), type: 'application/json; charset=utf-16' }),
    () => ({ payload: '--B\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nname\r\nx', type: 'multipart/form-data; boundary=B' }),
    () => ({ payload: 'name\nx\n', type: 'multipart/form-data' }),
    () => ({ payload: Buffer.alloc(5 * 1024 * 1024, 0x5b), type: 'application/json' }),
  ])();
}

/** Multipart bodies for upload routes: whole, cut, lying or oversized. */
function multipartBody(rng: Rng): { payload: string | Buffer; type: string; label: string } {
  const b = `FuzzB${rng.int(0, 1e6)}`;
  const csv = rng.pick(['phone\n09121234567\n', 'name,phone,email\nعلی,۰۹۱۲۱۲۳۴۵۶۷,a@example.test\n', 'external id,customer phone,amount,currency,placed at\no1,09121234567,1000,IRR,2024-01-01T00:00:00Z\n', '\ufeffa;b\n1;2\n', '']);
  const filePart = (name = 'file', filename = 'c.csv', content = csv) =>
    `--${b}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n`;
  const field = (name: string, value: string) => `--${b}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const close = `--${b}--\r\n`;
  const choice = rng.int(0, 11);
  const type = `multipart/form-data; boundary=${b}`;
  switch (choice) {
    case 0: return { label: 'whole', type, payload: filePart() + close };
    case 1: return { label: 'cut in the file', type, payload: filePart().slice(0, rng.int(10, filePart().length - 1)) };
    case 2: return { label: 'cut before the closing boundary', type, payload: filePart() + `--${b}\r\n` };
    case 3: return { label: 'no boundary parameter', type: 'multipart/form-data', payload: filePart() + close };
    case 4: return { label: 'wrong boundary', type: 'multipart/form-data; boundary=Other', payload: filePart() + close };
    case 5: return { label: 'two files', type, payload: filePart() + filePart('file', 'd.csv') + close };
    case 6: return { label: 'mapping garbage', type, payload: field('mapping', rng.pick(['{', '[]', '{"a":' + '['.repeat(100) + ']'.repeat(100) + '}', JSON.stringify({ phone: hostile(rng) }), 'x'.repeat(2 * 1024 * 1024)])) + filePart() + close };
    case 7: return { label: 'unknown field', type, payload: field(rng.pick(['other', '__proto__', 'constructor', 'a'.repeat(200)]), 'x') + filePart() + close };
    case 8: return { label: 'binary file', type, payload: Buffer.concat([Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n\r\n`), Buffer.from([0, 0xff, 0xfe, 0x89, 0x50, 0x4e, 0x47]), Buffer.from(`\r\n${close}`)]) };
    case 9: return { label: 'hostile filename', type, payload: filePart('file', rng.pick(['../../etc/passwd', 'a\u0000b.csv', '\u202ecsv.exe', 'x'.repeat(1000)])) + close };
    case 10: return { label: 'many header pairs', type, payload: `--${b}\r\n${'X-A: 1\r\n'.repeat(100)}Content-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n${csv}\r\n${close}` };
    default: return { label: 'empty body', type, payload: '' };
  }
}

/** Path parameter values: a real id of this workspace, or garbage. */
function paramValue(op: Operation, name: string, rng: Rng): string {
  const real = realIds[`${op.url.split('/')[2]}:${name}`];
  const garbage = rng.pick([
    rng.pick(uuidPool), '00000000-0000-4000-8000-000000000000', '1', '-1', '0x10', '۱۲۳', 'a'.repeat(300), "1' OR '1'='1", '<b>x</b>',
    '%00', '%ff%fe', '..%2F..%2Fetc', '%E2%80%AE', 'null', 'undefined', '__proto__', 'email', 'sms', 'webhook', 'x'.repeat(3000),
  ]);
  if (real && rng.chance(0.6)) return encode(real);
  return garbage.includes('%') ? garbage : encode(garbage);
}

/** encodeURIComponent, except that a lone surrogate becomes bytes that are not UTF-8 rather than an exception */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

function queryString(op: Operation, rng: Rng): string {
  const pairs: string[] = [];
  for (const [name, schema] of Object.entries(op.query)) {
    if (!rng.chance(0.5)) continue;
    const value = rng.chance(0.6) ? plausible(schema, rng) : hostile(rng);
    pairs.push(`${encode(name)}=${encode(typeof value === 'string' ? value : JSON.stringify(value) ?? '')}`);
  }
  if (rng.chance(0.15)) pairs.push(rng.pick(['unknown=1', 'limit=%ff', 'cursor=%E0%A4%A', 'limit=1&limit=2', 'q=' + 'x'.repeat(5000), '=', '&&', 'a[b][c]=1']));
  return pairs.length ? `?${pairs.join('&')}` : '';
}

/** the last Idempotency-Key sent: now and then sent again with another body (a reuse, refused) */
let lastKey = 'fuzz-first';

function fuzzCase(op: Operation, rng: Rng, n: number): FuzzCase {
  const url = op.url.replace(/:(\w+)/g, (_, name: string) => paramValue(op, name, rng)) + queryString(op, rng);
  // Public routes also meet strangers; the rest alternate API key and cookie session (with CSRF token).
  const headers: Record<string, string> =
    op.access === 'public' && n % 3 === 2 ? {}
    : n % 2 === 1 ? { cookie: ws.users.owner.cookie, 'x-csrf-token': ws.users.owner.csrfToken }
    : { authorization: `Bearer ${ws.keys.owner}` };
  if (op.method !== 'GET' && n % 4 < 2) {
    lastKey = rng.chance(0.2) ? lastKey : rng.chance(0.9) ? `fuzz-${SEED}-${n}-${rng.int(0, 1e9)}` : rng.pick(['', ' ', 'x'.repeat(300), 'ключ', 'a\tb']);
    headers['idempotency-key'] = lastKey;
  }
  if (rng.chance(0.1)) headers['accept-language'] = rng.pick(['fa', 'ar-SA', 'en', 'xx', '*;q=abc', 'fa'.repeat(200)]);
  let label = 'no body';
  let payload: string | Buffer | undefined;
  const style = rng.int(0, 9);
  if (op.multipart && style < 7) {
    const body = multipartBody(rng);
    headers['content-type'] = body.type;
    payload = body.payload;
    label = `multipart ${body.label}`;
  } else if (style < 3 && op.body) {
    // An empty object is the classic patch that reaches the database with nothing to set.
    payload = rng.chance(0.2) ? '{}' : JSON.stringify(plausible(op.body, rng));
    label = 'plausible';
  } else if (style < 7 && op.body) {
    payload = JSON.stringify(mutate(plausible(op.body, rng), rng));
    label = 'mutated';
  } else if (style < 9 && op.method !== 'GET') {
    const body = rawBody(rng);
    headers['content-type'] = body.type;
    payload = body.payload;
    label = `raw ${body.type}`;
  } else if (op.method !== 'GET' && rng.chance(0.5)) {
    payload = JSON.stringify(hostile(rng)) ?? 'null';
    label = 'hostile value';
  }
  if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  return { label, url, headers, payload };
}

/** One query: per tenant table, its row count and a hash of its rows. */
let snapshotMs = 0;
async function snapshot(): Promise<Map<string, string>> {
  const started = performance.now();
  try {
    return await readSnapshot();
  } finally {
    snapshotMs += performance.now() - started;
  }
}
async function readSnapshot(): Promise<Map<string, string>> {
  // Named, so the connection plans the hundred-table union once rather than on every case.
  const { rows } = await snapshotClient!.query<{ name: string; state: string }>({ name: 'fuzz-snapshot', text: snapshotSql, values: [ws.tenantId] });
  return new Map(rows.map((r) => [r.name, r.state]));
}

const changed = (before: Map<string, string>, after: Map<string, string>) => [...after].filter(([name, state]) => before.get(name) !== state).map(([name]) => name);

/** The operations: every registered route under /api, with schemas from the OpenAPI document where it has them. */
function operations(routes: RegisteredRoute[], doc: { paths?: Record<string, Record<string, { parameters?: { in: string; name: string; schema?: Schema }[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>> }): Operation[] {
  const seen = new Set<string>();
  const ops: Operation[] = [];
  for (const route of routes) {
    if (!route.url.startsWith('/api/') || route.url.startsWith('/api/docs') || route.url === '/api/openapi.json') continue;
    // Signing out would end the session the rest of the run uses.
    if (route.url === '/api/auth/logout') continue;
    const key = `${route.method} ${route.url}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const docPath = route.url.replace(/:(\w+)/g, '{$1}');
    const op = doc.paths?.[docPath]?.[route.method.toLowerCase()];
    const content = op?.requestBody?.content ?? {};
    const query: Record<string, Schema> = {};
    const params: Record<string, Schema> = {};
    for (const p of op?.parameters ?? []) {
      if (p.in === 'query') query[p.name] = p.schema ?? {};
      if (p.in === 'path') params[p.name] = p.schema ?? {};
    }
    ops.push({
      method: route.method,
      url: route.url,
      access: route.access,
      body: content['application/json']?.schema,
      query,
      params,
      multipart: 'multipart/form-data' in content || /\/imports\//.test(route.url),
    });
  }
  return ops;
}

async function seed(): Promise<void> {
  const api = async (method: string, url: string, payload?: unknown) => {
    const res = await t.app.inject({ method: method as 'GET', url, headers: t.auth(ws.keys.owner), ...(payload === undefined ? {} : { payload: payload as object }) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const customer = await createCustomer(t, ws, { name: 'فاز مشتری', phone: '09121110000', email: `${ws.slug}@example.test` });
  const other = await createCustomer(t, ws, { name: 'فاز دوم', phone: '09121110001' });
  await recordOrder(t, ws, customer.id);
  const orders = await api('GET', `/api/customers/${customer.id}/orders`);
  const segment = await createSegment(t, ws, 'fuzz', { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'fuzz' }] });
  await defineAttribute(t, ws, 'city');
  const invitation = await api('POST', '/api/invitations', { email: `inv-${ws.slug}@example.test`, role: 'agent' });
  const spareKey = await api('POST', '/api/api-keys', { name: 'spare', role: 'agent' });
  const webhook = await api('POST', '/api/webhooks', { name: 'fuzz hook', url: 'https://example.test/hook' });
  const template = await api('POST', '/api/templates', { name: 'fuzz template', content: { fa: { text: 'سلام {name}' } } });
  const automation = await api('POST', '/api/automations', {
    name: 'fuzz rule', trigger: { type: 'event', topic: 'order.delivered' }, actions: [{ type: 'send_message', templateId: template.id, channel: 'preferred' }],
  });
  const followup = await api('POST', '/api/followups', { customerId: customer.id, reason: 'fuzz follow-up', dueInBusinessHours: 4 });
  const imports = await api('GET', '/api/imports');
  // A published survey: its public link's token lets the public answer routes be fuzzed past the token lookup.
  const survey = await api('POST', '/api/surveys', { template: 'nps', languages: ['fa', 'en'] });
  await api('POST', `/api/surveys/${survey.id}/publish`);
  const complaint = await api('POST', '/api/complaints', { channel: 'phone', customerId: customer.id, description: 'fuzz complaint' });
  realIds = {
    'customers:id': customer.id,
    'orders:id': (orders.items?.[0] ?? orders[0])?.id,
    'segments:id': segment.id,
    'invitations:id': invitation.id,
    'api-keys:id': spareKey.id,
    'imports:id': imports.items?.[0]?.id,
    'members:accountId': ws.users.agent.accountId,
    'customer-attributes:key': 'city',
    'followups:id': followup.id,
    'messaging:channel': 'email',
    'webhooks:id': webhook.id,
    'templates:id': template.id,
    'automations:id': automation.id,
    'surveys:id': survey.id,
    'public:token': survey.publicToken,
    'public:workspaceSlug': ws.slug,
    'complaints:id': complaint.id,
  };
  uuidPool = [customer.id, other.id, segment.id, template.id, automation.id, followup.id, webhook.id, ws.users.agent.accountId, '01900000-0000-7000-8000-000000000001'];
}

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.createWorkspace({ country: 'IR' });
  await seed();
  const doc = t.app.swagger() as unknown as Parameters<typeof operations>[1] & { components?: { schemas?: Record<string, Schema> } };
  components = doc.components?.schemas ?? {};
  const { rows } = await t.database.pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns c JOIN information_schema.tables USING (table_schema, table_name)
     WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const tables = rows.map((r) => r.table_name);
  const stamped = new Set((await t.database.pool.query<{ table_name: string }>(
    `SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name IN ('last_used_at', 'last_seen_at')`,
  )).rows.map((r) => r.table_name));
  // A table's state is its row count and newest row version (xmin): any insert, update or delete
  // moves one of them, without hashing every row on every case. Tables with "last used" and
  // "last seen" stamps, which authenticating touches (at most once a minute: reads, not writes),
  // are hashed with those columns left out instead.
  const row = `(to_jsonb(x) - ARRAY['last_used_at', 'last_seen_at'])::text`;
  snapshotSql = tables
    .map((name) => stamped.has(name)
      ? `SELECT '${name}' AS name, count(*) || ':' || md5(coalesce(string_agg(${row}, '|' ORDER BY ${row}), '')) AS state FROM "${name}" x WHERE tenant_id = $1`
      : `SELECT '${name}' AS name, count(*) || ':' || coalesce(max(x.xmin::text::bigint), 0) AS state FROM "${name}" x WHERE tenant_id = $1`)
    .join(' UNION ALL ');
  // On the shared server database (rows of every earlier run) the planner runs the union in parallel
  // workers, whose start-up made each snapshot 0.3–1 s instead of 40–80 ms: the walk passed 900 s
  // in CI at 117ae0d. One connection, parallel plans off.
  snapshotClient = await t.database.pool.connect();
  await snapshotClient.query('SET max_parallel_workers_per_gather = 0');
  console.info(`fuzz seed ${SEED} (VAFA_FUZZ_SEED=${SEED} reproduces it), ${CASES_PER_ROUTE} cases per route, ${tables.length} tenant tables watched`);
}, 120_000);
afterAll(async () => {
  snapshotClient?.release();
  await t?.close();
});

describe(`fuzzing every route (seed ${SEED})`, () => {
  it('answers garbage with 4xx problem+json and writes nothing when it refuses', async () => {
    const ops = operations(t.vafa.routes, t.app.swagger() as never).filter((op) => !ONLY || ONLY.some((prefix) => op.url.startsWith(prefix)));
    expect(ops.length).toBeGreaterThan(ONLY ? 0 : 30);
    const failures: string[] = [];
    // One report per route and kind of failure: a broken route would otherwise fill the list.
    const reported = new Set<string>();
    const fail = (kind: string, op: Operation, where: string) => {
      if (reported.has(`${kind} ${op.method} ${op.url}`)) return;
      reported.add(`${kind} ${op.method} ${op.url}`);
      failures.push(`${kind}: ${where}`);
    };
    let before = await snapshot();
    let sent = 0;
    // Time per route, so a slow one shows in the log when the whole walk nears its limit.
    const spent: [string, number][] = [];
    for (const [index, op] of ops.entries()) {
      const routeStarted = performance.now();
      const rng = prng(SEED ^ Math.imul(index + 1, 0x9e3779b1));
      for (let n = 0; n < CASES_PER_ROUTE; n++) {
        const c = fuzzCase(op, rng, n);
        const res = await answerOrHang(t.app.inject({ method: op.method as 'GET', url: c.url, headers: c.headers, ...(c.payload === undefined ? {} : { payload: c.payload }) }));
        sent++;
        if (!res) {
          failures.push(`no answer within ${HANG_MS / 1000} s: ${op.method} ${op.url} [${c.label}] ${c.url.slice(0, 120)}`);
          break;
        }
        const where = `${op.method} ${op.url} [${c.label}] ${c.url.slice(0, 120)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
        if (res.statusCode >= 500) fail('5xx', op, where);
        if (res.statusCode >= 400 && !String(res.headers['content-type']).includes('application/problem+json')) fail('not problem+json', op, where);
        if (res.statusCode === 401 && op.access !== 'public') fail('credentials stopped working', op, where);
        // An import accepted with 202 goes on writing in the background; let it settle first.
        if (res.statusCode === 202 && /\/imports\//.test(op.url)) await settleImport(res.json().id);
        const after = await snapshot();
        if (res.statusCode >= 400) {
          const written = changed(before, after);
          if (written.length > 0) fail(`refused but wrote ${written.join(', ')}`, op, where);
        }
        before = after;
        if (failures.length >= 25) break;
      }
      spent.push([`${op.method} ${op.url}`, performance.now() - routeStarted]);
      if (failures.length >= 25) break;
    }
    const slowest = spent.sort((a, b) => b[1] - a[1]).slice(0, 5).map(([route, ms]) => `${route} ${Math.round(ms)} ms`);
    console.info(`fuzz seed ${SEED}: ${sent} requests over ${ops.length} routes (${Math.round(snapshotMs / 1000)} s of it reading table states); slowest: ${slowest.join(', ')}`);
    expect(failures, `seed ${SEED}:\n${failures.join('\n')}`).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  }, 900_000);
});

/** A request that gets no answer at all is a failure too (an upload that never ended used to hang forever). */
const HANG_MS = 30_000;
async function answerOrHang<T>(pending: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), HANG_MS);
  });
  try {
    return await Promise.race([pending, hang]);
  } finally {
    clearTimeout(timer);
  }
}

async function settleImport(id: string | undefined): Promise<void> {
  if (!id) return;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const res = await t.app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: t.auth(ws.keys.owner) });
    if (res.statusCode !== 200 || ['succeeded', 'failed'].includes(res.json().status)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`import ${id} did not settle`);
}

/** Sends raw bytes over a socket; resolves with whatever came back when the server closed or went quiet. */
function rawExchange(port: number, bytes: (string | Buffer)[], { endWrite = true } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = net.connect(port, '127.0.0.1', () => {
      for (const chunk of bytes) socket.write(chunk);
      if (endWrite) socket.end();
    });
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      // One answer is all we want; a kept-alive socket would otherwise stay open.
      const head = answer.indexOf('\r\n\r\n');
      const length = /content-length:\s*(\d+)/i.exec(answer)?.[1];
      if (head >= 0 && length !== undefined && answer.length >= head + 4 + Number(length)) socket.destroy();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve(answer) : reject(err)));
    socket.setTimeout(20_000, () => socket.destroy());
  });
}

describe('raw bytes over a socket', () => {
  it('answers broken HTTP, bad encodings and cut uploads with 4xx problem+json or a closed connection, and stays up', async () => {
    const address = new URL(await t.vafa.listen());
    const port = Number(address.port);
    const auth = `Authorization: Bearer ${ws.keys.owner}\r\n`;
    const upload = (body: string, extra = '') =>
      `POST /api/imports/customers HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: multipart/form-data; boundary=RB\r\nContent-Length: ${Buffer.byteLength(body) + Number(extra || 0)}\r\n\r\n${body}`;
    const part = '--RB\r\nContent-Disposition: form-data; name="file"; filename="c.csv"\r\n\r\nphone\r\n09121234567\r\n';
    const exchanges: { label: string; bytes: (string | Buffer)[] }[] = [
      { label: 'multipart cut mid-file, client closes', bytes: [upload(part, '5000')] },
      { label: 'multipart without closing boundary', bytes: [upload(part)] },
      { label: 'multipart no boundary', bytes: [`POST /api/imports/customers HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: multipart/form-data\r\nContent-Length: 5\r\n\r\nhello`] },
      { label: 'chunked multipart cut', bytes: [`POST /api/imports/customers HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: multipart/form-data; boundary=RB\r\nTransfer-Encoding: chunked\r\n\r\n${part.length.toString(16)}\r\n${part}\r\n`] },
      { label: 'bad chunk size', bytes: [`POST /api/customers HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`] },
      { label: 'bad percent-encoding in the path', bytes: [`GET /api/customers/%ff%fe HTTP/1.1\r\nHost: x\r\n${auth}\r\n`] },
      { label: 'bad UTF-8 in the path', bytes: [Buffer.concat([Buffer.from('GET /api/customers/'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(` HTTP/1.1\r\nHost: x\r\n${auth}\r\n`)])] },
      { label: 'bad UTF-8 in a header', bytes: [Buffer.concat([Buffer.from(`GET /api/customers HTTP/1.1\r\nHost: x\r\n${auth}Accept-Language: `), Buffer.from([0xff, 0xfe]), Buffer.from('\r\n\r\n')])] },
      { label: 'bad UTF-8 JSON body', bytes: [Buffer.concat([Buffer.from(`POST /api/customers HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 12\r\n\r\n{"name":"`), Buffer.from([0xc3, 0x28, 0xff])])] },
      { label: 'body shorter than Content-Length', bytes: [`POST /api/customers HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":`] },
      { label: 'not HTTP at all', bytes: ['\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n'] },
      { label: 'a huge header', bytes: [`GET /api/customers HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`] },
      { label: 'both Content-Length and chunked', bytes: [`POST /api/customers HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`] },
    ];
    const before = await snapshot();
    for (const { label, bytes } of exchanges) {
      const answer = await rawExchange(port, bytes);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      if (status !== 0) {
        expect(status >= 400 && status < 500, `${label} → ${answer.slice(0, 300)}`).toBe(true);
        expect(answer.toLowerCase(), `${label} → ${answer.slice(0, 300)}`).toContain('application/problem+json');
      }
      expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode, `alive after ${label}`).toBe(200);
    }
    expect(changed(before, await snapshot())).toEqual([]);
    const alive = await rawExchange(port, ['GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(alive).toMatch(/^HTTP\/1\.1 200/);
  }, 120_000);
});
