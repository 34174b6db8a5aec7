import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp } from '../../../test/harness.ts';

// A rule's "call webhook" action, end to end: the event goes through the outbox relay, the
// engine queues the delivery, the dispatcher signs and sends it, and a receiver verifies it
// with the standardwebhooks library, the way a customer's system would.

let t: TestApp;
let receiver: http.Server;
let url: string;
let secret = '';
const received: { id: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      try {
        received.push({ id: headers['webhook-id']!, body: new Webhook(secret).verify(Buffer.concat(chunks).toString('utf8'), headers) as Record<string, unknown> });
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/vafa`;
  // The receiver is on 127.0.0.1: the operator allows it, as a self-hoster would their own CRM.
  t = await startTestApp({ role: 'all', env: { VAFA_OUTBOUND_ALLOW: '127.0.0.1' } });
}, 120_000);

afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => receiver.close(resolve));
});

async function call(ws: Awaited<ReturnType<TestApp['createWorkspace']>>, method: 'POST' | 'PATCH', path: string, payload: unknown) {
  const res = await t.app.inject({ method, url: path, headers: t.auth(ws.keys.owner), payload: payload as object });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
}

async function deliveryFor(customerId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const hit = received.find((r) => (r.body.data as { customerId?: string } | undefined)?.customerId === customerId);
    if (hit) return hit.body;
    if (Date.now() > deadline) throw new Error(`no webhook for customer ${customerId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it("sends { type, timestamp, data } with the domain event's name as type and the rule id, whatever the rule is called", async () => {
  const ws = await t.createWorkspace({ country: 'IR' });
  const endpoint = await call(ws, 'POST', '/api/webhooks', { name: 'CRM', url });
  secret = endpoint.secret;
  const rule = await call(ws, 'POST', '/api/automations', {
    name: 'به CRM خبر بده',
    enabled: true,
    trigger: { type: 'event', topic: 'customer.created' },
    actions: [{ type: 'call_webhook', endpointId: endpoint.id }],
  });

  const first = await createCustomer(t, ws, { name: 'مریم' });
  const body = await deliveryFor(first.id);
  expect(Object.keys(body).sort()).toEqual(['data', 'timestamp', 'type']);
  expect(body.type).toBe('customer.created');
  expect(new Date(body.timestamp as string).toISOString()).toBe(body.timestamp);
  expect(body.data).toMatchObject({ ruleId: rule.id, customerId: first.id, event: { customerId: first.id } });

  // Renaming the rule changes nothing a receiver routes on.
  await call(ws, 'PATCH', `/api/automations/${rule.id}`, { name: 'Tell the CRM (v2)' });
  const second = await createCustomer(t, ws, { name: 'Sara' });
  expect(await deliveryFor(second.id)).toMatchObject({ type: 'customer.created', data: { ruleId: rule.id } });
});
