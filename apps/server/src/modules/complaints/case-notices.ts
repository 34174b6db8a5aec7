import { sql } from 'drizzle-orm';
import type { ComplaintNoticeKind, ComplaintSettings, Locale, TemplateContent } from '@vafa/contracts';
import { publicBaseUrl } from '../../platform/config.ts';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { PollingLoop } from '../../platform/jobs/polling-loop.ts';
import type { Secrets } from '../../platform/messaging/sealed.ts';
import type { BackgroundWorker, ModuleDeps } from '../../platform/module.ts';
import { createNoticeTemplate, noticeTemplateContent, queueNotice } from '../engagement/index.ts';
import { caseLinkToken, caseTrackingLink, workspaceSlug } from './case-link.ts';
import { DEFAULT_CSAT_TEMPLATE } from './case-csat.words.ts';
import { caseStatusWords } from './case-status.words.ts';
import { complaintNotices } from './complaint-customer.schema.ts';
import { complaintSettingsOf, lockComplaintSettings, recourseText, rememberDefaults, type StoredComplaintSettings } from './complaint-settings.ts';
import * as repo from './complaint.repo.ts';
import type { ComplaintState } from './sla-clock.ts';
import { formatTrackingCodeFor, type TrackingCode } from './tracking-code.ts';

// Notices to the complainant on acknowledgement, each decision and closure (ISO 10002: receipt
// acknowledged at once, the decision communicated, the closure recorded). The subscriber decides a
// notice from the case's transition; a worker loop, which holds the instance key and the public
// address, writes it through engagement's templates into the message outbox with the tracking link
// sealed. Each notice's wording is an ordinary engagement template, made on first use.

/** The transition's target state that each notice tells of. */
export const NOTICE_FOR_STATE: Partial<Record<ComplaintState, ComplaintNoticeKind>> = {
  acknowledged: 'acknowledged',
  resolution_communicated: 'resolution_communicated',
  escalated: 'escalated',
  closed: 'closed',
};

const greeting = { fa: '{name}،', ar: '{name}،', en: 'Dear {name},' };

export const DEFAULT_NOTICE_TEMPLATES: Record<ComplaintNoticeKind, { name: string; content: TemplateContent }> = {
  acknowledged: {
    name: 'Complaint acknowledged · دریافت شکایت · استلام الشكوى',
    content: {
      fa: {
        subject: 'شکایت شما دریافت شد (کد پیگیری {trackingCode})',
        text: `${greeting.fa}\n\nشکایت شما به دست ما رسید و به آن رسیدگی می‌کنیم. کد پیگیری شما {trackingCode} است.\n\nمی‌توانید روند رسیدگی را ببینید و اطلاعات بیشتری بیفزایید: {trackingLink}\n\n{workspaceName}`,
        sms: '{workspaceName}: شکایت شما دریافت شد. کد پیگیری {trackingCode}. پیگیری: {trackingLink}',
      },
      ar: {
        subject: 'استلمنا شكواك (رمز المتابعة {trackingCode})',
        text: `${greeting.ar}\n\nوصلتنا شكواك وسنعمل على معالجتها. رمز المتابعة الخاص بك هو {trackingCode}.\n\nيمكنك متابعة شكواك وإضافة معلومات إليها من هنا: {trackingLink}\n\n{workspaceName}`,
        sms: '{workspaceName}: استلمنا شكواك. رمز المتابعة {trackingCode}. المتابعة: {trackingLink}',
      },
      en: {
        subject: 'We have received your complaint (tracking code {trackingCode})',
        text: `${greeting.en}\n\nYour complaint has reached us and we are looking into it. Your tracking code is {trackingCode}.\n\nYou can follow it and add information here: {trackingLink}\n\n{workspaceName}`,
        sms: '{workspaceName}: we have received your complaint. Tracking code {trackingCode}. Follow it: {trackingLink}',
      },
    },
  },
  resolution_communicated: {
    name: 'Complaint answered · پاسخ شکایت · الرد على الشكوى',
    content: {
      fa: {
        subject: 'پاسخ ما به شکایت شما (کد پیگیری {trackingCode})',
        text: `${greeting.fa}\n\nپاسخ ما به شکایت شما:\n\n{resolutionSummary}\n\nلطفاً در این صفحه بگویید آن را می‌پذیرید یا نه: {trackingLink}\n\n{workspaceName}`,
        sms: '{workspaceName}: به شکایت {trackingCode} پاسخ دادیم. پاسخ را ببینید و بگویید می‌پذیرید یا نه: {trackingLink}',
      },
      ar: {
        subject: 'ردّنا على شكواك (رمز المتابعة {trackingCode})',
        text: `${greeting.ar}\n\nهذا ردّنا على شكواك:\n\n{resolutionSummary}\n\nيُرجى إعلامنا بقبولك له أو رفضك من هذه الصفحة: {trackingLink}\n\n{workspaceName}`,
        sms: '{workspaceName}: رددنا على شكواك {trackingCode}. اطّلع على الرد وأخبرنا إن كنت تقبله: {trackingLink}',
      },
      en: {
        subject: 'Our answer to your complaint (tracking code {trackingCode})',
        text: `${greeting.en}\n\nThis is our answer to your complaint:\n\n{resolutionSummary}\n\nPlease tell us on this page whether you accept it: {trackingLink}\n\n{workspaceName}`,
        sms: '{workspaceName}: we have answered your complaint {trackingCode}. Read it and tell us if you accept: {trackingLink}',
      },
    },
  },
  escalated: {
    name: 'Complaint escalated · ارجاع شکایت · إحالة الشكوى',
    content: {
      fa: {
        subject: 'شکایت شما به مسئول بالاتر ارجاع شد (کد پیگیری {trackingCode})',
        text: `${greeting.fa}\n\n{caseStatus}\n\nپیگیری: {trackingLink}\n\n{workspaceName}`,
        sms: '{workspaceName}: شکایت {trackingCode} اکنون نزد یکی از مسئولان ارشد ماست. پیگیری: {trackingLink}',
      },
      ar: {
        subject: 'أُحيلت شكواك إلى مسؤول أعلى (رمز المتابعة {trackingCode})',
        text: `${greeting.ar}\n\n{caseStatus}\n\nالمتابعة: {trackingLink}\n\n{workspaceName}`,
        sms: '{workspaceName}: شكواك {trackingCode} الآن لدى أحد كبار المسؤولين. المتابعة: {trackingLink}',
      },
      en: {
        subject: 'Your complaint is with a senior colleague (tracking code {trackingCode})',
        text: `${greeting.en}\n\n{caseStatus}\n\nFollow it here: {trackingLink}\n\n{workspaceName}`,
        sms: '{workspaceName}: your complaint {trackingCode} is now with a senior colleague. Follow it: {trackingLink}',
      },
    },
  },
  closed: {
    name: 'Complaint closed · بسته شدن شکایت · إغلاق الشكوى',
    content: {
      fa: {
        subject: 'پرونده شکایت شما بسته شد (کد پیگیری {trackingCode})',
        text: `${greeting.fa}\n\n{caseStatus}\n\nپرونده همچنان در این نشانی در دسترس است: {trackingLink}\n\n{workspaceName}`,
        sms: '{workspaceName}: رسیدگی به شکایت {trackingCode} به پایان رسید و پرونده بسته شد. سپاس از شما.',
      },
      ar: {
        subject: 'أُغلقت شكواك (رمز المتابعة {trackingCode})',
        text: `${greeting.ar}\n\n{caseStatus}\n\nيبقى ملف الشكوى متاحًا هنا: {trackingLink}\n\n{workspaceName}`,
        sms: '{workspaceName}: انتهت معالجة شكواك {trackingCode} وأُغلقت. شكرًا لك.',
      },
      en: {
        subject: 'Your complaint is closed (tracking code {trackingCode})',
        text: `${greeting.en}\n\n{caseStatus}\n\nThe case stays available here: {trackingLink}\n\n{workspaceName}`,
        sms: '{workspaceName}: we have finished handling your complaint {trackingCode} and closed it. Thank you.',
      },
    },
  },
};

/**
 * A staff reply (case-replies.ts) is a notice too, decided in the reply's own transaction rather
 * than by a transition: its row's source is the reply's log line, whose text the message carries.
 * Always sent: the workspace switches notices about steps on or off, but a reply is the answer itself.
 * The satisfaction question to an anonymous case's contact (`csat`, case-csat-contact.ts) is one too.
 */
export type CaseMessageKind = ComplaintNoticeKind | 'reply' | 'csat';

export const DEFAULT_REPLY_TEMPLATE: { name: string; content: TemplateContent } = {
  name: 'Complaint reply · پاسخ کارشناس به شکایت · رد على الشكوى',
  content: {
    fa: {
      subject: 'پاسخ به شکایت شما (کد پیگیری {trackingCode})',
      text: `${greeting.fa}\n\n{reply}\n\nبرای پاسخ یا دیدن روند رسیدگی: {trackingLink}\n\n{workspaceName}`,
      sms: '{workspaceName}: درباره شکایت {trackingCode} برایتان پیام گذاشتیم. آن را اینجا بخوانید: {trackingLink}',
    },
    ar: {
      subject: 'ردّ على شكواك (رمز المتابعة {trackingCode})',
      text: `${greeting.ar}\n\n{reply}\n\nللرد أو لمتابعة شكواك: {trackingLink}\n\n{workspaceName}`,
      sms: '{workspaceName}: تركنا لك رسالة بشأن شكواك {trackingCode}. اقرأها هنا: {trackingLink}',
    },
    en: {
      subject: 'About your complaint (tracking code {trackingCode})',
      text: `${greeting.en}\n\n{reply}\n\nTo answer or to follow your complaint: {trackingLink}\n\n{workspaceName}`,
      sms: '{workspaceName}: we have left you a message about your complaint {trackingCode}. Read it here: {trackingLink}',
    },
  },
};

/** Decides the notice a transition calls for (once per transition, whatever redelivers the event). */
export async function decideNotice(tx: Executor, tenantId: string, caseId: string, to: ComplaintState, sourceEventId: number): Promise<boolean> {
  const kind = NOTICE_FOR_STATE[to];
  if (!kind) return false;
  const { settings } = await complaintSettingsOf(tx, tenantId);
  if (!settings.notices[kind]) return false;
  const inserted = await tx.insert(complaintNotices).values({ tenantId, caseId, sourceEventId, kind }).onConflictDoNothing().returning({ kind: complaintNotices.kind });
  return inserted.length > 0;
}

/**
 * decideNotice for many transitions of one workspace at once, with its settings read by the caller:
 * one insert for all of them (a notice per transition, whatever redelivers the event).
 */
export async function decideNotices(tx: Executor, tenantId: string, settings: ComplaintSettings, transitions: { caseId: string; to: ComplaintState; sourceEventId: number }[]): Promise<void> {
  const rows = transitions.flatMap(({ caseId, to, sourceEventId }) => {
    const kind = NOTICE_FOR_STATE[to];
    return kind && settings.notices[kind] ? [{ tenantId, caseId, sourceEventId, kind }] : [];
  });
  if (rows.length > 0) await tx.insert(complaintNotices).values(rows).onConflictDoNothing();
}

/** The workspace's template for a notice, made from the default on first use (or again if it was deleted). */
async function noticeContent(tx: Executor, tenantId: string, kind: CaseMessageKind, batch: BatchReads): Promise<TemplateContent> {
  const known = (await batch.settings(tx, tenantId)).noticeTemplates[kind];
  const content = known ? await batch.template(tx, tenantId, known) : undefined;
  if (content) return content;
  const locked = await lockComplaintSettings(tx, tenantId);
  const again = locked.noticeTemplates[kind];
  const existing = again && again !== known ? await noticeTemplateContent(tx, tenantId, again) : undefined;
  if (existing) return existing;
  const fallback = kind === 'reply' ? DEFAULT_REPLY_TEMPLATE : kind === 'csat' ? DEFAULT_CSAT_TEMPLATE : DEFAULT_NOTICE_TEMPLATES[kind];
  const id = await createNoticeTemplate(tx, tenantId, fallback.name, fallback.content);
  await rememberDefaults(tx, tenantId, { noticeTemplates: { [kind]: id } });
  return fallback.content;
}

export interface NoticeIssuer {
  database: Database;
  secrets: Secrets;
  /** no trailing slash */
  publicUrl: string;
}

interface PendingNotice extends Record<string, unknown> {
  tenant_id: string;
  case_id: string;
  source_event_id: string;
  kind: CaseMessageKind;
}

/** Writes one pending notice's message (or says why none can go). */
interface NoticeResult {
  status: 'queued' | 'skipped';
  reason?: string;
  messageId?: string;
  channel?: string;
}

/**
 * Which of an anonymous complainant's addresses a notice goes to when they left both. E-mail,
 * unless they complained by SMS or by phone: a mail carries the whole reply or question and costs
 * the workspace nothing, and someone who chose to write in a web form or a mail reads mail; someone
 * who texted or called is reached where they are.
 */
export function anonymousNoticeChannel(channel: string): 'email' | 'sms' {
  return channel === 'sms' || channel === 'phone' ? 'sms' : 'email';
}

/**
 * What a batch of notices reads per workspace rather than per notice, in its transaction: the slug
 * (never changes), the settings and the templates as found (a template made on first use is not
 * remembered: the savepoint that made it may roll back; the next notice finds it under the lock).
 */
class BatchReads {
  private readonly slugs = new Map<string, string | undefined>();
  private readonly stored = new Map<string, StoredComplaintSettings>();
  private readonly templates = new Map<string, TemplateContent>();

  async slug(tx: Executor, tenantId: string): Promise<string | undefined> {
    if (!this.slugs.has(tenantId)) this.slugs.set(tenantId, await workspaceSlug(tx, tenantId));
    return this.slugs.get(tenantId);
  }

  async settings(tx: Executor, tenantId: string): Promise<StoredComplaintSettings> {
    let hit = this.stored.get(tenantId);
    if (!hit) this.stored.set(tenantId, (hit = await complaintSettingsOf(tx, tenantId)));
    return hit;
  }

  async template(tx: Executor, tenantId: string, templateId: string): Promise<TemplateContent | undefined> {
    const key = `${tenantId}/${templateId}`;
    let hit = this.templates.get(key);
    if (!hit) {
      hit = await noticeTemplateContent(tx, tenantId, templateId);
      if (hit) this.templates.set(key, hit);
    }
    return hit;
  }
}

async function issueNotice(tx: Executor, issuer: NoticeIssuer, notice: PendingNotice, now: Date, batch: BatchReads): Promise<NoticeResult> {
  const tenantId = notice.tenant_id;
  const row = await repo.findCase(tx, tenantId, notice.case_id);
  const slug = await batch.slug(tx, tenantId);
  if (!row || !slug) return { status: 'skipped', reason: 'case_missing' };
  const { settings } = await batch.settings(tx, tenantId);
  const to = row.customerId
    ? { customerId: row.customerId }
    : { contact: { name: row.contactName, email: row.contactEmail, phone: row.contactPhone }, prefer: anonymousNoticeChannel(row.channel) };
  // A reply's message is its log line's text; a step's notice says the state it tells of.
  const reply = notice.kind === 'reply' ? await repo.caseEventNote(tx, tenantId, row.id, Number(notice.source_event_id)) : null;
  const stateOfNotice = notice.kind === 'reply' || notice.kind === 'csat'
    ? row.state as ComplaintState
    : (Object.entries(NOTICE_FOR_STATE).find(([, kind]) => kind === notice.kind)![0]) as ComplaintState;
  const token = caseLinkToken(issuer.secrets, tenantId, row.id);
  const link = (language: Locale) => caseTrackingLink(issuer.publicUrl, slug, row.trackingCode, token, language);
  const outcome = await queueNotice(tx, tenantId, {
    to,
    language: row.language,
    content: await noticeContent(tx, tenantId, notice.kind, batch),
    variables: (language: Locale) => {
      const words = caseStatusWords(stateOfNotice, language);
      return {
        trackingCode: formatTrackingCodeFor(row.trackingCode as TrackingCode, language),
        caseStatus: `${words.title}: ${words.detail}`,
        resolutionSummary: row.resolutionSummary ?? '',
        reply: reply ?? '',
        recourse: recourseText(settings, language),
      };
    },
    sealedLink: { secrets: issuer.secrets, url: link, variable: 'trackingLink' },
    // The acknowledgement answers the complainant's own act (ISO 10002: at once); later notices wait out quiet hours.
    respectQuietHours: notice.kind !== 'acknowledged',
    origin: { caseId: row.id, notice: notice.kind, sourceEventId: Number(notice.source_event_id) },
    now,
  });
  return outcome.status === 'queued' ? { status: 'queued', messageId: outcome.messageId, channel: outcome.channel } : { status: 'skipped', reason: outcome.reason };
}

/** One batch of pending notices written into the outbox; returns how many were claimed. */
export async function issuePendingNotices(issuer: NoticeIssuer, now = new Date(), limit = 100): Promise<number> {
  return issuer.database.db.transaction(async (tx) => {
    const claimed = await tx.execute<PendingNotice>(sql`
      SELECT tenant_id, case_id, source_event_id, kind FROM complaint_notices
      WHERE status = 'pending' ORDER BY created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`);
    const batch = new BatchReads();
    const outcomes: { notice: PendingNotice; result: NoticeResult }[] = [];
    for (const notice of claimed.rows) {
      // A notice that cannot be written (a template edited into something unrenderable) is set aside, not retried forever.
      const result: NoticeResult = await tx.transaction((savepoint) => issueNotice(savepoint, issuer, notice, now, batch))
        .catch((err: unknown): NoticeResult => ({ status: 'skipped' as const, reason: `failed: ${err instanceof Error ? err.message.slice(0, 200) : 'unknown'}` }));
      outcomes.push({ notice, result });
    }
    // Every outcome in one statement (the rows are locked by the claim).
    if (outcomes.length > 0) {
      const column = <T>(f: (o: (typeof outcomes)[number]) => T) => sql.param(outcomes.map(f));
      await tx.execute(sql`
        UPDATE complaint_notices n SET status = o.status, reason = o.reason, message_id = o.message_id, channel = o.channel, issued_at = ${now.toISOString()}::timestamptz
        FROM unnest(${column((o) => o.notice.tenant_id)}::uuid[], ${column((o) => o.notice.case_id)}::uuid[], ${column((o) => String(o.notice.source_event_id))}::bigint[],
                    ${column((o) => o.notice.kind)}::text[], ${column((o) => o.result.status)}::text[], ${column((o) => o.result.reason ?? null)}::text[],
                    ${column((o) => o.result.messageId ?? null)}::uuid[], ${column((o) => o.result.channel ?? null)}::text[])
             AS o(tenant_id, case_id, source_event_id, kind, status, reason, message_id, channel)
        WHERE n.tenant_id = o.tenant_id AND n.case_id = o.case_id AND n.source_event_id = o.source_event_id AND n.kind = o.kind`);
    }
    return claimed.rows.length;
  });
}

/** The loop of worker processes that issues decided notices within a second or so. */
export function caseNoticeWorker(deps: ModuleDeps): BackgroundWorker {
  const issuer: NoticeIssuer = { database: deps.database, secrets: deps.config, publicUrl: publicBaseUrl(deps.config) };
  const loop = new PollingLoop({
    intervalMs: 1_000,
    log: deps.log,
    failure: 'complaint notices failed; retrying',
    step: async () => (await issuePendingNotices(issuer)) > 0,
  });
  return { name: 'complaint-notices', start: async () => loop.start(), stop: () => loop.stop() };
}
