import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/harness.ts';

// complaint_case_facts follows the case log per statement (migration 0041): the lines one statement
// writes are folded per case. What the facts say must be what folding the lines one by one says
// (migration 0016's rules): the expectations below are what the per-line trigger wrote for the
// same statements.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

describe('case facts from the log, per statement', () => {
  it('fold many lines of many cases in one statement, and later statements onto them, as line by line', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const q = (text: string, values: unknown[] = []) => t.database.pool.query(text, values).then((r) => r.rows);
    const id = Object.fromEntries([2, 3, 4, 5, 6].map((n) => [n, randomUUID()])) as Record<number, string>;
    const rootOf = (n: number) => (n % 2 === 0 ? 'case_rc' : null);
    await q(`INSERT INTO complaint_cases (tenant_id, id, tracking_code, channel, description, state, category, product, root_cause, received_at)
             SELECT $1, x.id, 'F' || x.n || substr(md5(x.id::text), 1, 6), 'email', 'd', 'closed', 'delivery', 'p' || x.n, x.root, '2026-01-02 09:00Z'
             FROM unnest($2::int[], $3::uuid[], $4::text[]) AS x(n, id, root)`,
    [ws.tenantId, [2, 3, 4, 5, 6], [2, 3, 4, 5, 6].map((n) => id[n]), [2, 3, 4, 5, 6].map(rootOf)]);
    const lines = (rows: [number, string, string, string | null, Record<string, unknown>][]) => q(
      `INSERT INTO complaint_case_events (tenant_id, case_id, at, kind, action, to_state, actor_type, details)
       SELECT $1, x.case_id, x.at, x.kind, 'x', x.to_state, 'agent', x.details FROM unnest($2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::jsonb[])
         WITH ORDINALITY AS x(case_id, at, kind, to_state, details, k) ORDER BY k`,
      [ws.tenantId, rows.map((r) => id[r[0]]), rows.map((r) => `2026-01-02 ${r[1]}Z`), rows.map((r) => r[2]), rows.map((r) => r[3]), rows.map((r) => JSON.stringify(r[4]))]);
    // One statement: closures out of order, two closures at one instant, reopenings, notes, a reply.
    await lines([
      [2, '09:00', 'transition', 'received', {}],
      [2, '10:00', 'transition', 'closed', { rootCause: 'late' }],
      [2, '09:30', 'transition', 'closed', { rootCause: 'early' }],
      [2, '09:45', 'transition', 'reopened', {}],
      [2, '09:40', 'transition', 'reopened', {}],
      [3, '11:00', 'transition', 'closed', { rootCause: 'first' }],
      [3, '11:00', 'transition', 'closed', { rootCause: 'second' }],
      [4, '11:00', 'transition', 'closed', {}],
      [4, '10:00', 'note', null, {}],
      [5, '10:00', 'note', null, {}],
      [5, '10:00', 'response', null, {}],
      [6, '12:00', 'transition', 'closed', { rootCause: 'x' }],
      [6, '12:00', 'transition', 'closed', {}],
    ]);
    const facts = async () => Object.fromEntries(await Promise.all([2, 3, 4, 5, 6].map(async (n) => {
      const [row] = await q(`SELECT to_char(acknowledged_at AT TIME ZONE 'UTC', 'DD HH24:MI') AS ack, to_char(first_closed_at AT TIME ZONE 'UTC', 'DD HH24:MI') AS first_closed,
                                    to_char(last_closed_at AT TIME ZONE 'UTC', 'DD HH24:MI') AS last_closed, to_char(reopened_at AT TIME ZONE 'UTC', 'DD HH24:MI') AS reopened,
                                    root_cause, category, team FROM complaint_case_facts WHERE tenant_id = $1 AND case_id = $2`, [ws.tenantId, id[n]]);
      return [n, row];
    })));
    const base = { ack: null, first_closed: null, last_closed: null, reopened: null, root_cause: null, category: 'delivery', team: null };
    expect(await facts()).toEqual({
      2: { ...base, first_closed: '02 09:30', last_closed: '02 10:00', reopened: '02 09:40', root_cause: 'late' },
      3: { ...base, first_closed: '02 11:00', last_closed: '02 11:00', root_cause: 'second' },
      4: { ...base, first_closed: '02 11:00', last_closed: '02 11:00', root_cause: 'case_rc' },
      5: base,
      6: { ...base, first_closed: '02 12:00', last_closed: '02 12:00', root_cause: 'case_rc' },
    });
    // Later statements onto those facts: the case's team and category as it now says; an earlier
    // closure keeps the later one's root cause; one at the same instant takes over; the earliest
    // acknowledgement wins; a reply alone changes nothing.
    await q(`UPDATE complaint_cases SET team = 'support', category = 'other' WHERE tenant_id = $1 AND id = $2`, [ws.tenantId, id[2]]);
    await lines([[2, '09:50', 'transition', 'closed', { rootCause: 'older' }]]);
    await lines([
      [3, '11:00', 'transition', 'closed', { rootCause: 'third' }],
      [3, '12:00', 'transition', 'acknowledged', {}],
      [3, '08:00', 'transition', 'acknowledged', {}],
    ]);
    await q(`INSERT INTO complaint_case_events (tenant_id, case_id, at, kind, action, to_state, actor_type, details)
             VALUES ($1, $2, '2026-01-03 11:00Z', 'transition', 'close', 'closed', 'agent', '{"rootCause":"later"}')`, [ws.tenantId, id[4]]);
    await lines([[5, '13:00', 'response', null, {}]]);
    expect(await facts()).toEqual({
      2: { ...base, first_closed: '02 09:30', last_closed: '02 10:00', reopened: '02 09:40', root_cause: 'late', category: 'other', team: 'support' },
      3: { ...base, ack: '02 08:00', first_closed: '02 11:00', last_closed: '02 11:00', root_cause: 'third' },
      4: { ...base, first_closed: '02 11:00', last_closed: '03 11:00', root_cause: 'later' },
      5: base,
      6: { ...base, first_closed: '02 12:00', last_closed: '02 12:00', root_cause: 'case_rc' },
    });
  });
});
