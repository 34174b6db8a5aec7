import type { TestApp, TestWorkspace } from './harness.ts';

// Test data made through the public API, as an integration would make it, so factories break
// when the API does (DESIGN.md rule 9).

async function post<T>(t: TestApp, ws: TestWorkspace, url: string, payload: unknown): Promise<T> {
  const res = await t.app.inject({ method: 'POST', url, headers: t.auth(ws.keys.owner), payload: payload as object });
  if (res.statusCode >= 300) throw new Error(`factory POST ${url} → ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

let serial = 0;
const next = () => ++serial;

export async function createCustomer(t: TestApp, ws: TestWorkspace, overrides: Record<string, unknown> = {}): Promise<{ id: string; name: string | null; phone: string | null }> {
  const n = next();
  return post(t, ws, '/api/customers', { name: `مشتری ${n}`, phone: `0912${String(3_000_000 + n).padStart(7, '0')}`, ...overrides });
}

export async function recordOrder(
  t: TestApp,
  ws: TestWorkspace,
  customerId: string,
  order: { externalId?: string; amountMinor?: number; placedAt?: Date } = {},
): Promise<{ id: string }> {
  const externalId = order.externalId ?? `order-${ws.slug}-${next()}`;
  return post(t, ws, '/api/touchpoints', {
    externalId: `${externalId}:placed`,
    customer: { id: customerId },
    kind: 'order.placed',
    channel: 'web',
    stage: 'sale',
    occurredAt: (order.placedAt ?? new Date(Date.now() - 86_400_000)).toISOString(),
    order: { externalId, amountMinor: order.amountMinor ?? 1_000_000, currency: 'IRR' },
  });
}

export async function createSegment(t: TestApp, ws: TestWorkspace, name: string, rules: unknown): Promise<{ id: string }> {
  return post(t, ws, '/api/segments', { name, rules });
}

export async function defineAttribute(t: TestApp, ws: TestWorkspace, key: string, type = 'text'): Promise<void> {
  await post(t, ws, '/api/customer-attributes', { key, type, label: { fa: key, ar: key, en: key } });
}
