import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/scratch-database.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { EMPTY_ALLOW_LIST } from '../net/index.ts';
import { allowAllGuard } from './dispatch.types.ts';
import { MessageDispatcher } from './dispatcher.ts';
import { queueMessages } from './outbox.ts';
import { createWebhookEndpoint } from './webhook.channel.ts';

const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

interface Delivery {
  id: string;
  verified: unknown;
  error: string | undefined;
}

let t: TestApp;
// A database of its own: no other file's dispatcher takes these messages (see scratch-database.ts).
let scratch: ScratchDatabase;
let ws: TestWorkspace;
let receiver: http.Server;
let receiverUrl: string;
const deliveries: Delivery[] = [];
/** status codes to answer with, in order; then 204 */
const answers: number[] = [];
let secret: string;
let dispatcher: MessageDispatcher;

async function waitForStatus(id: string, status: string): Promise<{ status: string; attempts: number; reason: string | null }> {
  const started = Date.now();
  for (;;) {
    const { rows } = await t.database.db.execute<{ status: string; attempts: number; reason: string | null }>(sql`
      SELECT status, attempts, reason FROM messages WHERE tenant_id = ${ws.tenantId} AND id = ${id}`);
    if (rows[0]!.status === status) return rows[0]!;
    if (Date.now() - started > 20_000) throw new Error(`message ${id} is ${rows[0]!.status}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  scratch = await createScratchDatabase('vafa_webhook');
  // The receiver listens on 127.0.0.1, which the outbound guard refuses unless the operator allows it.
  t = await startTestApp({ env: { DATABASE_URL: scratch.url, VAFA_OUTBOUND_ALLOW: '127.0.0.1' } });
  ws = await t.createWorkspace();
  // A receiver that checks each delivery the way a customer's system would: with the
  // standardwebhooks library and the secret it was shown once.
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      let verified: unknown;
      let error: string | undefined;
      try {
        verified = new Webhook(secret).verify(body, headers);
      } catch (err) {
        error = (err as Error).message;
      }
      deliveries.push({ id: headers['webhook-id']!, verified, error });
      res.writeHead(error ? 400 : (answers.shift() ?? 204));
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/vafa`;
  dispatcher = new MessageDispatcher({ database: t.database, log, guard: allowAllGuard, onStatus: async () => {}, secrets: t.vafa.config, publicUrl: 'https://cx.example.test', outboundAllow: t.vafa.config.outboundAllow, tenants: [ws.tenantId], pollMs: 20, retryBaseMs: 40, retryMaxMs: 200 });
  await dispatcher.start();
});

afterAll(async () => {
  await dispatcher.stop();
  await new Promise((resolve) => receiver.close(resolve));
  await t.close();
  await scratch.drop();
});

async function queueWebhook(endpointId: string, payload: Record<string, unknown>): Promise<string> {
  const [id] = await t.database.db.transaction((tx) =>
    queueMessages(tx, ws.tenantId, [{ customerId: null, channel: 'webhook', recipient: endpointId, locale: 'en', bodyText: '', payload, origin: { ruleId: 'r1' } }]),
  );
  return id!;
}

describe('webhooks', () => {
  it('signs per Standard Webhooks; a 5xx is retried with the same webhook-id until it is taken', async () => {
    const endpoint = await t.database.db.transaction((tx) => createWebhookEndpoint(tx, t.vafa.config, ws.tenantId, { name: 'CRM', url: receiverUrl }));
    secret = endpoint.secret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    const { rows } = await t.database.db.execute<{ secret_sealed: string }>(sql`SELECT secret_sealed FROM webhook_endpoints WHERE tenant_id = ${ws.tenantId} AND id = ${endpoint.id}`);
    expect(rows[0]!.secret_sealed).not.toContain(secret.slice(6));

    answers.push(503, 500);
    const payload = { type: 'order.delivered', data: { orderId: 'A-1001', customer: 'مریم' } };
    const id = await queueWebhook(endpoint.id, payload);
    const row = await waitForStatus(id, 'sent');
    expect(row.attempts).toBe(3);
    const mine = deliveries.filter((d) => d.id === id);
    expect(mine).toHaveLength(3);
    for (const delivery of mine) {
      expect(delivery.error).toBeUndefined();
      expect(delivery.verified).toEqual(payload);
    }
  });

  it('410 Gone is permanent; a signature made with another secret fails verification', async () => {
    const endpoint = await t.database.db.transaction((tx) => createWebhookEndpoint(tx, t.vafa.config, ws.tenantId, { name: 'Old', url: receiverUrl }));
    secret = endpoint.secret;
    answers.push(410);
    const gone = await queueWebhook(endpoint.id, { type: 'x' });
    const row = await waitForStatus(gone, 'dead');
    expect(row).toMatchObject({ attempts: 1, reason: 'webhook_410' });

    // The receiver holds a different secret now: the next delivery does not verify, and
    // its 400 answer is a failure the dispatcher retries.
    const other = await t.database.db.transaction((tx) => createWebhookEndpoint(tx, t.vafa.config, ws.tenantId, { name: 'Other', url: receiverUrl }));
    secret = endpoint.secret;
    const forged = await queueWebhook(other.id, { type: 'y' });
    expect((await waitForStatus(forged, 'failed')).reason).toBe('webhook_400');
    expect(deliveries.find((d) => d.id === forged)!.error).toMatch(/signature/i);
  });

  it('an endpoint on an internal address is refused at connect time unless the operator allows it: dead at once, nothing sent', async () => {
    // Another workspace, served by a dispatcher with no allow-list (a default instance).
    const strictWs = await t.createWorkspace();
    const strict = new MessageDispatcher({ database: t.database, log, guard: allowAllGuard, onStatus: async () => {}, secrets: t.vafa.config, publicUrl: 'https://cx.example.test', outboundAllow: EMPTY_ALLOW_LIST, tenants: [strictWs.tenantId], pollMs: 20 });
    await strict.start();
    try {
      const endpoint = await t.database.db.transaction((tx) => createWebhookEndpoint(tx, t.vafa.config, strictWs.tenantId, { name: 'Internal', url: receiverUrl.replace('127.0.0.1', '2130706433') }));
      const [id] = await t.database.db.transaction((tx) =>
        queueMessages(tx, strictWs.tenantId, [{ customerId: null, channel: 'webhook', recipient: endpoint.id, locale: 'en', bodyText: '', payload: { type: 'z' }, origin: {} }]),
      );
      const started = Date.now();
      let row: { status: string; reason: string | null; detail: string | null } | undefined;
      while (row?.status !== 'dead') {
        if (Date.now() - started > 20_000) throw new Error(`message is ${row?.status}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
        ({ rows: [row] } = await t.database.db.execute<{ status: string; reason: string | null; detail: string | null }>(sql`
          SELECT status, reason, detail FROM messages WHERE tenant_id = ${strictWs.tenantId} AND id = ${id!}`));
      }
      expect(row).toMatchObject({ reason: 'outbound_refused', detail: 'loopback' });
      expect(deliveries.filter((d) => d.id === id)).toEqual([]);
    } finally {
      await strict.stop();
    }
  });
});
