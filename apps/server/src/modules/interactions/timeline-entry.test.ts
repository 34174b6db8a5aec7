import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, recordOrder } from '../../../test/factories.ts';
import { startTestApp, TEST_PASSWORD, type TestApp, type TestSession, type TestWorkspace } from '../../../test/harness.ts';
import { SESSION_COOKIE } from '../../platform/http/server.ts';
import { addMember, openSession } from '../team/index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const HOUR = 3600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();

/** A request as a signed-in member (cookie + CSRF), in Persian unless told. */
async function as(user: TestSession, method: Method, url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const res = await t.app.inject({
    method, url,
    headers: { ...t.session(user), 'accept-language': 'fa', ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
  });
  return { status: res.statusCode, body: res.body ? res.json() : null, headers: res.headers };
}

async function rows<T = Record<string, unknown>>(text: string, values: unknown[]): Promise<T[]> {
  return (await t.database.pool.query(text, values)).rows as T[];
}

const touchpointCount = async (ws: TestWorkspace) => (await rows<{ n: number }>('SELECT count(*)::int AS n FROM touchpoints WHERE tenant_id = $1', [ws.tenantId]))[0]!.n;
const auditOf = (ws: TestWorkspace, action: string) =>
  rows<{ actor_id: string; target_type: string; target_id: string; details: Record<string, unknown> }>(
    'SELECT actor_id, target_type, target_id, details FROM audit_log WHERE tenant_id = $1 AND action = $2 ORDER BY id', [ws.tenantId, action]);
const lastSeenOf = async (ws: TestWorkspace, id: string) =>
  (await rows<{ last_seen_at: Date | null }>('SELECT last_seen_at FROM customers WHERE tenant_id = $1 AND id = $2', [ws.tenantId, id]))[0]!.last_seen_at;

async function timeline(ws: TestWorkspace, customerId: string, user: TestSession = ws.users.analyst) {
  const res = await as(user, 'GET', `/api/customers/${customerId}/timeline`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items as { id: string; kind: string; text: string | null; author: { type: string; id: string; name: string | null } | null; editedAt: string | null; channel: string; stage: string; occurredAt: string }[];
}

async function addNote(ws: TestWorkspace, customerId: string, text: string, user: TestSession = ws.users.agent) {
  const res = await as(user, 'POST', `/api/customers/${customerId}/notes`, { text });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Another agent of the workspace, signed in. */
async function secondAgent(ws: TestWorkspace): Promise<TestSession> {
  const email = `second-agent-${randomUUID()}@example.test`;
  return t.database.db.transaction(async (tx) => {
    const account = await addMember(tx, ws.tenantId, { email, displayName: 'همکار دوم', password: TEST_PASSWORD, role: 'agent' });
    const session = await openSession(tx, account.id, ws.tenantId);
    return { accountId: account.id, email, password: TEST_PASSWORD, cookie: `${SESSION_COOKIE}=${session.token}`, csrfToken: session.csrfToken };
  });
}

const call = (overrides: Record<string, unknown> = {}) => ({ kind: 'call', channel: 'phone', stage: 'after-sale', occurredAt: ago(3), text: 'درباره‌ی مرجوعی صحبت کردیم', ...overrides });

describe('notes on the timeline', () => {
  it('signs a note with its author, keeps its lines, shows it on the timeline, and does not count as the customer being seen', async () => {
    const ws = await t.createWorkspace();
    const customer = await createCustomer(t, ws);
    const text = '  مشتری می‌خواهد\nفاکتور رسمی بگیرد\tلطفاً پیگیری شود  ';
    const note = await addNote(ws, customer.id, text);
    expect(note).toMatchObject({
      kind: 'note', channel: 'other', stage: 'non-sale', customerId: customer.id, text: text.trim(), editedAt: null,
      author: { type: 'user', id: ws.users.agent.accountId, name: expect.stringMatching(/^agent /) },
      source: `user:${ws.users.agent.accountId}`,
    });
    expect(Math.abs(Date.parse(note.occurredAt) - Date.now())).toBeLessThan(60_000);

    const items = await timeline(ws, customer.id);
    expect(items).toEqual([expect.objectContaining({ id: note.id, text: text.trim(), author: note.author })]);
    expect(await lastSeenOf(ws, customer.id)).toBeNull();

    // Like any touchpoint, it is announced: rules can tell it apart by kind and source.
    const events = await rows<{ payload: Record<string, unknown> }>(`SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = 'touchpoint.recorded'`, [ws.tenantId]);
    expect(events.map((e) => e.payload)).toEqual([expect.objectContaining({ touchpointId: note.id, kind: 'note', source: `user:${ws.users.agent.accountId}` })]);
  });

  it('names an API key as the author of what an integration writes', async () => {
    const ws = await t.createWorkspace();
    const customer = await createCustomer(t, ws);
    const res = await t.app.inject({ method: 'POST', url: `/api/customers/${customer.id}/notes`, headers: t.auth(ws.keys.agent), payload: { text: 'from the shop' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().author).toMatchObject({ type: 'api_key', name: 'agent key' });
  });

  it('lets its author change it: the new words, marked edited, audited without the words; an unchanged save is no edit', async () => {
    const ws = await t.createWorkspace();
    const customer = await createCustomer(t, ws);
    const note = await addNote(ws, customer.id, 'نسخه‌ی اول');

    const same = await as(ws.users.agent, 'PATCH', `/api/customers/${customer.id}/notes/${note.id}`, { text: ' نسخه‌ی اول ' });
    expect(same.status).toBe(200);
    expect(same.body.editedAt).toBeNull();
    expect(await auditOf(ws, 'note.updated')).toEqual([]);

    const edited = await as(ws.users.agent, 'PATCH', `/api/customers/${customer.id}/notes/${note.id}`, { text: 'نسخه‌ی دوم' });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({ id: note.id, text: 'نسخه‌ی دوم', author: note.author, occurredAt: note.occurredAt });
    expect(edited.body.editedAt).not.toBeNull();
    expect((await timeline(ws, customer.id))[0]).toMatchObject({ text: 'نسخه‌ی دوم', editedAt: edited.body.editedAt });

    const audit = await auditOf(ws, 'note.updated');
    expect(audit).toEqual([{
      actor_id: ws.users.agent.accountId, target_type: 'customer', target_id: customer.id,
      details: { touchpointId: note.id, kind: 'note', fields: ['text'], author: `user:${ws.users.agent.accountId}` },
    }]);
    expect(JSON.stringify(audit)).not.toContain('نسخه');
  });

  it("refuses another agent's change with 403 in the reader's language; a manager may change and remove it; an analyst may only read", async () => {
    const ws = await t.createWorkspace();
    const customer = await createCustomer(t, ws);
    const note = await addNote(ws, customer.id, 'یادداشت کارشناس');
    const url = `/api/customers/${customer.id}/notes/${note.id}`;
    const colleague = await secondAgent(ws);
    const refused = await as(colleague, 'PATCH', url, { text: 'ویرایش همکار' });
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'timeline_entry_not_yours', detail: 'این مورد را فقط نویسنده‌اش یا یک مدیر می‌تواند تغییر دهد.' });
    expect((await as(colleague, 'DELETE', url)).status).toBe(403);

    const analyst = await as(ws.users.analyst, 'POST', `/api/customers/${customer.id}/notes`, { text: 'x' });
    expect(analyst.status).toBe(403);
    expect((await as(ws.users.analyst, 'PATCH', url, { text: 'x' })).status).toBe(403);
    expect((await as(ws.users.analyst, 'DELETE', url)).status).toBe(403);

    // An API key of the agent role is another author than the agent who wrote it.
    const byKey = await t.app.inject({ method: 'PATCH', url, headers: { ...t.auth(ws.keys.agent), 'accept-language': 'fa' }, payload: { text: 'changed by a key' } });
    expect(byKey.statusCode).toBe(403);
    expect((await timeline(ws, customer.id))[0]).toMatchObject({ text: 'یادداشت کارشناس', editedAt: null });

    const manager = await as(ws.users.manager, 'PATCH', url, { text: 'ویرایش مدیر' });
    expect(manager.status, JSON.stringify(manager.body)).toBe(200);
    // The note stays the agent's; the audit says who changed it.
    expect(manager.body.author.id).toBe(ws.users.agent.accountId);
    expect((await auditOf(ws, 'note.updated'))[0]!.actor_id).toBe(ws.users.manager.accountId);

    expect((await as(ws.users.manager, 'DELETE', url)).status).toBe(204);
    expect(await timeline(ws, customer.id)).toEqual([]);
    expect(await auditOf(ws, 'note.deleted')).toEqual([expect.objectContaining({ actor_id: ws.users.manager.accountId, target_id: customer.id })]);
  });

  it('lets its author remove it; a second removal is 404', async () => {
    const ws = await t.createWorkspace();
    const customer = await createCustomer(t, ws);
    const keep = await addNote(ws, customer.id, 'بماند');
    const note = await addNote(ws, customer.id, 'حذف شود');
    expect((await as(ws.users.agent, 'DELETE', `/api/customers/${customer.id}/notes/${note.id}`)).status).toBe(204);
    expect((await timeline(ws, customer.id)).map((i) => i.id)).toEqual([keep.id]);
    const again = await as(ws.users.agent, 'DELETE', `/api/customers/${customer.id}/notes/${note.id}`);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('not_found');
    expect(await auditOf(ws, 'note.deleted')).toHaveLength(1);
  });
});

describe('logged touchpoints', () => {
  it('logs a call when it happened, moves lastSeenAt, and lets its author correct and remove it', async () => {
    const ws = await t.createWorkspace();
    const customer = await createCustomer(t, ws);
    const occurredAt = ago(5);
    const res = await as(ws.users.agent, 'POST', `/api/customers/${customer.id}/touchpoints`, call({ occurredAt }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ kind: 'call', channel: 'phone', stage: 'after-sale', occurredAt, text: 'درباره‌ی مرجوعی صحبت کردیم', author: { type: 'user', id: ws.users.agent.accountId } });
    expect((await lastSeenOf(ws, customer.id))!.toISOString()).toBe(occurredAt);

    const url = `/api/customers/${customer.id}/touchpoints/${res.body.id}`;
    const later = ago(1);
    const fixed = await as(ws.users.agent, 'PATCH', url, { kind: 'visit', channel: 'store', occurredAt: later, text: null });
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
    expect(fixed.body).toMatchObject({ kind: 'visit', channel: 'store', stage: 'after-sale', occurredAt: later, text: null });
    expect(fixed.body.editedAt).not.toBeNull();
    expect((await lastSeenOf(ws, customer.id))!.toISOString()).toBe(later);
    expect((await auditOf(ws, 'touchpoint.updated'))[0]!.details).toMatchObject({ fields: ['kind', 'channel', 'occurredAt', 'text'] });

    expect((await as(ws.users.agent, 'DELETE', url)).status).toBe(204);
    expect(await touchpointCount(ws)).toBe(0);
    expect(await auditOf(ws, 'touchpoint.deleted')).toHaveLength(1);
  });

  it('keeps each route to its own sort, and leaves orders and what Vafa recorded alone', async () => {
    const ws = await t.createWorkspace();
    const customer = await createCustomer(t, ws);
    const note = await addNote(ws, customer.id, 'یادداشت');
    const logged = (await as(ws.users.agent, 'POST', `/api/customers/${customer.id}/touchpoints`, call())).body;
    await recordOrder(t, ws, customer.id);
    const order = (await timeline(ws, customer.id)).find((i) => i.kind === 'order.placed')!;
    const engagement = await t.database.pool.query(
      `INSERT INTO touchpoints (tenant_id, id, customer_id, kind, channel, stage, occurred_at, source, data) VALUES ($1, $2, $3, 'call', 'phone', 'non-sale', now(), 'engagement', '{}') RETURNING id`,
      [ws.tenantId, randomUUID(), customer.id]);
    const base = `/api/customers/${customer.id}`;

    expect((await as(ws.users.owner, 'PATCH', `${base}/notes/${logged.id}`, { text: 'x' })).status).toBe(404);
    expect((await as(ws.users.owner, 'PATCH', `${base}/touchpoints/${note.id}`, { text: 'x' })).status).toBe(404);
    const onOrder = await as(ws.users.owner, 'DELETE', `${base}/touchpoints/${order.id}`);
    expect(onOrder.status).toBe(409);
    expect(onOrder.body.code).toBe('timeline_entry_not_editable');
    expect((await as(ws.users.owner, 'PATCH', `${base}/touchpoints/${engagement.rows[0].id}`, { text: 'x' })).status).toBe(409);
    // Another customer's id in the path does not reach this customer's entries.
    const stranger = await createCustomer(t, ws);
    expect((await as(ws.users.agent, 'DELETE', `/api/customers/${stranger.id}/notes/${note.id}`)).status).toBe(404);
    expect(await touchpointCount(ws)).toBe(4);
  });
});

describe('bad input, other workspaces, retries', () => {
  it('answers garbage with problem+json, every field error at once, localised, and writes nothing', async () => {
    const ws = await t.createWorkspace();
    const customer = await createCustomer(t, ws);
    const notes = `/api/customers/${customer.id}/notes`;
    const touchpoints = `/api/customers/${customer.id}/touchpoints`;
    const cases: { url: string; body: unknown; field?: string; code?: string }[] = [
      { url: notes, body: { text: '' }, field: 'body.text', code: 'too_small' },
      { url: notes, body: { text: '   ' }, field: 'body.text', code: 'too_small' },
      { url: notes, body: { text: 'زنگ\u0007' }, field: 'body.text', code: 'invalid_format' },
      { url: notes, body: { text: 'ا'.repeat(4001) }, field: 'body.text', code: 'too_big' },
      { url: notes, body: { text: 'x', pinned: true }, code: 'unrecognized_keys' },
      { url: notes, body: { text: 42 }, field: 'body.text', code: 'invalid_type' },
      { url: notes, body: '{"text": "' },
      { url: notes, body: [] },
      { url: touchpoints, body: call({ occurredAt: new Date(Date.now() + 2 * HOUR).toISOString() }), field: 'body.occurredAt', code: 'happened_in_future' },
      { url: touchpoints, body: call({ occurredAt: '1969-12-31T00:00:00Z' }), field: 'body.occurredAt', code: 'out_of_range' },
      { url: touchpoints, body: call({ occurredAt: 'yesterday' }), field: 'body.occurredAt' },
      { url: touchpoints, body: call({ kind: 'note' }), field: 'body.kind', code: 'invalid_value' },
      { url: touchpoints, body: call({ kind: 'order.placed' }), field: 'body.kind', code: 'invalid_value' },
      { url: touchpoints, body: call({ channel: 'pigeon' }), field: 'body.channel', code: 'invalid_value' },
    ];
    for (const c of cases) {
      const res = await as(ws.users.agent, 'POST', c.url, c.body);
      expect(res.status, `${JSON.stringify(c.body).slice(0, 80)} → ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (c.field) expect(res.body.errors, JSON.stringify(res.body)).toEqual(expect.arrayContaining([expect.objectContaining({ field: c.field, ...(c.code ? { code: c.code } : {}) })]));
    }
    const future = await as(ws.users.agent, 'POST', touchpoints, call({ occurredAt: new Date(Date.now() + 2 * HOUR).toISOString() }));
    expect(future.body.errors[0].message).toBe('این زمان در آینده است.');
    // Several wrong fields are all named.
    const many = await as(ws.users.agent, 'POST', touchpoints, { kind: 'fax', channel: 'pigeon', stage: 'x', occurredAt: 'then', text: '' });
    expect(new Set(many.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['body.kind', 'body.channel', 'body.stage', 'body.occurredAt', 'body.text']));

    const logged = (await as(ws.users.agent, 'POST', touchpoints, call())).body;
    const empty = await as(ws.users.agent, 'PATCH', `${touchpoints}/${logged.id}`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0]).toMatchObject({ code: 'nothing_to_change', message: 'چیزی برای تغییر داده نشده است.' });
    expect((await as(ws.users.agent, 'PATCH', `${touchpoints}/not-a-uuid`, { text: 'x' })).status).toBe(400);
    expect((await as(ws.users.agent, 'POST', `/api/customers/${randomUUID()}/notes`, { text: 'x' })).status).toBe(404);
    expect(await touchpointCount(ws)).toBe(1);
  });

  it("never lets another workspace write on, change or remove this workspace's entries", async () => {
    const a = await t.createWorkspace();
    const b = await t.createWorkspace();
    const customer = await createCustomer(t, a);
    const note = await addNote(a, customer.id, 'فقط برای الف');
    const logged = (await as(a.users.agent, 'POST', `/api/customers/${customer.id}/touchpoints`, call())).body;
    for (const [method, url, body] of [
      ['POST', `/api/customers/${customer.id}/notes`, { text: 'از ب' }],
      ['POST', `/api/customers/${customer.id}/touchpoints`, call()],
      ['PATCH', `/api/customers/${customer.id}/notes/${note.id}`, { text: 'از ب' }],
      ['DELETE', `/api/customers/${customer.id}/notes/${note.id}`, undefined],
      ['PATCH', `/api/customers/${customer.id}/touchpoints/${logged.id}`, { text: 'از ب' }],
      ['DELETE', `/api/customers/${customer.id}/touchpoints/${logged.id}`, undefined],
    ] as const) {
      const res = await as(b.users.owner, method, url, body);
      expect(res.status, `${method} ${url}`).toBe(404);
    }
    expect((await timeline(a, customer.id)).map((i) => i.text).sort()).toEqual(['درباره‌ی مرجوعی صحبت کردیم', 'فقط برای الف'].sort());
    expect(await touchpointCount(b)).toBe(0);
  });

  it('replays a retried write with the same Idempotency-Key and refuses the key for another body', async () => {
    const ws = await t.createWorkspace();
    const customer = await createCustomer(t, ws);
    const url = `/api/customers/${customer.id}/notes`;
    const key = { 'idempotency-key': `note-${randomUUID()}` };
    const first = await as(ws.users.agent, 'POST', url, { text: 'یک بار' }, key);
    const again = await as(ws.users.agent, 'POST', url, { text: 'یک بار' }, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await as(ws.users.agent, 'POST', url, { text: 'دیگری' }, key)).status).toBe(422);
    expect(await touchpointCount(ws)).toBe(1);

    const remove = { 'idempotency-key': `remove-${randomUUID()}` };
    expect((await as(ws.users.agent, 'DELETE', `${url}/${first.body.id}`, undefined, remove)).status).toBe(204);
    const replayed = await as(ws.users.agent, 'DELETE', `${url}/${first.body.id}`, undefined, remove);
    expect(replayed.status).toBe(204);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(await auditOf(ws, 'note.deleted')).toHaveLength(1);
  });

  it('refuses new words on an erased customer, and erasure takes the words of notes away', async () => {
    const ws = await t.createWorkspace();
    const customer = await createCustomer(t, ws);
    const note = await addNote(ws, customer.id, 'شماره‌ی کارت را پرسید');
    expect((await as(ws.users.owner, 'POST', `/api/customers/${customer.id}/erase`)).status).toBe(200);
    const items = await timeline(ws, customer.id);
    expect(items).toEqual([expect.objectContaining({ id: note.id, kind: 'note', text: null })]);
    const res = await as(ws.users.agent, 'POST', `/api/customers/${customer.id}/notes`, { text: 'بعد از پاک‌سازی' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('customer_erased');
    expect((await as(ws.users.agent, 'PATCH', `/api/customers/${customer.id}/notes/${note.id}`, { text: 'دوباره' })).status).toBe(409);
  });

  it('leaves lastSeenAt alone for notes an integration records, too', async () => {
    const ws = await t.createWorkspace();
    const customer = await createCustomer(t, ws);
    const res = await t.app.inject({
      method: 'POST', url: '/api/touchpoints', headers: t.auth(ws.keys.agent),
      payload: { customer: { id: customer.id }, kind: 'note', channel: 'other', stage: 'non-sale', occurredAt: ago(1), data: { note: 'از سامانه‌ی فروش' } },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(await lastSeenOf(ws, customer.id)).toBeNull();
    expect((await timeline(ws, customer.id))[0]).toMatchObject({ text: 'از سامانه‌ی فروش', author: { type: 'api_key', name: 'agent key' } });
  });
});
