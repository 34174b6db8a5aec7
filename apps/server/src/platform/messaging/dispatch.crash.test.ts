import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWorkspace } from '../../modules/workspace/index.ts';
import { runVafa, type VafaProcess } from '../../../test/process.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/scratch-database.ts';
import { startSmtpSink, type SmtpSink } from '../../../test/smtp-sink.ts';
import { connectDatabase, type Database } from '../db/connect.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { saveChannelSettings } from './channel-settings.ts';
import { queueMessages } from './outbox.ts';

/*
 * A worker process is killed with SIGKILL after the messages were committed and claimed but
 * before any reached the SMTP server; a new worker sends each exactly once. The processes get
 * a database of their own, so their dispatchers touch no other test file's messages.
 */

const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const secretKey = randomBytes(32);
let scratch: ScratchDatabase;
let database: Database;
let databaseUrl: string;
let sink: SmtpSink;
let blackHole: net.Server;
const sockets = new Set<net.Socket>();
const processes: VafaProcess[] = [];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-crash-'));

function worker(): VafaProcess {
  const p = runVafa(['start'], { DATABASE_URL: databaseUrl, VAFA_ROLE: 'worker', VAFA_DATA_DIR: dataDir, VAFA_SECRET_KEY: secretKey.toString('base64'), VAFA_DB_POOL_SIZE: '4', VAFA_OUTBOUND_ALLOW: '127.0.0.1' });
  processes.push(p);
  return p;
}

async function statuses(tenantId: string): Promise<Record<string, number>> {
  const { rows } = await database.db.execute<{ status: string; n: number }>(sql`SELECT status, count(*)::int AS n FROM messages WHERE tenant_id = ${tenantId} GROUP BY 1`);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

beforeAll(async () => {
  scratch = await createScratchDatabase('vafa_crash');
  databaseUrl = scratch.url;
  database = await connectDatabase({ databaseUrl, dataDir, poolSize: 2, log });
  await migrateDatabase(database);
  sink = await startSmtpSink();
  // Accepts connections and never greets: sends hang there until the process dies.
  blackHole = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
}, 180_000);

afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => blackHole.close(resolve));
  await sink.close();
  await database.close();
  await scratch.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('kill -9 after commit, before dispatch: a restarted worker sends every message exactly once', async () => {
  const secrets = { secretKey };
  const tenantId = await database.db.transaction(async (tx) => (await createWorkspace(tx, { name: 'Crash', slug: `crash-${randomBytes(4).toString('hex')}`, defaultLanguage: 'fa', defaultCountry: 'IR' })).id);
  const smtp = (port: number) => ({ channel: 'email' as const, provider: 'smtp' as const, settings: { host: '127.0.0.1', port, secure: false, fromAddress: 'shop@example.test' } });
  await saveChannelSettings(database.db, secrets, tenantId, smtp((blackHole.address() as net.AddressInfo).port));
  const ids = await database.db.transaction((tx) =>
    queueMessages(tx, tenantId, Array.from({ length: 30 }, (_, i) => ({ customerId: null, channel: 'email' as const, recipient: `c${i}@example.test`, locale: 'fa', subject: `پیام ${i}`, bodyText: `متن ${i}`, purpose: 'transactional' as const, origin: {} }))),
  );

  const first = worker();
  await first.waitFor(/Vafa worker started/, 120_000);
  // Claimed: in the hands of the first worker, stuck on their way to the SMTP server.
  const started = Date.now();
  while ((await statuses(tenantId)).sending !== 30) {
    if (Date.now() - started > 30_000) throw new Error(`not claimed: ${JSON.stringify(await statuses(tenantId))}\n${first.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  first.child.kill('SIGKILL');
  await first.exited;
  expect(sink.received).toBe(0);

  // The mail server is reachable now; time passes until the dead worker's leases lapse.
  await saveChannelSettings(database.db, secrets, tenantId, smtp(sink.port));
  await database.db.execute(sql`UPDATE messages SET next_attempt_at = now(), lease_until = now() WHERE tenant_id = ${tenantId} AND status = 'sending'`);

  const second = worker();
  await second.waitFor(/Vafa worker started/, 120_000);
  await sink.waitFor(30, 60_000);
  const waitSent = Date.now();
  while ((await statuses(tenantId)).sent !== 30) {
    if (Date.now() - waitSent > 30_000) throw new Error(`not sent: ${JSON.stringify(await statuses(tenantId))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);

  const received = sink.messages.map((m) => m.messageId).sort();
  expect(received).toEqual(ids.map((id) => `<${id}@vafa>`).sort());
  const { rows } = await database.db.execute<{ attempts: number }>(sql`SELECT DISTINCT attempts FROM messages WHERE tenant_id = ${tenantId}`);
  expect(rows).toEqual([{ attempts: 2 }]);
}, 240_000);
