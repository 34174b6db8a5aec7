import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerValue } from '@vafa/contracts';
import { createCustomer, createSegment } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { invite, NPS_SURVEY, publishSurvey, republish } from '../../../test/survey-factories.ts';
import { Problem } from '../../platform/http/problem.ts';
import { saveResponse, type AnswerSubmission } from './response.service.ts';
import { surveyAnswers, surveyInvitations, surveyRespondents, surveyResponses, surveyRollups, surveys } from './survey.schema.ts';

let t: TestApp;
let ws: TestWorkspace;

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.createWorkspace({ country: 'IR' });
}, 120_000);
afterAll(() => t?.close());

const save = (input: Omit<AnswerSubmission, 'tenantId' | 'channel' | 'locale'> & Partial<AnswerSubmission>) =>
  t.database.db.transaction((tx) => saveResponse(tx, { tenantId: ws.tenantId, channel: 'link', locale: 'fa', ...input }));

async function refusal(input: Parameters<typeof save>[0]): Promise<Problem> {
  try {
    await save(input);
  } catch (error) {
    if (error instanceof Problem) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const responsesOf = (surveyId: string) => t.database.db.select().from(surveyResponses).where(and(eq(surveyResponses.tenantId, ws.tenantId), eq(surveyResponses.surveyId, surveyId)));
const answersOf = (surveyId: string) => t.database.db.select().from(surveyAnswers).where(and(eq(surveyAnswers.tenantId, ws.tenantId), eq(surveyAnswers.surveyId, surveyId)));
const eventsOf = async (topic: string, responseId: string) =>
  (await t.database.pool.query(`SELECT payload FROM outbox_events WHERE tenant_id = $1 AND topic = $2 AND payload->>'responseId' = $3`, [ws.tenantId, topic, responseId])).rows.map((r) => r.payload);

const ALL_KINDS = {
  name: 'Every kind',
  settings: { languages: ['en'], defaultLanguage: 'en' },
  questions: [
    { id: 'nps', type: 'nps', title: { en: 'NPS' } },
    { id: 'csat', type: 'csat', points: 7, title: { en: 'CSAT' } },
    { id: 'pick', type: 'single_choice', allowOther: true, options: [{ id: 'a', label: { en: 'A' } }, { id: 'b', label: { en: 'B' } }], title: { en: 'Pick' } },
    { id: 'many', type: 'multiple_choice', maxChoices: 2, options: [{ id: 'a', label: { en: 'A' } }, { id: 'b', label: { en: 'B' } }, { id: 'c', label: { en: 'C' } }], title: { en: 'Many' } },
    { id: 'note', type: 'text', maxLength: 20, title: { en: 'Note' } },
    { id: 'day', type: 'date', title: { en: 'Day' } },
    { id: 'sq', type: 'servqual', dimension: 'reliability', title: { en: 'SQ' } },
  ],
};

describe('saveResponse refuses garbage and stores nothing', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['an out-of-range NPS', { nps: { score: 11 } }, 'answer_out_of_range'],
    ['a negative NPS', { nps: { score: -1 } }, 'answer_out_of_range'],
    ['a non-integer score', { nps: { score: 7.5 } }, 'answer_not_integer'],
    ['a CSAT above its own scale', { csat: { score: 8 } }, 'answer_out_of_range'],
    ['an unknown question', { nope: { score: 1 } }, 'unknown_question'],
    ['a text answer to a score', { nps: { text: '9' } }, 'answer_wrong_type'],
    ['an unknown option', { pick: { choices: ['z'] } }, 'answer_unknown_option'],
    ['two choices on a single choice', { pick: { choices: ['a', 'b'] } }, 'answer_too_many_choices'],
    ['more than maxChoices', { many: { choices: ['a', 'b', 'c'] } }, 'answer_too_many_choices'],
    ['other where none is allowed', { many: { choices: ['a'], other: 'mine' } }, 'answer_other_not_allowed'],
    ['text over maxLength', { note: { text: 'x'.repeat(21) } }, 'answer_too_long'],
    ['a NUL in text', { note: { text: 'a\u0000b' } }, 'answer_invalid_text'],
    ['a day that does not exist', { day: { date: '2025-02-30' } }, 'answer_invalid_date'],
    ['SERVQUAL out of 1–9', { sq: { desired: 9, adequate: 0, perceived: 5 } }, 'answer_out_of_range'],
    ['SERVQUAL non-integer', { sq: { desired: 9, adequate: 4.5, perceived: 5 } }, 'answer_not_integer'],
  ];
  it.each(cases)('%s', async (_what, answers, code) => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, ALL_KINDS);
    const problem = await refusal({ surveyId: survey.id, answers: answers as Record<string, AnswerValue>, complete: true });
    expect(problem.status).toBe(422);
    expect(problem.code).toBe(code);
    expect(problem.fieldErrors[0]!.field).toBe(`answers.${Object.keys(answers)[0]}`);
    expect(await responsesOf(survey.id)).toEqual([]);
    expect(await answersOf(survey.id)).toEqual([]);
  });

  it('accepts every kind answered well, trimmed and deduplicated', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, ALL_KINDS);
    const saved = await save({
      surveyId: survey.id, complete: true,
      answers: {
        nps: { score: 0 }, csat: { score: 7 }, pick: { choices: [], other: ' mine ' }, many: { choices: ['a', 'a', 'c'] },
        note: { text: '  ok ' }, day: { date: '2024-02-29' }, sq: { desired: 9, adequate: 5, perceived: 6 },
      },
    });
    expect(saved).toMatchObject({ status: 'complete', created: true });
    const rows = Object.fromEntries((await answersOf(survey.id)).map((r) => [r.questionId, r]));
    expect(rows.nps!.score).toBe(0);
    expect(rows.pick!.otherText).toBe('mine');
    expect(rows.many!.choices).toEqual(['a', 'c']);
    expect(rows.note!.textValue).toBe('ok');
    expect(rows.day!.dateValue).toBe('2024-02-29');
    expect([rows.sq!.desired, rows.sq!.adequate, rows.sq!.perceived]).toEqual([9, 5, 6]);
  });

  it('refuses a completion missing a required answer, and an answer to a question hidden by its showIf', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const missing = await refusal({ surveyId: survey.id, answers: { nps: { score: 3 } }, complete: true });
    expect(missing.code).toBe('required_answer_missing');
    expect(missing.fieldErrors.map((e) => e.field)).toEqual(['answers.why_low']);
    const hidden = await refusal({ surveyId: survey.id, answers: { nps: { score: 9 }, why_low: { text: 'nothing' } }, complete: true });
    expect(hidden.code).toBe('answer_to_hidden_question');
    expect(await responsesOf(survey.id)).toEqual([]);
    // 9 hides the follow-up question, so it is not required.
    expect((await save({ surveyId: survey.id, answers: { nps: { score: 9 } }, complete: true })).status).toBe('complete');
  });
});

describe('partial answers, resuming and editing', () => {
  it('saves a step as partial, continues it on the same device, and completes it', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const device = Buffer.alloc(32, 7);
    const first = await save({ surveyId: survey.id, answers: { nps: { score: 4 } }, complete: false, deviceHash: device, step: 1 });
    expect(first).toMatchObject({ status: 'partial', created: true });
    // Another device cannot continue it.
    const stranger = await refusal({ surveyId: survey.id, responseId: first.responseId, answers: { why_low: { text: 'slow' } }, complete: true, deviceHash: Buffer.alloc(32, 8) });
    expect(stranger.status).toBe(404);
    const done = await save({ surveyId: survey.id, responseId: first.responseId, answers: { why_low: { text: 'slow' } }, complete: true, deviceHash: device, step: 2 });
    expect(done).toEqual({ responseId: first.responseId, status: 'complete', created: false });
    const [row] = await responsesOf(survey.id);
    expect(row).toMatchObject({ status: 'complete', step: 2 });
    expect(await eventsOf('response.submitted', first.responseId)).toHaveLength(1);
  });

  it('an edit of a complete response moves its rollups (−1 then +1) and drops answers its new score hides', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const device = Buffer.alloc(32, 9);
    const first = await save({ surveyId: survey.id, answers: { nps: { score: 3 }, why_low: { text: 'late' } }, complete: true, deviceHash: device });
    await save({ surveyId: survey.id, responseId: first.responseId, answers: { nps: { score: 10 } }, complete: true, deviceHash: device });
    const answers = await answersOf(survey.id);
    expect(answers.map((a) => [a.questionId, a.score])).toEqual([['nps', 10]]);
    const totals = await t.database.db.select({ promoters: sql<number>`sum(${surveyRollups.promoters})::int`, detractors: sql<number>`sum(${surveyRollups.detractors})::int`, answered: sql<number>`sum(${surveyRollups.answered})::int` })
      .from(surveyRollups)
      .where(and(eq(surveyRollups.tenantId, ws.tenantId), eq(surveyRollups.surveyId, survey.id), eq(surveyRollups.questionId, 'nps'), eq(surveyRollups.bucket, ''), eq(surveyRollups.segmentId, '00000000-0000-0000-0000-000000000000')));
    expect(totals[0]).toEqual({ promoters: 1, detractors: 0, answered: 1 });
    // One response.submitted (the first completion), one feedback.negative (the 3), none for the edit.
    expect(await eventsOf('response.submitted', first.responseId)).toHaveLength(1);
    expect(await eventsOf('feedback.negative', first.responseId)).toHaveLength(1);
  });

  it('a partial started on an earlier version continues on that version', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const device = Buffer.alloc(32, 3);
    const first = await save({ surveyId: survey.id, answers: { nps: { score: 8 } }, complete: false, deviceHash: device });
    await republish(t.database.db, ws.tenantId, survey.id, { ...NPS_SURVEY, questions: [NPS_SURVEY.questions[0]] });
    const done = await save({ surveyId: survey.id, responseId: first.responseId, answers: { comment: { text: 'fine' } }, complete: true, deviceHash: device });
    expect(done.status).toBe('complete');
    expect((await responsesOf(survey.id))[0]!.version).toBe(1);
  });
});

describe('invitations, customers and anonymity', () => {
  it('records the respondent, the timeline touchpoint, segment snapshot and events with the invitation context; a replay is refused', async () => {
    const customer = await createCustomer(t, ws, { tags: ['vip'] });
    const segment = await createSegment(t, ws, `VIPs ${customer.id}`, { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'vip' }] });
    const survey = await publishSurvey(t.database.db, ws.tenantId, { ...NPS_SURVEY, settings: { ...NPS_SURVEY.settings, stage: 'after-sale', incentivePoints: 50 } });
    const invitation = await invite(t.database.db, ws.tenantId, survey.id, customer.id, { context: { followupId: 'f-1' } });
    const saved = await save({ surveyId: survey.id, invitationId: invitation.id, answers: { nps: { score: 2 }, why_low: { text: 'rude' } }, complete: true });
    const [respondent] = await t.database.db.select().from(surveyRespondents).where(and(eq(surveyRespondents.tenantId, ws.tenantId), eq(surveyRespondents.responseId, saved.responseId)));
    expect(respondent).toMatchObject({ customerId: customer.id, invitationId: invitation.id });
    const [row] = await responsesOf(survey.id);
    expect(row!.context).toEqual({ followupId: 'f-1' });
    expect(row!.segmentIds).toContain(segment.id);
    const [submitted] = await eventsOf('response.submitted', saved.responseId);
    expect(submitted).toEqual({
      surveyId: survey.id, responseId: saved.responseId, customerId: customer.id, channel: 'link', occurredAt: row!.submittedAt!.toISOString(),
      scores: { nps: 2 }, incentivePoints: 50, context: { followupId: 'f-1' },
    });
    const [negative] = await eventsOf('feedback.negative', saved.responseId);
    expect(negative).toMatchObject({ reason: 'nps', score: 2, customerId: customer.id });
    const timeline = await t.database.pool.query(`SELECT kind, stage, data FROM touchpoints WHERE tenant_id = $1 AND customer_id = $2 AND kind = 'survey.answered'`, [ws.tenantId, customer.id]);
    expect(timeline.rows).toEqual([{ kind: 'survey.answered', stage: 'after-sale', data: expect.objectContaining({ survey: survey.id, nps: 2 }) }]);
    const [inv] = await t.database.db.select().from(surveyInvitations).where(and(eq(surveyInvitations.tenantId, ws.tenantId), eq(surveyInvitations.id, invitation.id)));
    expect(inv!.respondedAt).not.toBeNull();

    const replay = await refusal({ surveyId: survey.id, invitationId: invitation.id, answers: { nps: { score: 9 } }, complete: true });
    expect([replay.status, replay.code]).toEqual([409, 'already_answered']);
    expect(await responsesOf(survey.id)).toHaveLength(1);
  });

  it('an anonymous survey stores no customer, invitation or context reference in any column', async () => {
    const customer = await createCustomer(t, ws);
    const survey = await publishSurvey(t.database.db, ws.tenantId, { ...NPS_SURVEY, settings: { ...NPS_SURVEY.settings, anonymous: true } });
    // A context value no UUID can contain ('f-2' was found inside random ids now and then).
    const invitation = await invite(t.database.db, ws.tenantId, survey.id, customer.id, { context: { followupId: 'followup-anonymous' } });
    const saved = await save({ surveyId: survey.id, invitationId: invitation.id, customerId: customer.id, answers: { nps: { score: 1 }, why_low: { text: 'x' } }, complete: true });
    expect(await t.database.db.select().from(surveyRespondents).where(and(eq(surveyRespondents.tenantId, ws.tenantId), eq(surveyRespondents.responseId, saved.responseId)))).toEqual([]);
    // Every row of every survey table that mentions this response, searched for the customer's and invitation's ids as text.
    const needles = [customer.id, invitation.id, 'followup-anonymous'];
    const tables = await t.database.pool.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('survey_responses','survey_answers','survey_rollups','survey_response_tags','survey_text_themes')`);
    for (const { table_name: table } of tables.rows) {
      const rows = await t.database.pool.query(`SELECT to_jsonb(x)::text AS row FROM ${table} x WHERE tenant_id = $1 AND survey_id = $2`, [ws.tenantId, survey.id]).catch(async () =>
        t.database.pool.query(`SELECT to_jsonb(x)::text AS row FROM ${table} x WHERE tenant_id = $1`, [ws.tenantId]));
      for (const { row } of rows.rows) for (const needle of needles) expect(row, `${table}`).not.toContain(needle);
    }
    const events = (await t.database.pool.query(`SELECT payload::text AS p FROM outbox_events WHERE tenant_id = $1 AND payload->>'responseId' = $2`, [ws.tenantId, saved.responseId])).rows;
    expect(events.length).toBe(2);
    for (const { p } of events) for (const needle of needles) expect(p).not.toContain(needle);
    // No timeline entry either.
    const timeline = await t.database.pool.query(`SELECT 1 FROM touchpoints WHERE tenant_id = $1 AND customer_id = $2 AND kind = 'survey.answered'`, [ws.tenantId, customer.id]);
    expect(timeline.rows).toEqual([]);
    // The invitation still cannot be used twice.
    expect((await refusal({ surveyId: survey.id, invitationId: invitation.id, answers: { nps: { score: 9 } }, complete: true })).code).toBe('already_answered');
  });

  it('a kiosk resend with the same clientRef is a no-op returning the first result', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const kioskId = '0191b1a0-0000-7000-8000-000000000001';
    const first = await save({ surveyId: survey.id, channel: 'kiosk', kioskId, clientRef: 'tablet-1:42', answers: { nps: { score: 9 } }, complete: true });
    const again = await save({ surveyId: survey.id, channel: 'kiosk', kioskId, clientRef: 'tablet-1:42', answers: { nps: { score: 9 } }, complete: true });
    expect(again).toEqual({ ...first, created: false });
    expect(await responsesOf(survey.id)).toHaveLength(1);
  });
});

describe('quotas and closing', () => {
  it('a total quota closes the survey; a closed survey refuses', async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, { ...NPS_SURVEY, settings: { ...NPS_SURVEY.settings, quota: { total: 2 } } });
    await save({ surveyId: survey.id, answers: { nps: { score: 9 } }, complete: true });
    // A partial does not count.
    await save({ surveyId: survey.id, answers: { nps: { score: 9 } }, complete: false });
    await save({ surveyId: survey.id, answers: { nps: { score: 10 } }, complete: true });
    const [row] = await t.database.db.select().from(surveys).where(and(eq(surveys.tenantId, ws.tenantId), eq(surveys.id, survey.id)));
    expect([row!.status, row!.closedReason]).toEqual(['closed', 'quota']);
    const closed = await refusal({ surveyId: survey.id, answers: { nps: { score: 9 } }, complete: true });
    expect([closed.status, closed.code]).toEqual([409, 'survey_closed']);
  });

  it('a segment quota refuses that segment once reached and no one else', async () => {
    const vip = await createCustomer(t, ws, { tags: ['gold'] });
    const vip2 = await createCustomer(t, ws, { tags: ['gold'] });
    const other = await createCustomer(t, ws);
    const segment = await createSegment(t, ws, `Gold ${Date.now()}`, { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'gold' }] });
    const survey = await publishSurvey(t.database.db, ws.tenantId, { ...NPS_SURVEY, settings: { ...NPS_SURVEY.settings, quota: { segments: [{ segmentId: segment.id, limit: 1 }] } } });
    await save({ surveyId: survey.id, customerId: vip.id, answers: { nps: { score: 9 } }, complete: true });
    const refused = await refusal({ surveyId: survey.id, customerId: vip2.id, answers: { nps: { score: 9 } }, complete: true });
    expect([refused.status, refused.code]).toEqual([409, 'quota_reached']);
    expect((await save({ surveyId: survey.id, customerId: other.id, answers: { nps: { score: 9 } }, complete: true })).status).toBe('complete');
  });
});
