import { randomUUID } from 'node:crypto';
import type pg from 'pg';

// Random complaint cases for the report rollup tests: cases over the last 150 days with their log
// (the facts follow by trigger, as on every path that writes the log), two SLA policies and the
// outcomes the SLA engine would have recorded, all written set-based.

const DAY = 86_400_000;

/** A small seeded generator, so a failure can be replayed with its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const TEAMS = ['north', 'south', 'west', null];
const CHANNELS = ['web', 'email', 'phone', 'sms'];
const CATEGORIES = ['delivery', 'billing', 'product', null];
// A sub-cause (when the test creates it), a code not in the taxonomy, and none at all.
const CAUSES = ['delivery', 'price_billing', 'staff_behaviour', 'courier_damage', 'retired_code', null];

/** One with acknowledge and resolve targets, one with first response only. */
export const POLICY_A = '00000000-0000-4000-8000-00000000a0a1';
export const POLICY_B = '00000000-0000-4000-8000-00000000b0b2';

export interface GeneratedCase {
  id: string;
  receivedAt: number;
  /** closed now */
  closed: boolean;
  /** its last closure; null if never closed */
  lastClosedAt: number | null;
}

export async function generateComplaintCases(pool: pg.Pool, tenantId: string, count: number, rand: () => number): Promise<GeneratedCase[]> {
  const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)]!;
  const now = Date.now();
  const cases: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  const generated: GeneratedCase[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const receivedAt = now - rand() * 150 * DAY;
    const at = (ms: number) => new Date(ms).toISOString();
    events.push({ case_id: id, at: at(receivedAt), o: 1, action: 'receive', from_state: null, to_state: 'received', details: {} });
    let state = 'received';
    let lastClosedAt: number | null = null;
    let cause: string | null = null;
    let firstCause: string | null = null;
    if (rand() < 0.85) {
      // Some acknowledged within a second (a filing's automatic acknowledgement), most within three days.
      const ackAt = Math.min(now, receivedAt + (rand() < 0.2 ? rand() * 900 : rand() ** 3 * 72 * 3_600_000));
      events.push({ case_id: id, at: at(ackAt), o: 2, action: 'acknowledge', from_state: 'received', to_state: 'acknowledged', details: {} });
      state = 'under_investigation';
      const closedAt = ackAt + rand() * 3_600_000 + rand() ** 2 * 20 * DAY;
      if (rand() < 0.75 && closedAt < now) {
        firstCause = pick(CAUSES);
        cause = firstCause;
        events.push({ case_id: id, at: at(closedAt), o: 3, action: 'close', from_state: 'resolution_communicated', to_state: 'closed', details: firstCause ? { rootCause: firstCause } : {} });
        state = 'closed';
        lastClosedAt = closedAt;
        const reopenedAt = closedAt + rand() * 5 * DAY;
        if (rand() < 0.2 && reopenedAt < now) {
          events.push({ case_id: id, at: at(reopenedAt), o: 4, action: 'reopen', from_state: 'closed', to_state: 'reopened', details: {} });
          state = 'reopened';
          const reclosedAt = reopenedAt + rand() * 3 * DAY;
          if (rand() < 0.7 && reclosedAt < now) {
            cause = pick(CAUSES);
            events.push({ case_id: id, at: at(reclosedAt), o: 5, action: 'close', from_state: 'reopened', to_state: 'closed', details: cause ? { rootCause: cause } : {} });
            state = 'closed';
            lastClosedAt = reclosedAt;
          }
        }
      }
    }
    cases.push({
      id, code: `R${String(i).padStart(9, '0')}`, channel: pick(CHANNELS), category: pick(CATEGORIES), team: pick(TEAMS), state,
      root_cause: state === 'closed' ? cause : null, received_at: at(receivedAt), closed_at: state === 'closed' ? at(lastClosedAt!) : null,
    });
    generated.push({ id, receivedAt, closed: state === 'closed', lastClosedAt });
  }
  await pool.query(`
    INSERT INTO complaint_cases (tenant_id, id, tracking_code, channel, category, severity, description, team, state, root_cause, resolution_summary, created_by, received_at, closed_at, created_at, updated_at)
    SELECT $1, c.id, c.code, c.channel, c.category, 'medium', 'Generated', c.team, c.state, c.root_cause, CASE WHEN c.state = 'closed' THEN 'Done' END, 'test',
           c.received_at, c.closed_at, c.received_at, now()
    FROM jsonb_to_recordset($2::jsonb) AS c(id uuid, code text, channel text, category text, team text, state text, root_cause text, received_at timestamptz, closed_at timestamptz)`,
  [tenantId, JSON.stringify(cases)]);
  await pool.query(`
    INSERT INTO complaint_case_events (tenant_id, case_id, at, kind, action, from_state, to_state, actor_type, details)
    SELECT $1, e.case_id, e.at, 'transition', e.action, e.from_state, e.to_state, 'agent', e.details
    FROM jsonb_to_recordset($2::jsonb) AS e(case_id uuid, at timestamptz, o int, action text, from_state text, to_state text, details jsonb)
    ORDER BY e.case_id, e.o`, [tenantId, JSON.stringify(events)]);
  // Two policies of their own (one with acknowledge and resolve targets, one with first response only) and outcomes.
  await pool.query(`
    INSERT INTO complaint_sla_policies (tenant_id, id, name, category, acknowledge_minutes, first_response_minutes, resolve_minutes, pausing_states, warning_share, on_reopen, escalate_on_breach, active)
    VALUES ($1, $2, 'Generated A', 'generated-a', 60, NULL, 1440, '{waiting_for_customer}', 0.8, 'resume', false, true),
           ($1, $3, 'Generated B', 'generated-b', NULL, 120, NULL, '{waiting_for_customer}', 0.8, 'resume', false, true)`,
  [tenantId, POLICY_A, POLICY_B]);
  const outcomes = generated.map((c) => {
    const r = rand();
    const markers = ['warning:acknowledge', 'breach:acknowledge', 'breach:firstResponse', 'breach:resolve'].filter(() => rand() < 0.3);
    return { case_id: c.id, policy_id: r < 0.6 ? POLICY_A : r < 0.85 ? POLICY_B : null, published: markers };
  });
  await pool.query(`
    UPDATE complaint_case_sla s SET policy_id = o.policy_id, published = o.published
    FROM jsonb_to_recordset($2::jsonb) AS o(case_id uuid, policy_id uuid, published text[])
    WHERE s.tenant_id = $1 AND s.case_id = o.case_id`, [tenantId, JSON.stringify(outcomes)]);
  return generated;
}
