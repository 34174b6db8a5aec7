import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AutomationAction, AutomationCondition } from '@vafa/contracts';
import { EVENT_BATCH, handleEvent, handleEvents } from '../apps/server/src/modules/engagement/automation.engine.ts';
import { insertRule, insertTemplate } from '../apps/server/src/modules/engagement/automation.repo.ts';
import { createWorkspace } from '../apps/server/src/modules/workspace/index.ts';
import type { DomainEvent } from '../apps/server/src/platform/events/outbox.ts';
import { WORK_DIR, benchDatabase, report } from './lib.ts';

// Rule evaluation: 100,000 touchpoint.recorded events through 50 enabled rules, driving the
// engine's batch subscriber handler directly (no relay, no pg-boss) with CONCURRENCY batches of
// BATCH events in flight, as pg-boss hands them to the subscriber. Every event records 50 runs
// (done or skipped with a reason); each batch is one transaction. A batch that fails is run
// again one event per transaction, as JobQueue does (counted in `batchFallbacks`).
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const CUSTOMERS = 10_000;
const BATCH = Number(process.env.BENCH_BATCH ?? EVENT_BATCH);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const KINDS = ['visit', 'call', 'message', 'chat', 'social', 'note'];
const CITIES = ['Tehran', 'Shiraz', 'Tabriz', 'Mashhad', 'Isfahan'];

fs.rmSync(path.join(WORK_DIR, 'data-rules'), { recursive: true, force: true });
const database = await benchDatabase('rules');
const { pool } = database;

const ws = await database.db.transaction((tx) => createWorkspace(tx, { name: 'Rules bench', slug: `rules-${Date.now()}`, defaultLanguage: 'fa', defaultCountry: 'IR' }));
const tenantId = ws.id;
await pool.query(`INSERT INTO attribute_definitions (tenant_id, key, type, label) VALUES ($1, 'city', 'text', '{"fa":"شهر","ar":"مدينة","en":"City"}')`, [tenantId]);
await pool.query(`
  INSERT INTO customers (tenant_id, id, name, phone, email, language, preferred_channel, consent, tags, attributes)
  SELECT $1, gen_random_uuid(), 'مشتری ' || n, '+98912' || lpad(n::text, 7, '0'), 'c' || n || '@example.test',
         (ARRAY['fa','ar','en'])[1 + n % 3], (ARRAY['sms','email'])[1 + n % 2],
         jsonb_build_object('sms', jsonb_build_object('granted', n % 4 <> 0), 'email', jsonb_build_object('granted', n % 3 = 0)),
         CASE WHEN n % 5 = 0 THEN ARRAY['vip'] ELSE ARRAY[]::text[] END,
         jsonb_build_object('city', (ARRAY['Tehran','Shiraz','Tabriz','Mashhad','Isfahan'])[1 + n % 5])
  FROM generate_series(1, ${CUSTOMERS}) n`, [tenantId]);
// Statistics as a live workspace has them (autovacuum would analyze soon): without them the
// planner answers a by-id customer lookup with a scan of the whole workspace.
await pool.query('ANALYZE customers');
const customerIds = (await pool.query<{ id: string }>('SELECT id FROM customers WHERE tenant_id = $1', [tenantId])).rows.map((r) => r.id);
const segmentId = randomUUID();
await pool.query(`INSERT INTO segments (tenant_id, id, name, rules) VALUES ($1, $2, 'VIP', '{"match":"all","conditions":[{"field":"tag","op":"has","value":"vip"}]}')`, [tenantId, segmentId]);

const now = new Date();
const template = await insertTemplate(database.db, {
  tenantId, id: randomUUID(), name: 'Thanks', createdAt: now, updatedAt: now,
  content: { fa: { text: 'سلام {name}، از تماس شما سپاسگزاریم.' }, ar: { text: 'مرحبًا {name}، شكرًا لتواصلك.' }, en: { text: 'Dear {name}, thank you for getting in touch.' } },
});

// 50 rules: mixed conditions (event field, attribute, tag, segment, none); some send, some tag.
const rules: { conditions: AutomationCondition[]; actions: AutomationAction[] }[] = [];
for (let i = 0; i < 50; i++) {
  const send: AutomationAction = { type: 'send_message', templateId: template.id, channel: 'preferred' };
  const tag: AutomationAction = { type: 'add_tag', tag: `seen-${i % 10}` };
  switch (i % 5) {
    case 0:
      rules.push({ conditions: [{ type: 'event', field: 'kind', op: 'eq', value: KINDS[i % KINDS.length]! }], actions: [tag] });
      break;
    case 1:
      rules.push({ conditions: [{ type: 'attribute', key: 'city', op: 'eq', value: CITIES[i % CITIES.length]! }, { type: 'event', field: 'kind', op: 'in', value: ['call', 'chat'] }], actions: [send] });
      break;
    case 2:
      rules.push({ conditions: [{ type: 'tag', tag: 'vip', present: true }, { type: 'event', field: 'channel', op: 'eq', value: 'store' }], actions: [tag] });
      break;
    case 3:
      rules.push({ conditions: [{ type: 'event', field: 'kind', op: 'eq', value: 'note' }, { type: 'segment', segmentId, member: true }], actions: [send, tag] });
      break;
    default:
      rules.push({ conditions: [{ type: 'event', field: 'stage', op: 'eq', value: 'never' }], actions: [send] });
  }
}
for (const [i, rule] of rules.entries()) {
  await insertRule(database.db, {
    tenantId, id: randomUUID(), name: `bench rule ${i}`, enabled: true, trigger: { type: 'event', topic: 'touchpoint.recorded' },
    conditions: rule.conditions, delay: null, actions: rule.actions, createdAt: now, updatedAt: now,
  });
}

const event = (n: number): DomainEvent => ({
  tenantId,
  id: 1_000_000 + n,
  topic: 'touchpoint.recorded',
  occurredAt: now.toISOString(),
  payload: {
    touchpointId: randomUUID(), customerId: customerIds[(n * 7919) % customerIds.length], kind: KINDS[n % KINDS.length],
    channel: n % 3 === 0 ? 'store' : 'web', stage: 'after-sale', occurredAt: now.toISOString(), externalId: null, orderId: null, source: 'bench',
  },
});

let batchFallbacks = 0;
async function handleBatch(events: DomainEvent[]): Promise<void> {
  try {
    await handleEvents(database, events);
  } catch {
    batchFallbacks++;
    for (const e of events) await handleEvent(database, e);
  }
}

// warm-up: rule cache, templates, segment predicate, prepared plans
for (let n = 0; n < 400; n += BATCH) await handleBatch(Array.from({ length: Math.min(BATCH, 400 - n) }, (_, i) => event(EVENTS + n + i)));

let next = 0;
const take = (): DomainEvent[] | null => {
  if (next >= EVENTS) return null;
  const from = next;
  next = Math.min(EVENTS, next + BATCH);
  return Array.from({ length: next - from }, (_, i) => event(from + i));
};
const started = process.hrtime.bigint();
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  for (let batch = take(); batch; batch = take()) await handleBatch(batch);
}));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql, [tenantId])).rows[0]!.n);
const runs = await count('SELECT count(*) AS n FROM automation_runs WHERE tenant_id = $1');
const done = await count(`SELECT count(*) AS n FROM automation_runs WHERE tenant_id = $1 AND status = 'done'`);
const messages = await count('SELECT count(*) AS n FROM messages WHERE tenant_id = $1');
report('rules', {
  events: EVENTS,
  rules: rules.length,
  customers: CUSTOMERS,
  batch: BATCH,
  concurrency: CONCURRENCY,
  path: 'engine batch handler, direct',
  seconds: Math.round(seconds * 10) / 10,
  eventsPerSecond: Math.round(EVENTS / seconds),
  ruleEvaluationsPerSecond: Math.round((EVENTS * rules.length) / seconds),
  runs,
  runsDone: done,
  messagesQueued: messages,
  batchFallbacks,
});
await database.close();
