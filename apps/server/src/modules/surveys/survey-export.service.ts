import type { Readable } from 'node:stream';
import type { Locale, LocalText, Question, SurveyChannel, SurveyDefinition, SurveyExportQuery } from '@vafa/contracts';
import type { CsvCell } from '../../platform/csv/csv-writer.ts';
import { queryCsvStream } from '../../platform/csv/query-csv.ts';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { Problem } from '../../platform/http/problem.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { resolveResponseFilter } from './response-admin.service.ts';
import { isDay, type ResponseFilter } from './response-slice.ts';
import { surveyExportQuery, type ExportedAnswer, type SurveyExportRow } from './survey-export.repo.ts';
import * as repo from './survey.repo.ts';

/**
 * The responses of a survey as a spreadsheet a manager can open: one row per completed
 * response, one column per question (three for a SERVQUAL item), labels in the reader's
 * language. Questions come from every published version, newest wording first, so answers to a
 * question later removed still have their column.
 */

const FIXED_HEADERS: Record<Locale, { id: string; submittedAt: string; version: string; channel: string; language: string; customer: string }> = {
  fa: { id: 'شناسه‌ی پاسخ', submittedAt: 'زمان ثبت (UTC)', version: 'نسخه', channel: 'کانال', language: 'زبان', customer: 'شناسه‌ی مشتری' },
  ar: { id: 'معرّف الرد', submittedAt: 'وقت الإرسال (UTC)', version: 'الإصدار', channel: 'القناة', language: 'اللغة', customer: 'معرّف العميل' },
  en: { id: 'Response ID', submittedAt: 'Submitted at (UTC)', version: 'Version', channel: 'Channel', language: 'Language', customer: 'Customer ID' },
};

const CHANNELS: Record<Locale, Record<SurveyChannel, string>> = {
  fa: { link: 'پیوند', email: 'ایمیل', sms: 'پیامک', widget: 'ابزارک وب', kiosk: 'کیوسک', api: 'API' },
  ar: { link: 'رابط', email: 'البريد الإلكتروني', sms: 'رسالة نصية', widget: 'أداة الموقع', kiosk: 'كشك', api: 'API' },
  en: { link: 'Link', email: 'E-mail', sms: 'SMS', widget: 'Widget', kiosk: 'Kiosk', api: 'API' },
};

const LANGUAGES: Record<Locale, Record<Locale, string>> = {
  fa: { fa: 'فارسی', ar: 'عربی', en: 'انگلیسی' },
  ar: { fa: 'الفارسية', ar: 'العربية', en: 'الإنجليزية' },
  en: { fa: 'Persian', ar: 'Arabic', en: 'English' },
};

const SERVQUAL_PARTS: Record<Locale, [string, string, string]> = {
  fa: ['مطلوب', 'حداقل پذیرفتنی', 'دریافت‌شده'],
  ar: ['المرغوب', 'الحد الأدنى المقبول', 'المُدرَك'],
  en: ['desired', 'adequate', 'perceived'],
};

const OTHER: Record<Locale, string> = { fa: 'سایر', ar: 'أخرى', en: 'other' };

/** Text in `lang`, else the survey's default language, else whatever there is. */
function textIn(text: LocalText | undefined, lang: Locale, fallback: Locale): string {
  if (!text) return '';
  return text[lang]?.trim() || text[fallback]?.trim() || text.fa || text.ar || text.en || '';
}

interface Column {
  header: string;
  cell: (answer: ExportedAnswer | undefined) => CsvCell;
}

const SKIPPED = 0, SCORE = 1, CHOICES = 2, OTHER_TEXT = 3, TEXT = 4, DATE = 5, DESIRED = 6, ADEQUATE = 7, PERCEIVED = 8;

function columnsOf(q: Question, lang: Locale, fallback: Locale): Column[] {
  const title = textIn(q.title, lang, fallback) || q.id;
  const answered = (a: ExportedAnswer | undefined) => (a && !a[SKIPPED] ? a : undefined);
  switch (q.type) {
    case 'servqual': {
      const parts = SERVQUAL_PARTS[lang];
      return [DESIRED, ADEQUATE, PERCEIVED].map((index, i) => ({ header: `${title} — ${parts[i]}`, cell: (a) => (answered(a)?.[index] as number | null | undefined) ?? null }));
    }
    case 'single_choice':
    case 'multiple_choice': {
      const labels = new Map(q.options.map((o) => [o.id, textIn(o.label, lang, fallback) || o.id]));
      const columns: Column[] = [{
        header: title,
        cell: (a) => (answered(a)?.[CHOICES] as string[] | null | undefined)?.map((id) => (id === 'other' && q.allowOther ? OTHER[lang] : (labels.get(id) ?? id))).join(' | ') ?? null,
      }];
      if (q.allowOther) columns.push({ header: `${title} — ${OTHER[lang]}`, cell: (a) => answered(a)?.[OTHER_TEXT] ?? null });
      return columns;
    }
    case 'text':
      return [{ header: title, cell: (a) => answered(a)?.[TEXT] ?? null }];
    case 'date':
      return [{ header: title, cell: (a) => answered(a)?.[DATE] ?? null }];
    default:
      return [{ header: title, cell: (a) => answered(a)?.[SCORE] ?? null }];
  }
}

/** Questions of every version, in the newest version's order, then ones only older versions had. */
function exportedQuestions(versions: readonly SurveyDefinition[]): Question[] {
  const seen = new Map<string, Question>();
  for (const version of [...versions].reverse()) for (const q of version.questions) if (!seen.has(q.id)) seen.set(q.id, q);
  return [...seen.values()];
}

/**
 * The export's filter: the responses screen's (resolveResponseFilter: the score's question, the
 * tag as stored, real days). `from`/`to` are days of the workspace as on the screen, or instants
 * ([from, to), 400 period_reversed when reversed).
 */
export async function exportFilter(db: Executor, tenantId: string, surveyId: string, query: SurveyExportQuery): Promise<ResponseFilter> {
  const day = (v: string | undefined) => (v !== undefined && isDay(v) ? v : undefined);
  const instant = (v: string | undefined) => (v !== undefined && !isDay(v) ? new Date(v) : undefined);
  const fromInstant = instant(query.from);
  const toInstant = instant(query.to);
  if (fromInstant && toInstant && fromInstant.getTime() >= toInstant.getTime()) {
    throw new Problem(400, 'period_reversed', {}, [{ field: 'querystring.from', code: 'period_reversed', message: 'period_reversed' }]);
  }
  const filter = await resolveResponseFilter(db, tenantId, surveyId, { ...query, from: day(query.from), to: day(query.to) });
  return { ...filter, fromInstant, toInstant };
}

export async function surveyResponsesCsv(
  database: Database,
  tenantId: string,
  survey: repo.SurveyRow,
  lang: Locale,
  filter: ResponseFilter,
): Promise<Readable> {
  const { timeZone } = await workspaceSettings(database.db, tenantId);
  const published = (await repo.publishedDefinitions(database.db, tenantId, survey.id)).map((v) => v.definition);
  const versions = published.length > 0 ? published : [survey.draft as SurveyDefinition];
  const latest = versions.at(-1)!;
  const fallback = latest.settings.defaultLanguage;
  const withCustomer = versions.some((v) => !v.settings.anonymous);
  const hiddenFields = [...new Set(versions.flatMap((v) => v.settings.hiddenFields))];
  const columns = exportedQuestions(versions).map((q) => ({ id: q.id, columns: columnsOf(q, lang, fallback) }));
  const fixed = FIXED_HEADERS[lang];
  const header = [
    fixed.id, fixed.submittedAt, fixed.version, fixed.channel, fixed.language, ...(withCustomer ? [fixed.customer] : []),
    ...hiddenFields, ...columns.flatMap((q) => q.columns.map((c) => c.header)),
  ];
  const query = surveyExportQuery(tenantId, survey.id, filter, timeZone, withCustomer);
  return queryCsvStream<SurveyExportRow>(database.pool, query, header, (row) => {
    const answers = row.answers ?? {};
    const cells: CsvCell[] = [
      row.id, new Date(row.submitted_at).toISOString(), row.version, CHANNELS[lang][row.channel as SurveyChannel] ?? row.channel,
      LANGUAGES[lang][row.locale as Locale] ?? row.locale, ...(withCustomer ? [row.customer_id] : []),
      ...hiddenFields.map((f) => row.hidden?.[f] ?? null),
    ];
    for (const q of columns) for (const column of q.columns) cells.push(column.cell(answers[q.id]));
    return [cells];
  });
}
