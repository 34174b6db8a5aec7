// Dispatch throughput: 100,000 queued e-mails through the message dispatcher to a local SMTP
// server, against a plain nodemailer loop (same pooled transport, same concurrency) as the
// baseline. The SMTP server (smtp-server, no auth, no TLS) runs in a child process, so the
// sink's CPU shows up as it would for a relay on the same machine, not inside our event loop.
//
// `node --import tsx bench/dispatch.bench.ts --sink` is the child: it prints its port and
// answers "count" on stdin with how many messages it received.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { createWorkspace } from '../apps/server/src/modules/workspace/index.ts';
import { saveChannelSettings } from '../apps/server/src/platform/messaging/channel-settings.ts';
import { allowAllGuard } from '../apps/server/src/platform/messaging/dispatch.types.ts';
import { DISPATCH_DEFAULTS, MessageDispatcher } from '../apps/server/src/platform/messaging/dispatcher.ts';
import { queueMessages, type NewMessage } from '../apps/server/src/platform/messaging/outbox.ts';
import { benchDatabase, report } from './lib.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const SMTP_CONNECTIONS = 5; // EmailChannel's pool size
const CONCURRENCY = DISPATCH_DEFAULTS.concurrency;

if (process.argv.includes('--sink')) {
  let received = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${(server.server.address() as AddressInfo).port}\n`));
  readline.createInterface({ input: process.stdin }).on('line', () => process.stdout.write(`count ${received}\n`));
} else {
  await main();
}

async function main() {
  const sinkProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--sink'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: sinkProcess.stdout! });
  const nextLine = (prefix: string) => new Promise<string>((resolve) => {
    const onLine = (line: string) => {
      if (!line.startsWith(prefix)) return;
      lines.off('line', onLine);
      resolve(line.slice(prefix.length));
    };
    lines.on('line', onLine);
  });
  const sinkPort = Number(await nextLine('port '));
  const sinkCount = async () => {
    const answer = nextLine('count ');
    sinkProcess.stdin!.write('count\n');
    return Number(await answer);
  };

  const log = pino({ level: 'warn' });
  const database = await benchDatabase('dispatch');
  const secrets = { secretKey: randomBytes(32) };
  await database.db.execute(sql`TRUNCATE messages`);
  const tenantId = await database.db.transaction(async (tx) => (await createWorkspace(tx, { name: 'Dispatch bench', slug: `dispatch-${randomBytes(4).toString('hex')}`, defaultLanguage: 'fa', defaultCountry: 'IR' })).id);
  // The workspace rate limit (default 6,000/min) would cap the run at 100/s; the bench measures the machinery.
  await database.db.execute(sql`INSERT INTO messaging_policies (tenant_id, rate_per_minute) VALUES (${tenantId}, 100000000)`);
  await saveChannelSettings(database.db, secrets, tenantId, { channel: 'email', provider: 'smtp', settings: { host: '127.0.0.1', port: sinkPort, secure: false, fromName: 'فروشگاه وفا', fromAddress: 'shop@example.test' } });

  const body = (i: number) => `سلام مریم ${i}، از خرید ⁨Galaxy S24⁩ سپاسگزاریم. ${'نظر شما برای ما مهم است. '.repeat(20)}`;
  const message = (i: number): NewMessage => ({
    customerId: randomUUID(),
    channel: 'email',
    recipient: `customer${i}@example.test`,
    locale: 'fa',
    subject: `سفارش شما رسید ${i}`,
    bodyText: body(i),
    bodyHtml: `<p dir="rtl">${body(i)}</p>`,
    origin: { ruleId: 'bench' },
  });

  // Baseline: the same mails straight through one pooled nodemailer transport, CONCURRENCY in flight.
  const transport = nodemailer.createTransport({ pool: true, maxConnections: SMTP_CONNECTIONS, maxMessages: Number.POSITIVE_INFINITY, host: '127.0.0.1', port: sinkPort, secure: false });
  let next = 0;
  const baselineStart = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < MESSAGES) {
        const i = next++;
        const m = message(i);
        await transport.sendMail({ messageId: `<${randomUUID()}@vafa>`, from: { name: 'فروشگاه وفا', address: 'shop@example.test' }, to: m.recipient, subject: m.subject!, text: m.bodyText, html: m.bodyHtml!, headers: { 'List-Unsubscribe': '<https://cx.example.test/u/x>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } });
      }
    }),
  );
  const baselineSeconds = (performance.now() - baselineStart) / 1000;
  transport.close();
  const afterBaseline = await sinkCount();

  // Queue 100,000 in the outbox, then dispatch them all.
  const queueStart = performance.now();
  for (let from = 0; from < MESSAGES; from += 5_000) {
    await database.db.transaction((tx) => queueMessages(tx, tenantId, Array.from({ length: Math.min(5_000, MESSAGES - from) }, (_, k) => message(from + k))));
  }
  const queueSeconds = (performance.now() - queueStart) / 1000;

  const dispatcher = new MessageDispatcher({ database, log, guard: allowAllGuard, onStatus: async () => {}, secrets, publicUrl: 'https://cx.example.test', tenants: [tenantId] });
  const dispatchStart = performance.now();
  await dispatcher.start();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const { rows } = await database.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM messages WHERE tenant_id = ${tenantId} AND status = 'sent'`);
    if (rows[0]!.n >= MESSAGES) break;
  }
  const dispatchSeconds = (performance.now() - dispatchStart) / 1000;
  await dispatcher.stop();
  const delivered = (await sinkCount()) - afterBaseline;
  const { rows: statuses } = await database.db.execute<{ status: string; n: number }>(sql`SELECT status, count(*)::int AS n FROM messages WHERE tenant_id = ${tenantId} GROUP BY 1`);

  sinkProcess.kill('SIGTERM');
  await database.close();

  const dispatchPerSecond = Math.round(MESSAGES / dispatchSeconds);
  const baselinePerSecond = Math.round(MESSAGES / baselineSeconds);
  report('dispatch', {
    messages: MESSAGES,
    sink: 'smtp-server in a child process',
    smtpConnections: SMTP_CONNECTIONS,
    concurrency: CONCURRENCY,
    batchSize: DISPATCH_DEFAULTS.batchSize,
    queueSeconds: Number(queueSeconds.toFixed(1)),
    dispatchSeconds: Number(dispatchSeconds.toFixed(1)),
    dispatchPerSecond,
    baselinePerSecond,
    dispatchVsBaseline: Number((dispatchPerSecond / baselinePerSecond).toFixed(2)),
    sinkReceived: delivered,
    statuses: Object.fromEntries(statuses.map((r) => [r.status, r.n])),
  });
}
