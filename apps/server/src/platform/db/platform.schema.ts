import { sql } from 'drizzle-orm';
import { bigint, bigserial, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** A 64-bit transaction id (PostgreSQL's xid8), as its decimal text. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/**
 * Domain events written in the same transaction as the change that caused them. `xid` is that
 * transaction's id: the relay reads events by (xid, id) past its cursors (events/outbox.ts), so an
 * event is relayed when it sorts at or before its slot's cursor; `outbox_event_pending(xid, id)`
 * (a SQL function of migration 0035) says whether it is still to be.
 */
export const outboxEvents = pgTable(
  'outbox_events',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    topic: text('topic').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    xid: xid8('xid').notNull().default(sql`pg_current_xact_id()`),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // The relay reads one slot's events at a time (events/outbox.ts RELAY_SLOTS): led by the slot,
    // a probe of a slot with nothing new does not walk past the other slots' events.
    index('outbox_events_relay_slot_idx').on(sql`((${t.xid}::text::bigint % 4)::int)`, t.xid, t.id),
  ],
);

/**
 * Where the relay has got to, per slot (events whose xid modulo 4, the number of slots, is `slot`):
 * every event of the slot at or before (xid, id) has been handed to every subscriber.
 */
export const outboxRelayCursors = pgTable('outbox_relay_cursors', {
  slot: integer('slot').primaryKey(),
  xid: xid8('xid').notNull(),
  id: bigint('id', { mode: 'number' }).notNull(),
  movedAt: timestamp('moved_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The first result of each write made with an Idempotency-Key, replayed on a retry. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    tenantId: uuid('tenant_id').notNull(),
    key: text('key').notNull(),
    actorId: text('actor_id').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code'),
    response: jsonb('response'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.actorId, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);
