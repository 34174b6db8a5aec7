import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/scratch-database.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { startSmtpSink, type SmtpSink } from '../../../test/smtp-sink.ts';
import { saveChannelSettings } from './channel-settings.ts';
import { allowAllGuard, type StatusChange, type Verdict } from './dispatch.types.ts';
import { MessageDispatcher, retryMessage, type DispatcherOptions } from './dispatcher.ts';
import { queueMessages, type NewMessage } from './outbox.ts';
import { verifyUnsubscribeToken } from './tokens.ts';

const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const PUBLIC_URL = 'https://cx.example.test';

let t: TestApp;
// A database of its own: no other file's dispatcher takes these messages (see scratch-database.ts).
let scratch: ScratchDatabase;
let ws: TestWorkspace;
let sink: SmtpSink;
const changes: StatusChange[] = [];
const running: MessageDispatcher[] = [];

function dispatcher(options: Partial<DispatcherOptions> = {}): MessageDispatcher {
  const d = new MessageDispatcher({
    database: t.database,
    log,
    guard: allowAllGuard,
    onStatus: async (_tx, tenantId, batch) => {
      expect(tenantId).toBe(ws.tenantId);
      changes.push(...batch);
    },
    secrets: t.vafa.config,
    publicUrl: PUBLIC_URL,
    outboundAllow: t.vafa.config.outboundAllow,
    tenants: [ws.tenantId],
    pollMs: 20,
    retryBaseMs: 40,
    retryMaxMs: 200,
    ...options,
  });
  running.push(d);
  return d;
}

async function queue(messages: Partial<NewMessage>[]): Promise<string[]> {
  return t.database.db.transaction((tx) =>
    queueMessages(
      tx,
      ws.tenantId,
      messages.map((m) => ({ customerId: null, channel: 'email', recipient: 'someone@example.test', locale: 'fa', subject: 'سلام', bodyText: 'متن', origin: { test: true }, ...m })),
    ),
  );
}

interface Row {
  status: string;
  attempts: number;
  reason: string | null;
  detail: string | null;
  sent_at: Date | null;
  [key: string]: unknown;
}

async function message(id: string): Promise<Row> {
  const { rows } = await t.database.db.execute<Row>(sql`SELECT status, attempts, reason, detail, sent_at FROM messages WHERE tenant_id = ${ws.tenantId} AND id = ${id}`);
  return rows[0]!;
}

async function waitForStatus(id: string, status: string, timeoutMs = 120_000): Promise<Row> {
  const started = Date.now();
  for (;;) {
    const row = await message(id);
    if (row.status === status) return row;
    if (Date.now() - started > timeoutMs) throw new Error(`message ${id} is ${row.status} (${row.reason}), not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  scratch = await createScratchDatabase('vafa_dispatch');
  t = await startTestApp({ env: { DATABASE_URL: scratch.url, VAFA_OUTBOUND_ALLOW: '127.0.0.1' } });
  ws = await t.createWorkspace({ country: 'IR' });
  sink = await startSmtpSink({ auth: { user: 'shop', pass: 'گذرواژه-secret' } });
  await saveChannelSettings(t.database.db, t.vafa.config, ws.tenantId, {
    channel: 'email',
    provider: 'smtp',
    settings: { host: sink.host, port: sink.port, secure: false, user: 'shop', fromName: 'فروشگاه وفا', fromAddress: 'shop@example.test', replyTo: 'care@example.test' },
    secret: 'گذرواژه-secret',
  });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop()));
  changes.length = 0;
  sink.reset();
});

afterAll(async () => {
  await sink.close();
  await t.close();
  await scratch.drop();
});

describe('e-mail over SMTP', () => {
  it('delivers HTML and text with the sender, a deterministic Message-ID and one-click unsubscribe, Persian intact', async () => {
    const customer = await createCustomer(t, ws, { email: 'maryam@example.test', consent: { email: { granted: true } } });
    const subject = 'سفارش شما رسید، مریم جان 🌷';
    const text = 'سلام مریم، از خرید ⁨Galaxy S24⁩ سپاسگزاریم.';
    const [id] = await queue([{ customerId: customer.id, recipient: 'maryam@example.test', subject, bodyText: text, bodyHtml: `<p dir="rtl">${text}</p>` }]);
    const [transactional] = await queue([{ customerId: customer.id, recipient: 'maryam@example.test', subject: 'رسید', bodyText: 'رسید خرید', purpose: 'transactional' }]);
    await dispatcher().start();
    const mails = await sink.waitFor(2);
    const mail = mails.find((m) => m.messageId === `<${id}@vafa>`)!;
    expect(mail).toBeDefined();
    expect(mail.user).toBe('shop');
    expect(mail.to).toEqual(['maryam@example.test']);
    expect(mail.headers.get('from')).toBe('فروشگاه وفا <shop@example.test>');
    expect(mail.headers.get('reply-to')).toBe('care@example.test');
    expect(mail.subject).toBe(subject);
    expect(mail.text?.trim()).toBe(text);
    expect(mail.html).toBe(`<p dir="rtl">${text}</p>`);
    const unsubscribe = mail.headers.get('list-unsubscribe')!;
    expect(unsubscribe).toMatch(new RegExp(`^<${PUBLIC_URL}/u/[A-Za-z0-9_.-]+>$`));
    expect(mail.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const token = unsubscribe.slice(`<${PUBLIC_URL}/u/`.length, -1);
    expect(verifyUnsubscribeToken(t.vafa.config, token)).toEqual({ tenantId: ws.tenantId, customerId: customer.id, channel: 'email', messageId: id });

    // A receipt is not marketing: no unsubscribe header.
    const receipt = mails.find((m) => m.messageId === `<${transactional}@vafa>`)!;
    expect(receipt.headers.has('list-unsubscribe')).toBe(false);

    const row = await waitForStatus(id!, 'sent');
    expect(row.attempts).toBe(1);
    expect(row.sent_at).not.toBeNull();
    await waitForStatus(transactional!, 'sent');
    expect(changes.filter((c) => c.id === id).map((c) => [c.status, c.customerId, c.channel, c.origin])).toEqual([['sent', customer.id, 'email', { test: true }]]);
  });

  it('retries a 4xx with backoff and then sends', async () => {
    sink.failNext(2, 451, 'Greylisted, try again');
    const [id] = await queue([{ subject: 'retry' }]);
    await dispatcher().start();
    const row = await waitForStatus(id!, 'sent');
    expect(row.attempts).toBe(3);
    expect(sink.messages.filter((m) => m.messageId === `<${id}@vafa>`)).toHaveLength(1);
    expect(changes.filter((c) => c.id === id).map((c) => [c.status, c.reason])).toEqual([
      ['failed', 'smtp_451'],
      ['failed', 'smtp_451'],
      ['sent', null],
    ]);
  });

  it('a 5xx is permanent: dead at once with the reply as detail', async () => {
    sink.failNext(1, 550, 'No such user here');
    const [id] = await queue([{ recipient: 'nobody@example.test' }]);
    await dispatcher().start();
    const row = await waitForStatus(id!, 'dead');
    expect(row.attempts).toBe(1);
    expect(row.reason).toBe('smtp_550');
    expect(row.detail).toContain('No such user here');
    expect(changes.filter((c) => c.id === id).map((c) => c.status)).toEqual(['dead']);
  });

  it('gives up after the maximum attempts, and retryMessage queues it again', async () => {
    sink.failNext(3, 421, 'Service not available');
    const [id] = await queue([{ subject: 'stubborn' }]);
    await dispatcher({ maxAttempts: 3 }).start();
    const dead = await waitForStatus(id!, 'dead');
    expect(dead.attempts).toBe(3);
    expect(dead.reason).toBe('smtp_421');
    expect(sink.messages).toHaveLength(0);

    expect(await retryMessage(t.database.db, ws.tenantId, id!)).toBe(true);
    // Another workspace cannot requeue it, and a sent message is not requeued.
    const other = await t.createWorkspace();
    expect(await retryMessage(t.database.db, other.tenantId, id!)).toBe(false);
    const sent = await waitForStatus(id!, 'sent');
    expect(sent.attempts).toBe(1);
    expect(await retryMessage(t.database.db, ws.tenantId, id!)).toBe(false);
    expect(sink.messages.filter((m) => m.messageId === `<${id}@vafa>`)).toHaveLength(1);
  });

  it('a channel that is not configured makes the message dead, not stuck', async () => {
    const other = await t.createWorkspace();
    const [id] = await t.database.db.transaction((tx) =>
      queueMessages(tx, other.tenantId, [{ customerId: null, channel: 'email', recipient: 'x@example.test', locale: 'en', subject: 'x', bodyText: 'x', origin: {} }]),
    );
    await dispatcher({ tenants: [other.tenantId], onStatus: async () => {} }).start();
    const started = Date.now();
    for (;;) {
      const { rows } = await t.database.db.execute<{ status: string; reason: string }>(sql`SELECT status, reason FROM messages WHERE tenant_id = ${other.tenantId} AND id = ${id!}`);
      if (rows[0]!.status === 'dead') {
        expect(rows[0]!.reason).toBe('email_not_configured');
        break;
      }
      if (Date.now() - started > 10_000) throw new Error(`still ${rows[0]!.status}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  });
});

describe('claims', () => {
  it('takes over a message whose lease lapsed (a crashed dispatcher) and sends it once', async () => {
    const [id] = await queue([{ subject: 'orphan' }]);
    // What a dispatcher that died mid-send leaves behind: sending, lease over.
    await t.database.db.execute(sql`
      UPDATE messages SET status = 'sending', attempts = 1, lease_until = now() - interval '1 second', next_attempt_at = now() - interval '1 second'
      WHERE tenant_id = ${ws.tenantId} AND id = ${id!}`);
    // A live lease is left alone.
    const [leased] = await queue([{ subject: 'leased' }]);
    await t.database.db.execute(sql`
      UPDATE messages SET status = 'sending', attempts = 1, lease_until = now() + interval '1 hour', next_attempt_at = now() + interval '1 hour'
      WHERE tenant_id = ${ws.tenantId} AND id = ${leased!}`);
    await dispatcher().start();
    const row = await waitForStatus(id!, 'sent');
    expect(row.attempts).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await message(leased!)).status).toBe('sending');
    expect(sink.messages.map((m) => m.subject)).toEqual(['orphan']);
  });

  it('two dispatchers never send one message twice', async () => {
    const ids = await queue(Array.from({ length: 400 }, (_, i) => ({ subject: `batch ${i}` })));
    await Promise.all([dispatcher({ batchSize: 25, concurrency: 8 }).start(), dispatcher({ batchSize: 25, concurrency: 8 }).start()]);
    await sink.waitFor(400);
    for (const id of [ids[0]!, ids[399]!]) await waitForStatus(id, 'sent');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const seen = sink.messages.map((m) => m.messageId);
    expect(seen).toHaveLength(400);
    expect(new Set(seen).size).toBe(400);
    const { rows } = await t.database.db.execute<{ status: string; n: number }>(sql`
      SELECT status, count(*)::int AS n FROM messages WHERE tenant_id = ${ws.tenantId} AND id = ANY(${sql.param(ids)}::uuid[]) GROUP BY status`);
    expect(rows).toEqual([{ status: 'sent', n: 400 }]);
    expect(changes.filter((c) => c.status === 'sent' && ids.includes(c.id))).toHaveLength(400);
  });

  it('applies the guard: deferred messages wait, suppressed ones are never sent', async () => {
    const [deferred, suppressed, allowed] = await queue([{ subject: 'later' }, { subject: 'never' }, { subject: 'now' }]);
    const until = new Date(Date.now() + 60 * 60_000);
    await dispatcher({
      guard: {
        review: async (_db, _tenantId, messages) => {
          const verdicts = new Map<string, Verdict>();
          for (const m of messages) {
            if (m.id === deferred) verdicts.set(m.id, { kind: 'defer', until, reason: 'quiet_hours' });
            if (m.id === suppressed) verdicts.set(m.id, { kind: 'suppress', reason: 'no_consent' });
          }
          return verdicts;
        },
      },
    }).start();
    await waitForStatus(allowed!, 'sent');
    const dead = await waitForStatus(suppressed!, 'suppressed');
    expect(dead.reason).toBe('no_consent');
    const waiting = await message(deferred!);
    expect(waiting).toMatchObject({ status: 'queued', reason: 'quiet_hours', attempts: 0 });
    const { rows } = await t.database.db.execute<{ next: Date }>(sql`SELECT next_attempt_at AS next FROM messages WHERE tenant_id = ${ws.tenantId} AND id = ${deferred!}`);
    expect(new Date(rows[0]!.next).getTime()).toBe(until.getTime());
    expect(sink.messages.map((m) => m.subject)).toEqual(['now']);
    expect(changes.filter((c) => c.id === suppressed).map((c) => [c.status, c.reason])).toEqual([['suppressed', 'no_consent']]);
  });

  it('holds the workspace send rate: beyond rate_per_minute, messages wait for the next minute', async () => {
    await t.database.db.execute(sql`INSERT INTO messaging_policies (tenant_id, rate_per_minute) VALUES (${ws.tenantId}, 5)
      ON CONFLICT (tenant_id) DO UPDATE SET rate_per_minute = 5`);
    try {
      const { rows: before } = await t.database.db.execute<{ n: number }>(sql`
        SELECT count(*)::int AS n FROM messages WHERE tenant_id = ${ws.tenantId} AND sent_at > now() - interval '1 minute'`);
      const ids = await queue(Array.from({ length: 8 }, (_, i) => ({ subject: `rate ${i}` })));
      await dispatcher().start();
      const allowed = Math.max(0, 5 - before[0]!.n);
      // Wait (on a loaded machine, sends take a while) until the allowed ones are out, then a
      // little longer: the rest must stay held back.
      const sentCount = async () => (await t.database.db.execute<{ n: number }>(sql`
        SELECT count(*)::int AS n FROM messages WHERE tenant_id = ${ws.tenantId} AND id = ANY(${sql.param(ids)}::uuid[]) AND status = 'sent'`)).rows[0]!.n;
      for (let i = 0; i < 1200 && (await sentCount()) < allowed; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const { rows } = await t.database.db.execute<{ status: string; reason: string | null; n: number }>(sql`
        SELECT status, reason, count(*)::int AS n FROM messages WHERE tenant_id = ${ws.tenantId} AND id = ANY(${sql.param(ids)}::uuid[]) GROUP BY 1, 2 ORDER BY 1`);
      expect(rows).toEqual([
        ...(allowed < 8 ? [{ status: 'queued', reason: 'rate_limited', n: 8 - allowed }] : []),
        ...(allowed > 0 ? [{ status: 'sent', reason: null, n: allowed }] : []),
      ]);
    } finally {
      await t.database.db.execute(sql`DELETE FROM messaging_policies WHERE tenant_id = ${ws.tenantId}`);
    }
  });

  it('stops gracefully: what it claimed is either sent or back in the queue', async () => {
    const ids = await queue(Array.from({ length: 60 }, (_, i) => ({ subject: `stop ${i}` })));
    const d = dispatcher({ concurrency: 2, batchSize: 60 });
    await d.start();
    await sink.waitFor(3);
    await d.stop();
    const { rows } = await t.database.db.execute<{ status: string; n: number }>(sql`
      SELECT status, count(*)::int AS n FROM messages WHERE tenant_id = ${ws.tenantId} AND id = ANY(${sql.param(ids)}::uuid[]) GROUP BY 1`);
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    expect(by.sending).toBeUndefined();
    expect(by.sent).toBe(sink.messages.length);
    expect((by.sent ?? 0) + (by.queued ?? 0)).toBe(60);
    // The rest goes out with the next dispatcher, each once.
    await dispatcher().start();
    await sink.waitFor(60);
    expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(60);
  });
});
