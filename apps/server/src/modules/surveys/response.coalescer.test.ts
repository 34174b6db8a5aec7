import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerValue } from '@vafa/contracts';
import { createCustomer, createSegment } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { invite, NPS_SURVEY, publishSurvey, republish, setSurveyStatus } from '../../../test/survey-factories.ts';
import { Problem } from '../../platform/http/problem.ts';
import { ResponseCoalescer } from './response.coalescer.ts';
import { saveResponse, type AnswerSubmission, type SavedResponse } from './response.service.ts';
import { storedRollups } from './rollup.raw.ts';
import { liveSurvey } from './survey-version.ts';

let t: TestApp;
let ws: TestWorkspace;

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.createWorkspace({ country: 'IR' });
}, 120_000);
afterAll(() => t?.close());

const SURVEY = {
  ...NPS_SURVEY,
  settings: { ...NPS_SURVEY.settings, stage: 'after-sale', incentivePoints: 20, hiddenFields: ['store'] },
  questions: [
    ...NPS_SURVEY.questions,
    { id: 'pick', type: 'multiple_choice', allowOther: true, options: [{ id: 'a', label: { fa: 'الف', ar: 'أ', en: 'A' } }, { id: 'b', label: { fa: 'ب', ar: 'ب', en: 'B' } }], title: { fa: 'کدام', ar: 'أي', en: 'Which' } },
    { id: 'csat', type: 'csat', points: 5, title: { fa: 'رضایت', ar: 'الرضا', en: 'CSAT' } },
  ],
};

const device = (n: number) => createHash('sha256').update(`device-${n}`).digest();

async function outcome(promise: Promise<SavedResponse>): Promise<SavedResponse | Problem> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof Problem) return error;
    throw error;
  }
}

const q = async (text: string, params: unknown[]) => (await t.database.pool.query(text, params)).rows;

/**
 * Everything a survey's answers wrote, with the ids that differ between two surveys (survey,
 * response, invitation, instants) replaced by who answered: the customer, else the device.
 */
async function contentsOf(surveyId: string) {
  const responses = await q(`
    SELECT r.id, r.version, r.status, r.channel, r.locale, r.stage, r.hidden, r.context, r.segment_ids::text[] AS segments, r.kiosk_id, r.client_ref,
           encode(r.device_hash, 'hex') AS device, r.step, r.submitted_at IS NOT NULL AND r.submitted_at = r.started_at AS submitted,
           p.customer_id, (p.invitation_id IS NOT NULL) AS via_invitation, i.customer_id AS invited
    FROM survey_responses r
    LEFT JOIN survey_respondents p ON p.tenant_id = r.tenant_id AND p.response_id = r.id
    LEFT JOIN survey_invitations i ON i.tenant_id = p.tenant_id AND i.id = p.invitation_id
    WHERE r.tenant_id = $1 AND r.survey_id = $2`, [ws.tenantId, surveyId]);
  const who = new Map<string, string>(responses.map((r) => [r.id, r.customer_id ? `customer:${r.customer_id}` : `device:${r.device}`]));
  const byWho = <T extends { who: string }>(rows: T[]) => rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const answers = await q(`SELECT response_id, question_id, skipped, score, choices, other_text, text_value, date_value FROM survey_answers WHERE tenant_id = $1 AND survey_id = $2`, [ws.tenantId, surveyId]);
  const ids = responses.map((r) => r.id);
  const touchpoints = await q(`SELECT customer_id, kind, channel, stage, external_id, data, source FROM touchpoints WHERE tenant_id = $1 AND data->>'survey' = $2`, [ws.tenantId, surveyId]);
  const events = await q(`SELECT topic, payload FROM outbox_events WHERE tenant_id = $1 AND (payload->>'responseId' = ANY($2::text[]) OR payload->>'externalId' = ANY($3::text[]))`,
    [ws.tenantId, ids, ids.map((id) => `survey-response:${id}`)]);
  const invitations = await q(`SELECT customer_id, responded_at IS NOT NULL AS responded FROM survey_invitations WHERE tenant_id = $1 AND survey_id = $2`, [ws.tenantId, surveyId]);
  const normal = (value: unknown) => {
    let text = JSON.stringify(value).replaceAll(surveyId, 'SURVEY');
    for (const [id, name] of who) text = text.replaceAll(id, name);
    return JSON.parse(text) as Record<string, unknown>;
  };
  return {
    responses: byWho(responses.map(({ id, ...r }) => ({ who: who.get(id)!, ...r, segments: [...r.segments].sort() }))),
    answers: byWho(answers.map(({ response_id, ...a }) => ({ who: who.get(response_id)!, ...a }))),
    touchpoints: byWho(touchpoints.map((tp) => ({ who: tp.customer_id, ...normal(tp) }))),
    events: byWho(events.map((e) => {
      const { occurredAt: _at, touchpointId: _tp, ...payload } = normal(e.payload);
      return { who: e.topic, payload };
    })),
    invitations: byWho(invitations.map((i) => ({ who: i.customer_id, ...i }))),
    rollups: await storedRollups(t.database.db, ws.tenantId, surveyId),
  };
}

describe('group commit of survey answers', () => {
  it('writes a group exactly as the same answers saved one by one', async () => {
    const customers: { id: string }[] = [];
    for (let n = 0; n < 8; n++) customers.push(await createCustomer(t, ws, n % 2 === 0 ? { tags: ['group-gold'] } : {}));
    await createSegment(t, ws, `Group gold ${Date.now()}`, { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'group-gold' }] });
    const grouped = await publishSurvey(t.database.db, ws.tenantId, SURVEY);
    const single = await publishSurvey(t.database.db, ws.tenantId, SURVEY);

    const answers: Record<string, AnswerValue>[] = [
      { nps: { score: 2 }, why_low: { text: 'slow' }, pick: { choices: ['a'] }, csat: { score: 1 } },
      { nps: { score: 10 }, pick: { choices: ['a', 'b'], other: 'more' }, csat: { score: 5 } },
      { nps: { score: 7 }, comment: { text: '  fine  ' } },
      { nps: { score: 9 }, csat: { skipped: true } },
    ];
    const inputs = async (surveyId: string): Promise<AnswerSubmission[]> => {
      const out: AnswerSubmission[] = [];
      for (const [n, customer] of customers.entries()) {
        const invitation = await invite(t.database.db, ws.tenantId, surveyId, customer.id, { context: { followupId: `f-${n}` }, hidden: { store: `s-${n}` } });
        out.push({ tenantId: ws.tenantId, surveyId, channel: 'email', locale: n % 3 === 0 ? 'en' : 'fa', answers: answers[n % answers.length]!, complete: true, invitationId: invitation.id, deviceHash: device(n) });
      }
      // Public-link answers: no customer, no invitation.
      for (let n = 0; n < 3; n++) {
        out.push({ tenantId: ws.tenantId, surveyId, channel: 'api', locale: 'ar', answers: answers[(n + 1) % answers.length]!, complete: true, hidden: { store: 'web', other: 'dropped' }, deviceHash: device(100 + n) });
      }
      return out;
    };

    for (const input of await inputs(single.id)) await t.database.db.transaction((tx) => saveResponse(tx, input));

    const coalescer = new ResponseCoalescer(t.database, { maxGroup: 100, maxInFlight: 1 });
    const live = (await liveSurvey(t.database.db, ws.tenantId, grouped.id))!;
    const saved = await Promise.all((await inputs(grouped.id)).map((input) => coalescer.save(input, live)));
    expect(saved.every((s) => s.created && s.status === 'complete')).toBe(true);
    expect(new Set(saved.map((s) => s.responseId)).size).toBe(11);
    // The first answer went alone (nothing in flight), the other ten waited and went together.
    expect(coalescer.stats).toEqual({ groups: 2, largest: 10, fallbacks: 0 });

    const [a, b] = [await contentsOf(grouped.id), await contentsOf(single.id)];
    expect(a.responses).toHaveLength(11);
    expect(a.responses.filter((r) => r.segments.length === 1)).toHaveLength(4);
    expect(a.touchpoints).toHaveLength(8);
    expect(a.events.filter((e) => e.who === 'feedback.negative')).toHaveLength(2);
    expect(a.rollups.length).toBeGreaterThan(10);
    expect(a).toEqual(b);
  });

  it('gives each answer of a group its own outcome: a bad one, a used invitation, the same invitation twice', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const live = (await liveSurvey(t.database.db, ws.tenantId, survey.id))!;
    const invitations: { id: string; token: string }[] = [];
    for (let n = 0; n < 5; n++) invitations.push(await invite(t.database.db, ws.tenantId, survey.id, (await createCustomer(t, ws)).id));
    const base = { tenantId: ws.tenantId, surveyId: survey.id, channel: 'email' as const, locale: 'fa' as const, complete: true };
    await t.database.db.transaction((tx) => saveResponse(tx, { ...base, invitationId: invitations[4]!.id, answers: { nps: { score: 9 } } }));

    const coalescer = new ResponseCoalescer(t.database, { maxGroup: 100, maxInFlight: 1 });
    const results = await Promise.all([
      outcome(coalescer.save({ ...base, invitationId: invitations[0]!.id, answers: { nps: { score: 8 } } }, live)),
      outcome(coalescer.save({ ...base, invitationId: invitations[1]!.id, answers: { nps: { score: 11 } } }, live)),
      outcome(coalescer.save({ ...base, invitationId: invitations[2]!.id, answers: { nps: { score: 9 } } }, live)),
      outcome(coalescer.save({ ...base, invitationId: invitations[2]!.id, answers: { nps: { score: 3 }, why_low: { text: 'x' } } }, live)),
      outcome(coalescer.save({ ...base, invitationId: invitations[3]!.id, answers: { nps: { score: 4 } } }, live)),
      outcome(coalescer.save({ ...base, invitationId: invitations[4]!.id, answers: { nps: { score: 9 } } }, live)),
    ]);
    const code = (r: SavedResponse | Problem) => (r instanceof Problem ? `${r.status} ${r.code}` : r.status);
    expect(results.map(code)).toEqual(['complete', '422 answer_out_of_range', 'complete', '409 already_answered', '422 required_answer_missing', '409 already_answered']);
    expect(coalescer.stats.fallbacks).toBe(0);
    const rows = await q(`SELECT i.customer_id, a.score FROM survey_responses r JOIN survey_respondents p ON p.tenant_id = r.tenant_id AND p.response_id = r.id
      JOIN survey_invitations i ON i.tenant_id = p.tenant_id AND i.id = p.invitation_id JOIN survey_answers a ON a.tenant_id = r.tenant_id AND a.response_id = r.id
      WHERE r.tenant_id = $1 AND r.survey_id = $2 ORDER BY a.score`, [ws.tenantId, survey.id]);
    expect(rows.map((r) => r.score)).toEqual([8, 9, 9]);
    const rollup = await storedRollups(t.database.db, ws.tenantId, survey.id);
    expect(rollup.find((r) => r.questionId === '' && r.segmentId === '00000000-0000-0000-0000-000000000000')!.counters.answered).toBe(3);
  });

  it('continues a response started through the invitation instead of beginning another', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const live = (await liveSurvey(t.database.db, ws.tenantId, survey.id))!;
    const started = await invite(t.database.db, ws.tenantId, survey.id, (await createCustomer(t, ws)).id);
    const fresh = await invite(t.database.db, ws.tenantId, survey.id, (await createCustomer(t, ws)).id);
    const base = { tenantId: ws.tenantId, surveyId: survey.id, channel: 'email' as const, locale: 'fa' as const };
    const partial = await t.database.db.transaction((tx) => saveResponse(tx, { ...base, invitationId: started.id, answers: { nps: { score: 3 } }, complete: false }));
    const coalescer = new ResponseCoalescer(t.database, { maxGroup: 100, maxInFlight: 1 });
    const [, continued, other] = await Promise.all([
      coalescer.save({ ...base, invitationId: fresh.id, answers: { nps: { score: 9 } }, complete: true }, live).catch((e: unknown) => e),
      coalescer.save({ ...base, invitationId: started.id, answers: { why_low: { text: 'late' } }, complete: true }, live),
      coalescer.save({ ...base, answers: { nps: { score: 8 } }, complete: true }, live),
    ]);
    expect(continued).toEqual({ responseId: partial.responseId, status: 'complete', created: false });
    expect(other.created).toBe(true);
    const rows = await q(`SELECT count(*)::int AS n FROM survey_responses WHERE tenant_id = $1 AND survey_id = $2 AND status = 'complete'`, [ws.tenantId, survey.id]);
    expect(rows[0].n).toBe(3);
  });

  it('saves the good answers of a group whose transaction fails, one by one', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const live = (await liveSurvey(t.database.db, ws.tenantId, survey.id))!;
    const customer = await createCustomer(t, ws);
    const base = { tenantId: ws.tenantId, surveyId: survey.id, channel: 'api' as const, locale: 'fa' as const, complete: true, answers: { nps: { score: 9 } } };
    const coalescer = new ResponseCoalescer(t.database, { maxGroup: 100, maxInFlight: 1 });
    const results = await Promise.all([
      outcome(coalescer.save({ ...base, customerId: customer.id }, live)),
      outcome(coalescer.save({ ...base, customerId: customer.id }, live)),
      // No such customer: its respondent row breaks the foreign key, and with it the group's transaction.
      outcome(coalescer.save({ ...base, customerId: randomUUID() }, live)),
      outcome(coalescer.save(base, live)),
    ]);
    expect(coalescer.stats.fallbacks).toBe(1);
    expect(results.map((r) => (r instanceof Problem ? `${r.status} ${r.code}` : r.status))).toEqual(['complete', 'complete', '422 unknown_customer', 'complete']);
    expect((await q(`SELECT count(*)::int AS n FROM survey_responses WHERE tenant_id = $1 AND survey_id = $2`, [ws.tenantId, survey.id]))[0].n).toBe(3);
    expect((await q(`SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = $1 AND topic = 'response.submitted' AND payload->>'surveyId' = $2`, [ws.tenantId, survey.id]))[0].n).toBe(3);
  });

  it('keeps an anonymous survey anonymous in a group', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, { ...NPS_SURVEY, settings: { ...NPS_SURVEY.settings, anonymous: true, hiddenFields: ['store'] } });
    const live = (await liveSurvey(t.database.db, ws.tenantId, survey.id))!;
    const coalescer = new ResponseCoalescer(t.database, { maxGroup: 100, maxInFlight: 1 });
    const inputs: AnswerSubmission[] = [];
    for (let n = 0; n < 4; n++) {
      const customer = await createCustomer(t, ws);
      const invitation = await invite(t.database.db, ws.tenantId, survey.id, customer.id, { context: { followupId: 'f' }, hidden: { store: 'tehran' } });
      inputs.push({ tenantId: ws.tenantId, surveyId: survey.id, channel: 'email' as const, locale: 'fa' as const, complete: true, invitationId: invitation.id, customerId: customer.id, answers: { nps: { score: n } , why_low: { text: 'bad' } } });
    }
    const saved = await Promise.all(inputs.map((input) => coalescer.save(input, live)));
    expect(coalescer.stats).toMatchObject({ largest: 3, fallbacks: 0 });
    const ids = saved.map((s) => s.responseId);
    expect((await q(`SELECT count(*)::int AS n FROM survey_respondents WHERE tenant_id = $1 AND response_id = ANY($2::uuid[])`, [ws.tenantId, ids]))[0].n).toBe(0);
    const rows = await q(`SELECT context, hidden, segment_ids::text[] AS segments FROM survey_responses WHERE tenant_id = $1 AND survey_id = $2`, [ws.tenantId, survey.id]);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toEqual({ context: {}, hidden: {}, segments: [] });
    const invited = await q(`SELECT responded_at FROM survey_invitations WHERE tenant_id = $1 AND survey_id = $2`, [ws.tenantId, survey.id]);
    for (const row of invited) expect(new Date(row.responded_at).getUTCHours() * 60 + new Date(row.responded_at).getUTCMinutes()).toBe(0);
    expect((await q(`SELECT count(*)::int AS n FROM touchpoints WHERE tenant_id = $1 AND data->>'survey' = $2`, [ws.tenantId, survey.id]))[0].n).toBe(0);
    const events = await q(`SELECT payload FROM outbox_events WHERE tenant_id = $1 AND payload->>'surveyId' = $2`, [ws.tenantId, survey.id]);
    expect(events.length).toBe(8);
    for (const e of events) {
      expect(e.payload.customerId).toBeUndefined();
      expect(e.payload.context).toBeUndefined();
    }
  });
});

describe('answering through the public API under concurrency', () => {
  const post = (token: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: `/api/public/surveys/${token}/responses`, headers, payload: payload as object });

  it('stores one response for one Idempotency-Key sent many times at once, and replays it later', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const customer = await createCustomer(t, ws);
    const invitation = await invite(t.database.db, ws.tenantId, survey.id, customer.id);
    const body = { answers: { nps: { score: 9 } }, complete: true };
    const sends = await Promise.all(Array.from({ length: 5 }, () => post(invitation.token, body, { 'idempotency-key': 'same-key-1' })));
    expect(sends.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(sends.map((r) => r.json().responseId)).size).toBe(1);
    expect(sends.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(4);
    const later = await Promise.all([post(invitation.token, body, { 'idempotency-key': 'same-key-1' }), post(invitation.token, body, { 'idempotency-key': 'same-key-1' })]);
    expect(later.map((r) => r.json().responseId)).toEqual([sends[0]!.json().responseId, sends[0]!.json().responseId]);
    expect((await q(`SELECT count(*)::int AS n FROM survey_responses WHERE tenant_id = $1 AND survey_id = $2`, [ws.tenantId, survey.id]))[0].n).toBe(1);
  });

  it('takes one of two answers through one invitation at once and refuses the other', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const others: { id: string; token: string }[] = [];
    for (let n = 0; n < 3; n++) others.push(await invite(t.database.db, ws.tenantId, survey.id, (await createCustomer(t, ws)).id));
    const invitation = await invite(t.database.db, ws.tenantId, survey.id, (await createCustomer(t, ws)).id);
    const body = { answers: { nps: { score: 10 } }, complete: true };
    const [, ...rest] = await Promise.all([post(others[0]!.token, body), post(invitation.token, body), post(invitation.token, body), post(others[1]!.token, body), post(others[2]!.token, body)]);
    expect(rest.map((r) => r.statusCode).sort()).toEqual([201, 201, 201, 409]);
    expect(rest.find((r) => r.statusCode === 409)!.json().code).toBe('already_answered');
    expect((await q(`SELECT count(*)::int AS n FROM survey_responses WHERE tenant_id = $1 AND survey_id = $2`, [ws.tenantId, survey.id]))[0].n).toBe(4);
  });

  it('refuses answers as soon as the survey closes, and answers a new version at once', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const tokens: string[] = [];
    for (let n = 0; n < 3; n++) tokens.push((await invite(t.database.db, ws.tenantId, survey.id, (await createCustomer(t, ws)).id)).token);
    expect((await post(tokens[0]!, { answers: { nps: { score: 9 } }, complete: true })).statusCode).toBe(201);
    await republish(t.database.db, ws.tenantId, survey.id, { ...NPS_SURVEY, questions: [{ id: 'csat', type: 'csat', required: true, title: { fa: 'رضایت', ar: 'الرضا', en: 'CSAT' } }] });
    expect((await post(tokens[1]!, { answers: { nps: { score: 9 } }, complete: true })).json().code).toBe('unknown_question');
    expect((await post(tokens[1]!, { answers: { csat: { score: 4 } }, complete: true })).statusCode).toBe(201);
    await setSurveyStatus(t.database.db, ws.tenantId, survey.id, 'closed');
    const closed = await post(tokens[2]!, { answers: { csat: { score: 4 } }, complete: true });
    expect(closed.statusCode).toBe(410);
    expect(closed.json().code).toBe('survey_closed');
  });
});
