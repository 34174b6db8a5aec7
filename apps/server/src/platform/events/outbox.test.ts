import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PgDialect } from 'drizzle-orm/pg-core';
import pino from 'pino';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/eventually.ts';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/scratch-database.ts';
import { defineSubscriber, eventsInsert, OutboxRelay, publishEvents, type DomainEvent } from './outbox.ts';

// The relay reads events past a cursor instead of marking each one dispatched. These tests hold it
// to what the marks gave: no event skipped whatever order transactions commit in, and a relay
// killed mid-batch loses nothing.

let t: TestApp;
let scratch: ScratchDatabase;
const received: DomainEvent[] = [];
const recorder = defineSubscriber({ name: 'test-cursor', topics: ['cursor.*'], run: async (event) => void received.push(event) });
let relay: OutboxRelay;

beforeAll(async () => {
  // Role api: no relay of the app's own; this file drives one by hand, on a database of its own.
  scratch = await createScratchDatabase('vafa_outbox');
  t = await startTestApp({ database: scratch.url });
  relay = new OutboxRelay(t.database, t.vafa.queue, [recorder], pino({ level: 'silent' }));
});
afterAll(async () => {
  await relay?.stop();
  await t?.close();
  await scratch?.drop();
});

async function open(): Promise<pg.PoolClient> {
  const client = await t.database.pool.connect();
  await client.query('BEGIN');
  return client;
}

async function publish(client: pg.PoolClient, tenantId: string, topic: string): Promise<void> {
  const { sql: text, params } = new PgDialect().sqlToQuery(eventsInsert(tenantId, [{ topic, payload: {} }]));
  await client.query(text, params);
}

const xidOf = async (client: pg.PoolClient) => BigInt((await client.query('SELECT pg_current_xact_id()::text AS xid')).rows[0].xid);

/**
 * Commits later transactions, each with an event, until one falls in the early transaction's slot
 * (the relay keeps a cursor per slot of transaction ids): the one whose cursor could skip it.
 */
async function commitLaterInSlotOf(early: pg.PoolClient, tenantId: string): Promise<void> {
  const slots = BigInt((await t.database.pool.query('SELECT count(*) AS n FROM outbox_relay_cursors')).rows[0].n);
  const slot = (await xidOf(early)) % slots;
  for (;;) {
    const late = await open();
    await publish(late, tenantId, 'cursor.late');
    const same = (await xidOf(late)) % slots === slot;
    await late.query('COMMIT');
    late.release();
    if (same) return;
  }
}

/** Runs the relay until it finds nothing more to hand out. */
async function drain(): Promise<void> {
  while ((await relay.relayBatch()) > 0);
}

const pending = async (tenantId: string) =>
  Number((await t.database.pool.query('SELECT count(*) AS n FROM outbox_events WHERE tenant_id = $1 AND outbox_event_pending(xid, id)', [tenantId])).rows[0].n);

/** The early transaction's event reaches the subscriber exactly once, and nothing of the workspace is left behind the cursor. */
async function expectEarlyRelayedOnce(tenantId: string): Promise<void> {
  await eventually(async () => {
    await drain();
    return received.some((e) => e.tenantId === tenantId && e.topic === 'cursor.early');
  }, 'the early event relayed', 60_000);
  expect(received.filter((e) => e.tenantId === tenantId && e.topic === 'cursor.early')).toHaveLength(1);
  await eventually(async () => {
    await drain();
    return (await pending(tenantId)) === 0;
  }, 'nothing left to relay', 60_000);
}

describe('the relay cursor', () => {
  it('relays an event whose transaction took its id first and committed after a later one was relayed', async () => {
    const ws = await t.createWorkspace();
    const early = await open();
    await publish(early, ws.tenantId, 'cursor.early'); // the lower id, still uncommitted
    await commitLaterInSlotOf(early, ws.tenantId);
    await drain(); // an id cursor would move past the early event's id here
    await early.query('COMMIT');
    early.release();
    await expectEarlyRelayedOnce(ws.tenantId);
  });

  it('relays an event written, after a later transaction was relayed, by a transaction that began writing before it', async () => {
    const ws = await t.createWorkspace();
    const early = await open();
    await early.query('SELECT pg_current_xact_id()'); // the lower transaction id: it has begun writing
    await commitLaterInSlotOf(early, ws.tenantId);
    await drain(); // a (xid, id) cursor that ignored running transactions would move past the early one
    await publish(early, ws.tenantId, 'cursor.early'); // the higher event id, the lower transaction id
    await early.query('COMMIT');
    early.release();
    await expectEarlyRelayedOnce(ws.tenantId);
  });

  it('hands each subscriber the events of a transaction in the order they were written', async () => {
    const ws = await t.createWorkspace();
    const topics = Array.from({ length: 30 }, (_, i) => `cursor.n${i}`);
    await t.database.db.transaction(async (tx) => publishEvents(tx, ws.tenantId, topics.map((topic) => ({ topic, payload: {} }))));
    await eventually(async () => {
      await drain();
      return received.filter((e) => e.tenantId === ws.tenantId).length >= topics.length;
    }, 'the events relayed', 60_000);
    expect(received.filter((e) => e.tenantId === ws.tenantId).map((e) => e.topic)).toEqual(topics);
  });
});

describe('cursors from another cluster', () => {
  it('relays what was still to go, and what comes after, when a restore brought cursors from ahead of this cluster', async () => {
    const ws = await t.createWorkspace();
    await drain();
    // As a pg_dump of a busier cluster restores: positions far past this cluster's transaction ids.
    const far = 1n << 40n;
    await t.database.pool.query(`UPDATE outbox_relay_cursors SET xid = $1::xid8, id = 0`, [String(far)]);
    const { rows: [relayed] } = await t.database.pool.query(
      `INSERT INTO outbox_events (tenant_id, topic, payload, xid) SELECT $1, 'cursor.relayed-there', '{}', c.xid FROM outbox_relay_cursors c WHERE c.slot = 0 RETURNING id`, [ws.tenantId]);
    await t.database.pool.query(`UPDATE outbox_relay_cursors SET id = $1 WHERE slot = 0`, [relayed.id]);
    await t.database.pool.query(`INSERT INTO outbox_events (tenant_id, topic, payload, xid) VALUES ($1, 'cursor.pending-there', '{}', $2::xid8)`, [ws.tenantId, String(far + 4n)]);
    expect(await relay.realignCursors()).toBe(true);
    expect(await relay.realignCursors()).toBe(false);
    await t.database.db.transaction(async (tx) => publishEvents(tx, ws.tenantId, [{ topic: 'cursor.new-here', payload: {} }]));
    await eventually(async () => {
      await drain();
      return (await pending(ws.tenantId)) === 0 && received.some((e) => e.tenantId === ws.tenantId && e.topic === 'cursor.new-here');
    }, 'the pending and the new event relayed', 60_000);
    const topics = received.filter((e) => e.tenantId === ws.tenantId).map((e) => e.topic);
    expect(topics).toContain('cursor.pending-there');
    expect(topics).not.toContain('cursor.relayed-there');
  });
});

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('a relay killed mid-batch', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  function startRelay(): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/relay-process.ts'], {
      cwd: SERVER_DIR, env: { ...process.env, DATABASE_URL: scratch.url }, stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  }

  it('loses no event when the process is killed -9 while its subscribers run, and hands out again only what it had', async () => {
    const ws = await t.createWorkspace();
    await t.database.pool.query('CREATE TABLE relay_kill_seen (event_id bigint NOT NULL)');
    for (let i = 0; i < 20; i++) {
      await t.database.db.transaction(async (tx) => publishEvents(tx, ws.tenantId, Array.from({ length: 100 }, (_, n) => ({ topic: 'kill.event', payload: { n } }))));
    }
    const { rows: events } = await t.database.pool.query<{ id: number }>(`SELECT id FROM outbox_events WHERE tenant_id = $1 AND topic = 'kill.event'`, [ws.tenantId]);
    expect(events).toHaveLength(2000);
    const seen = async () => (await t.database.pool.query<{ event_id: number }>('SELECT event_id FROM relay_kill_seen')).rows.map((r) => r.event_id);

    const first = startRelay();
    await eventually(async () => (await seen()).length >= 100, 'the first relay at work', 120_000);
    const exited = new Promise((resolve) => first.on('exit', resolve));
    first.kill('SIGKILL');
    await exited;
    const beforeKill = new Set(await seen());
    expect(beforeKill.size).toBeLessThan(2000);
    expect(await pending(ws.tenantId)).toBeGreaterThan(0);

    startRelay();
    await eventually(async () => (await pending(ws.tenantId)) === 0, 'every event relayed after the restart', 180_000);
    const all = await seen();
    expect(new Set(all)).toEqual(new Set(events.map((e) => e.id)));
    // Handed out twice: only events the killed process had been handed (its claims in flight).
    const counts = new Map<number, number>();
    for (const id of all) counts.set(id, (counts.get(id) ?? 0) + 1);
    const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    expect(twice.every((id) => beforeKill.has(id))).toBe(true);
    expect([...counts.values()].every((n) => n <= 2)).toBe(true);
  });
});
