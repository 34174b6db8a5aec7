import type { AnswerValue, Locale, SurveyChannel } from '@vafa/contracts';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { saveResponse } from './response.service.ts';
import * as repo from './survey.repo.ts';
import { createSurvey, publishSurvey } from './survey.service.ts';

/**
 * The demo workspace's surveys: a live NPS survey and a post-purchase CSAT survey, published
 * before the period the answers cover, and answers spread over the last 90 days through the
 * same saveResponse every channel uses (so rollups, timelines and events are real). Scores
 * improve a little over the period, as they would after a shop fixed its slow deliveries.
 * Deterministic for a given seed, like the rest of the demo data.
 */

export interface DemoSurveyCustomer {
  id: string;
  language: Locale;
}

export interface DemoSurveysOptions {
  customers: readonly DemoSurveyCustomer[];
  /** responses to create over the last 90 days, about 60 % NPS and 40 % CSAT */
  responses: number;
  now: Date;
  seed: number;
}

const DAY_MS = 86_400_000;
const PERIOD_DAYS = 90;

/** mulberry32: small, seedable, good enough for demo data */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T>(next: () => number, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let r = next() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}

const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)]!;

const WENT_WRONG: Record<Locale, string[]> = {
  fa: [
    'ارسال سفارش یک هفته طول کشید و کسی هم خبر نداد.',
    'بسته‌بندی آسیب دیده بود و یکی از اقلام شکسته بود.',
    'پشتیبانی تلفنی جواب نداد، سه بار زنگ زدم.',
    'کالایی که رسید با عکس سایت فرق داشت.',
    'مرجوع کردن کالا خیلی دردسر داشت.',
    'کد تخفیف موقع پرداخت کار نکرد.',
    'قیمت‌ها نسبت به ماه قبل خیلی بالا رفته.',
  ],
  ar: ['تأخر التوصيل أسبوعًا دون أي إشعار.', 'وصل الطلب والتغليف تالف.', 'لم يرد أحد على خدمة العملاء.'],
  en: ['Delivery took a week with no updates.', 'The parcel arrived damaged.', 'Nobody answered the support line.'],
};

const LIKED: Record<Locale, string[]> = {
  fa: [
    'ارسال سریع بود، همان روز بعد رسید.',
    'برخورد پشتیبانی خیلی محترمانه بود.',
    'کیفیت جنس عالی بود، دقیقاً مثل عکس.',
    'بسته‌بندی تمیز و مرتب بود.',
    'قیمت‌ها منصفانه است و تخفیف‌ها واقعی.',
    'راحت مرجوع کردم و پولم زود برگشت.',
  ],
  ar: ['التوصيل كان سريعًا جدًا.', 'خدمة العملاء كانت لطيفة ومتعاونة.', 'جودة المنتج ممتازة.'],
  en: ['Fast delivery, it came the next day.', 'Friendly, helpful support.', 'Great quality, exactly as pictured.'],
};

const PURCHASE_COMMENTS: Record<Locale, string[]> = {
  fa: [
    'ای کاش زمان ارسال دقیق‌تر اعلام می‌شد.',
    'جدول سایز دقیق‌تری لازم دارد.',
    'همه چیز خوب بود، ممنون.',
    'کاش هزینه‌ی ارسال کمتر بود.',
    'فاکتور داخل بسته نبود.',
  ],
  ar: ['كل شيء كان جيدًا، شكرًا.', 'أتمنى أن تكون رسوم الشحن أقل.'],
  en: ['All good, thanks.', 'I wish shipping were cheaper.'],
};

const NPS_CHANNELS = [['email', 35], ['sms', 30], ['link', 15], ['widget', 15], ['kiosk', 5]] as const;
const CSAT_CHANNELS = [['email', 45], ['sms', 40], ['kiosk', 15]] as const;

/** 0–10 weights early in the period; promoters gain and detractors shrink as `progress` goes 0 → 1. */
function npsScore(next: () => number, progress: number): number {
  const base = [2, 1, 2, 2, 3, 4, 6, 10, 14, 22, 20];
  return weighted(next, base.map((w, score) => [score, score <= 6 ? w * (1 - 0.4 * progress) : score >= 9 ? w * (1 + 0.4 * progress) : w] as const));
}

function csatScore(next: () => number, progress: number): number {
  return weighted(next, [[1, 6 * (1 - 0.3 * progress)], [2, 8], [3, 16], [4, 38], [5, 32 * (1 + 0.3 * progress)]] as const);
}

interface PlannedResponse {
  survey: 'nps' | 'csat';
  at: Date;
  channel: SurveyChannel;
  customer: DemoSurveyCustomer | undefined;
  answers: Record<string, AnswerValue>;
  hidden: Record<string, string>;
}

function plan(options: DemoSurveysOptions): PlannedResponse[] {
  const next = random(options.seed);
  const start = options.now.getTime() - PERIOD_DAYS * DAY_MS;
  const planned: PlannedResponse[] = [];
  for (let i = 0; i < options.responses; i++) {
    // spread over the period, in the shop's waking hours (05:00–20:00 UTC is 08:30–23:30 in Tehran)
    const day = Math.floor(next() * PERIOD_DAYS);
    const at = new Date(start + day * DAY_MS + (5 + next() * 15) * 3_600_000);
    if (at.getTime() > options.now.getTime()) at.setTime(options.now.getTime() - 3_600_000);
    const progress = (at.getTime() - start) / (PERIOD_DAYS * DAY_MS);
    const survey = next() < 0.6 ? 'nps' : 'csat';
    const channel: SurveyChannel = weighted(next, survey === 'nps' ? NPS_CHANNELS : CSAT_CHANNELS);
    // a visitor answering on the website is often not signed in
    const known = options.customers.length > 0 && !((channel === 'widget' || channel === 'link') && next() < 0.5);
    const customer = known ? pick(next, options.customers) : undefined;
    const language = customer?.language ?? 'fa';
    const answers: Record<string, AnswerValue> = {};
    const hidden: Record<string, string> = {};
    if (survey === 'nps') {
      const score = npsScore(next, progress);
      answers.nps = { score };
      if (score <= 6 && next() < 0.65) answers.went_wrong = { text: pick(next, WENT_WRONG[language]) };
      if (score >= 9 && next() < 0.5) answers.liked = { text: pick(next, LIKED[language]) };
    } else {
      answers.csat = { score: csatScore(next, progress) };
      if (next() < 0.35) answers.comment = { text: pick(next, PURCHASE_COMMENTS[language]) };
      hidden.order = `DM-${10_000 + Math.floor(next() * 90_000)}`;
    }
    planned.push({ survey, at, channel, customer, answers, hidden });
  }
  return planned.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** Publishes a template's survey as of `publishedAt`, so answers from the whole period fall after it. */
async function demoSurvey(tx: Executor, tenantId: string, template: 'nps' | 'csat_purchase', publishedAt: Date): Promise<string> {
  const system = { kind: 'system' as const, id: 'demo' };
  const created = await createSurvey(tx, tenantId, system, { template, languages: ['fa', 'ar', 'en'] });
  await publishSurvey(tx, tenantId, system, created.id);
  await repo.backdateSurvey(tx, tenantId, created.id, publishedAt);
  return created.id;
}

/**
 * Creates the demo surveys and `options.responses` answers (fewer when a survey refuses one,
 * which it should not). Returns the surveys' ids and how many answers were saved.
 */
export async function seedDemoSurveys(database: Database, tenantId: string, options: DemoSurveysOptions): Promise<{ surveyIds: { nps: string; csat: string }; responses: number }> {
  const publishedAt = new Date(options.now.getTime() - (PERIOD_DAYS + 5) * DAY_MS);
  const surveyIds = await database.db.transaction(async (tx) => ({
    nps: await demoSurvey(tx, tenantId, 'nps', publishedAt),
    csat: await demoSurvey(tx, tenantId, 'csat_purchase', publishedAt),
  }));
  const planned = plan(options);
  let saved = 0;
  // Batches keep a transaction short without paying a commit per answer.
  for (let i = 0; i < planned.length; i += 25) {
    const batch = planned.slice(i, i + 25);
    // A refused batch is skipped rather than ending the seeding: the demo is still usable.
    await database.db.transaction(async (tx) => {
      for (const r of batch) {
        await saveResponse(tx, {
          tenantId,
          surveyId: r.survey === 'nps' ? surveyIds.nps : surveyIds.csat,
          channel: r.channel,
          locale: r.customer?.language ?? 'fa',
          answers: r.answers,
          hidden: r.hidden,
          complete: true,
          submittedAt: r.at,
          ...(r.customer ? { customerId: r.customer.id } : {}),
        });
      }
    }).then(() => { saved += batch.length; }, () => undefined);
  }
  return { surveyIds, responses: saved };
}
