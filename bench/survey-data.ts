import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { SurveyDefinition } from '@vafa/contracts';
import type { Executor } from '../apps/server/src/platform/db/connect.ts';

// Survey data for the benchmarks, generated set-based in SQL (millions of rows in minutes):
// a live survey with an NPS question, a choice and a free-text question, and complete responses
// spread over the last year, six channels and up to two of five segments each.

export const BENCH_SURVEY = SurveyDefinition.parse({
  name: 'NPS bench',
  settings: { languages: ['fa', 'en'], defaultLanguage: 'fa' },
  questions: [
    { id: 'nps', type: 'nps', title: { fa: 'چقدر احتمال دارد ما را به دوستانتان پیشنهاد کنید؟', en: 'How likely are you to recommend us?' }, required: true },
    {
      id: 'reason', type: 'single_choice', title: { fa: 'مهم‌ترین دلیل؟', en: 'The main reason?' },
      options: [
        { id: 'price', label: { fa: 'قیمت', en: 'Price' } },
        { id: 'quality', label: { fa: 'کیفیت', en: 'Quality' } },
        { id: 'delivery', label: { fa: 'ارسال', en: 'Delivery' } },
      ],
    },
    { id: 'comment', type: 'text', title: { fa: 'چه چیزی را بهتر کنیم؟', en: 'What should we improve?' } },
  ],
});

export async function createBenchSurvey(db: Executor, tenantId: string): Promise<{ surveyId: string; segments: string[] }> {
  const surveyId = randomUUID();
  const segments = Array.from({ length: 5 }, () => randomUUID());
  await db.transaction(async (tx) => {
    for (const [i, id] of segments.entries()) {
      await tx.execute(sql`INSERT INTO segments (tenant_id, id, name, rules) VALUES (${tenantId}, ${id}, ${`segment ${i}`}, '{"all":[]}'::jsonb)`);
    }
    await tx.execute(sql`INSERT INTO surveys (tenant_id, id, name, status, draft, live_version, public_token, published_at)
      VALUES (${tenantId}, ${surveyId}, ${BENCH_SURVEY.name}, 'live', ${JSON.stringify(BENCH_SURVEY)}::jsonb, 1, ${randomUUID()}, now())`);
    await tx.execute(sql`INSERT INTO survey_versions (tenant_id, survey_id, version, definition) VALUES (${tenantId}, ${surveyId}, 1, ${JSON.stringify(BENCH_SURVEY)}::jsonb)`);
  });
  return { surveyId, segments };
}

/** Adds `count` complete responses (all three questions answered on every seventh, NPS alone on the rest). */
export async function generateResponses(db: Executor, tenantId: string, surveyId: string, segments: string[], count: number): Promise<void> {
  const chunk = 500_000;
  for (let from = 1; from <= count; from += chunk) {
    const to = Math.min(count, from + chunk - 1);
    // The chunk's responses and their answers in one statement (the answers read what it inserted).
    await db.execute(sql`
      WITH fresh AS (
        INSERT INTO survey_responses (tenant_id, id, survey_id, version, status, channel, locale, stage, segment_ids, started_at, updated_at, submitted_at)
        SELECT ${tenantId}::uuid, gen_random_uuid(), ${surveyId}::uuid, 1, 'complete',
               (ARRAY['link','email','sms','widget','kiosk','api'])[1 + g % 6], 'fa', 'after-sale',
               CASE g % 7 WHEN 0 THEN '{}'::uuid[] WHEN 1 THEN ARRAY[${segments[0]}::uuid] WHEN 2 THEN ARRAY[${segments[1]}::uuid]
                          WHEN 3 THEN ARRAY[${segments[2]}::uuid, ${segments[3]}::uuid] WHEN 4 THEN ARRAY[${segments[4]}::uuid]
                          ELSE ARRAY[${segments[0]}::uuid, ${segments[4]}::uuid] END,
               t, t, t
        FROM generate_series(${from}::int, ${to}::int) AS g,
             LATERAL (SELECT now() - ((g::bigint * 7919) % 31536000) * interval '1 second' AS t) AS x
        RETURNING tenant_id, id, survey_id, abs(hashtext(id::text)) % 100 AS h
      )
      INSERT INTO survey_answers (tenant_id, response_id, question_id, survey_id, score, choices, text_value)
      SELECT tenant_id, id, 'nps', survey_id, CASE WHEN h < 42 THEN 9 + h % 2 WHEN h < 70 THEN 7 + h % 2 ELSE h % 7 END, NULL, NULL FROM fresh
      UNION ALL
      SELECT tenant_id, id, 'reason', survey_id, NULL, ARRAY[(ARRAY['price','quality','delivery'])[1 + h % 3]], NULL FROM fresh WHERE h % 7 = 0
      UNION ALL
      SELECT tenant_id, id, 'comment', survey_id, NULL, NULL, 'ارسال دیر بود و بسته‌بندی آسیب دیده بود؛ پشتیبانی خوب جواب داد' FROM fresh WHERE h % 7 = 0`);
  }
  await db.execute(sql`ANALYZE survey_responses`);
  await db.execute(sql`ANALYZE survey_answers`);
}
