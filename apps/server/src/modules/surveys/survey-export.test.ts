import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';

// Real HTTP on a port: the export must arrive in chunks as the cursor reads, not as one body.
let t: TestApp;
let base: string;
let ws: TestWorkspace;

beforeAll(async () => {
  t = await startTestApp();
  base = await t.vafa.listen();
  ws = await t.createWorkspace({ country: 'IR' });
}, 120_000);
afterAll(() => t?.close());

const text = (fa: string, ar: string, en: string) => ({ fa, ar, en });

const DEFINITION = {
  name: 'Export',
  settings: { languages: ['fa', 'ar', 'en'], defaultLanguage: 'fa', hiddenFields: ['order', 'store'] },
  questions: [
    { id: 'nps', type: 'nps', title: text('احتمال پیشنهاد', 'احتمال التوصية', 'Recommend') },
    {
      id: 'csat', type: 'csat', points: 5, style: 'labels', title: text('رضایت', 'الرضا', 'Satisfaction'),
      labels: [1, 2, 3, 4, 5].map((n) => text(`ر${n}`, `ع${n}`, `s${n}`)),
    },
    {
      id: 'many', type: 'multiple_choice', allowOther: true, title: text('چه خریدید؟', 'ماذا اشتريت؟', 'What did you buy?'),
      options: [{ id: 'a', label: text('کفش', 'حذاء', 'Shoes') }, { id: 'b', label: text('کیف', 'حقيبة', 'Bag') }],
    },
    { id: 'one', type: 'single_choice', title: text('یکی', 'واحد', 'One'), options: [{ id: 'x', label: text('ایکس', 'إكس', 'Ex') }, { id: 'y', label: text('وای', 'واي', 'Why') }] },
    { id: 'note', type: 'text', title: text('توضیح', 'ملاحظة', 'Note') },
    { id: 'day', type: 'date', title: text('روز', 'اليوم', 'Day') },
    { id: 'sq', type: 'servqual', dimension: 'reliability', title: text('به قولشان عمل می‌کنند', 'تفي بوعودها', 'Keeps promises') },
    { id: 'rate', type: 'rating', min: 1, max: 5, title: text('امتیاز', 'التقييم', 'Rating') },
  ],
};

const N = 3000;

async function publishedSurvey(definition: unknown): Promise<string> {
  const created = await t.app.inject({ method: 'POST', url: '/api/surveys', headers: t.auth(ws.keys.owner), payload: { definition } });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id;
  expect((await t.app.inject({ method: 'POST', url: `/api/surveys/${id}/publish`, headers: t.auth(ws.keys.owner) })).statusCode).toBe(200);
  return id;
}

/**
 * N complete responses written set-based (i = 1..N, one a minute from 2026-01-01), answers a
 * function of i, so each row of the file can be checked against what it must say; even i have
 * a respondent; plus one partial response that must not appear.
 */
async function insertResponses(surveyId: string, customerId: string): Promise<void> {
  const q = (text: string, values: unknown[]) => t.database.pool.query(text, values);
  await q(`
    INSERT INTO survey_responses (tenant_id, id, survey_id, version, status, channel, locale, hidden, started_at, submitted_at)
    SELECT $1, gen_random_uuid(), $2, 1, 'complete', (ARRAY['link','email','sms','widget','kiosk'])[1 + i % 5], (ARRAY['fa','ar','en'])[1 + i % 3],
           jsonb_build_object('order', 'o-' || i) || CASE WHEN i % 2 = 0 THEN jsonb_build_object('store', 'تهران') ELSE '{}'::jsonb END,
           timestamptz '2026-01-01T00:00:00Z' + i * interval '1 minute', timestamptz '2026-01-01T00:00:00Z' + i * interval '1 minute'
    FROM generate_series(1, ${N}) AS i`, [ws.tenantId, surveyId]);
  await q(`
    INSERT INTO survey_responses (tenant_id, id, survey_id, version, status, channel, locale, started_at)
    VALUES ($1, gen_random_uuid(), $2, 1, 'partial', 'link', 'fa', now())`, [ws.tenantId, surveyId]);
  const each = `FROM (SELECT id, (hidden->>'order')::text AS o, substr(hidden->>'order', 3)::int AS i FROM survey_responses
                      WHERE tenant_id = $1 AND survey_id = $2 AND status = 'complete') r`;
  await q(`INSERT INTO survey_answers (tenant_id, response_id, question_id, survey_id, score) SELECT $1, r.id, 'nps', $2, r.i % 11 ${each}`, [ws.tenantId, surveyId]);
  await q(`INSERT INTO survey_answers (tenant_id, response_id, question_id, survey_id, score) SELECT $1, r.id, 'csat', $2, 1 + r.i % 5 ${each}`, [ws.tenantId, surveyId]);
  await q(`
    INSERT INTO survey_answers (tenant_id, response_id, question_id, survey_id, skipped, choices, other_text)
    SELECT $1, r.id, 'many', $2, r.i % 3 = 2,
           CASE r.i % 3 WHEN 0 THEN ARRAY['a','b'] WHEN 1 THEN ARRAY['b','other'] END,
           CASE WHEN r.i % 3 = 1 THEN 'چیز دیگر، "با" کاما, ' || r.i END ${each}`, [ws.tenantId, surveyId]);
  await q(`INSERT INTO survey_answers (tenant_id, response_id, question_id, survey_id, choices) SELECT $1, r.id, 'one', $2, ARRAY[CASE WHEN r.i % 2 = 0 THEN 'x' ELSE 'y' END] ${each}`, [ws.tenantId, surveyId]);
  await q(`
    INSERT INTO survey_answers (tenant_id, response_id, question_id, survey_id, text_value)
    SELECT $1, r.id, 'note', $2, CASE WHEN r.i % 4 = 0 THEN '=HYPERLINK("http://x")' ELSE E'خیلی خوب بود\\nخط دوم ' || r.i END ${each}`, [ws.tenantId, surveyId]);
  await q(`INSERT INTO survey_answers (tenant_id, response_id, question_id, survey_id, date_value) SELECT $1, r.id, 'day', $2, date '2026-01-01' + (r.i % 28) ${each}`, [ws.tenantId, surveyId]);
  await q(`
    INSERT INTO survey_answers (tenant_id, response_id, question_id, survey_id, desired, adequate, perceived)
    SELECT $1, r.id, 'sq', $2, 1 + r.i % 9, 1 + (r.i + 3) % 9, 1 + (r.i + 5) % 9 ${each}`, [ws.tenantId, surveyId]);
  // `rate` only for odd i: even rows have no answer at all, a blank cell
  await q(`INSERT INTO survey_answers (tenant_id, response_id, question_id, survey_id, score) SELECT $1, r.id, 'rate', $2, 1 + r.i % 5 ${each} WHERE r.i % 2 = 1`, [ws.tenantId, surveyId]);
  await q(`INSERT INTO survey_respondents (tenant_id, response_id, customer_id) SELECT $1, r.id, $3 ${each} WHERE r.i % 2 = 0`, [ws.tenantId, surveyId, customerId]);
}

/** The CSV row response i must produce (Persian labels), after the id column. */
function expectedRow(i: number, customerId: string): string[] {
  const channel = ['پیوند', 'ایمیل', 'پیامک', 'ابزارک وب', 'کیوسک'][i % 5]!;
  const language = ['فارسی', 'عربی', 'انگلیسی'][i % 3]!;
  const many = i % 3 === 0 ? 'کفش | کیف' : i % 3 === 1 ? 'کیف | سایر' : '';
  const other = i % 3 === 1 ? `چیز دیگر، "با" کاما, ${i}` : '';
  const note = i % 4 === 0 ? `'=HYPERLINK("http://x")` : `خیلی خوب بود\nخط دوم ${i}`;
  const day = new Date(Date.UTC(2026, 0, 1 + (i % 28))).toISOString().slice(0, 10);
  return [
    new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), '1', channel, language, i % 2 === 0 ? customerId : '',
    `o-${i}`, i % 2 === 0 ? 'تهران' : '',
    String(i % 11), String(1 + (i % 5)), many, other, i % 2 === 0 ? 'ایکس' : 'وای', note, day,
    String(1 + (i % 9)), String(1 + ((i + 3) % 9)), String(1 + ((i + 5) % 9)), i % 2 === 1 ? String(1 + (i % 5)) : '',
  ];
}

async function download(path: string, key = ws.keys.owner): Promise<{ status: number; headers: Headers; chunks: number; text: string }> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const reader = res.body!.getReader();
  const parts: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return { status: res.status, headers: res.headers, chunks: parts.length, text: Buffer.concat(parts).toString('utf8') };
}

describe('survey export', () => {
  let surveyId: string;
  let customerId: string;

  beforeAll(async () => {
    surveyId = await publishedSurvey(DEFINITION);
    customerId = (await createCustomer(t, ws)).id;
    await insertResponses(surveyId, customerId);
  }, 120_000);

  it('streams every completed response, one column per question, labels in Persian, matching the data', async () => {
    const res = await download(`/api/surveys/${surveyId}/export.csv?lang=fa`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.chunks).toBeGreaterThan(1);
    expect(res.text.charCodeAt(0)).toBe(0xfeff);

    const [header, ...rows] = parse(res.text.slice(1), { relax_column_count: false }) as string[][];
    expect(header).toEqual([
      'شناسه‌ی پاسخ', 'زمان ثبت (UTC)', 'نسخه', 'کانال', 'زبان', 'شناسه‌ی مشتری', 'order', 'store',
      'احتمال پیشنهاد', 'رضایت', 'چه خریدید؟', 'چه خریدید؟ — سایر', 'یکی', 'توضیح', 'روز',
      'به قولشان عمل می‌کنند — مطلوب', 'به قولشان عمل می‌کنند — حداقل پذیرفتنی', 'به قولشان عمل می‌کنند — دریافت‌شده', 'امتیاز',
    ]);
    expect(rows).toHaveLength(N);
    const ids = (await t.database.pool.query(
      `SELECT id, substr(hidden->>'order', 3)::int AS i FROM survey_responses WHERE tenant_id = $1 AND survey_id = $2 AND status = 'complete'`, [ws.tenantId, surveyId],
    )).rows as { id: string; i: number }[];
    const idOf = new Map(ids.map((r) => [r.i, r.id]));
    rows.forEach((row, index) => {
      const i = index + 1; // oldest first
      expect(row).toEqual([idOf.get(i), ...expectedRow(i, customerId)]);
    });
  });

  it('heads the columns in the chosen language and keeps to [from, to)', async () => {
    const from = new Date(Date.UTC(2026, 0, 1) + 100 * 60_000).toISOString();
    const to = new Date(Date.UTC(2026, 0, 1) + 200 * 60_000).toISOString();
    const res = await download(`/api/surveys/${surveyId}/export.csv?lang=en&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    const [header, ...rows] = parse(res.text.slice(1)) as string[][];
    expect(header!.slice(0, 9)).toEqual(['Response ID', 'Submitted at (UTC)', 'Version', 'Channel', 'Language', 'Customer ID', 'order', 'store', 'Recommend']);
    expect(header).toContain('Keeps promises — perceived');
    expect(rows).toHaveLength(100);
    expect(rows[0]![1]).toBe(from);
    expect(rows[0]![3]).toBe(['Link', 'E-mail', 'SMS', 'Widget', 'Kiosk'][100 % 5]);
    expect(rows[0]![10]).toBe('Bag | other');
  });

  it('refuses a reversed period and is audited', async () => {
    const reversed = await t.app.inject({ method: 'GET', url: `/api/surveys/${surveyId}/export.csv?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`, headers: t.auth(ws.keys.owner) });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().code).toBe('period_reversed');
    const { rows } = await t.database.pool.query(`SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND action = 'survey.exported' AND target_id = $2`, [ws.tenantId, surveyId]);
    expect(Number(rows[0].count)).toBeGreaterThanOrEqual(2);
  });

  it('has no customer column for an anonymous survey', async () => {
    const anonymousId = await publishedSurvey({ ...DEFINITION, settings: { ...DEFINITION.settings, anonymous: true } });
    await t.database.pool.query(`
      INSERT INTO survey_responses (tenant_id, id, survey_id, version, status, channel, locale, started_at, submitted_at)
      VALUES ($1, gen_random_uuid(), $2, 1, 'complete', 'kiosk', 'fa', now(), now())`, [ws.tenantId, anonymousId]);
    const res = await download(`/api/surveys/${anonymousId}/export.csv?lang=en`);
    const [header, row] = parse(res.text.slice(1)) as string[][];
    expect(header).not.toContain('Customer ID');
    expect(header!.slice(0, 6)).toEqual(['Response ID', 'Submitted at (UTC)', 'Version', 'Channel', 'Language', 'order']);
    expect(row![3]).toBe('Kiosk');
  });
});
