import { eq, sql } from 'drizzle-orm';
import { ComplaintSettings, ComplaintSettingsView, type Locale } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { invalidField } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { isGiftableCoupon } from '../loyalty/index.ts';
import { surveyExists } from '../surveys/index.ts';
import { recordAudit } from '../workspace/index.ts';
import { complaintSettings } from './complaint-customer.schema.ts';

/**
 * The closed loop's defaults. Notices and the post-closure survey are on: ISO 10002 asks for the
 * acknowledgement, the decision and the closure to reach the complainant, and for their
 * satisfaction with the handling to be measured. A negative survey answer does not open a case
 * unless the workspace says so (see ComplaintSettings). No goodwill unless configured.
 */
export const DEFAULT_COMPLAINT_SETTINGS: ComplaintSettings = {
  negativeFeedbackOpensCase: false,
  notices: { acknowledged: true, resolution_communicated: true, escalated: true, closed: true },
  csat: { enabled: true, surveyId: null },
  recourse: {},
  goodwill: { onFiling: null, onResolution: null },
};

/** What a customer who rejects the resolution can do next, unless the workspace words it itself. */
export const DEFAULT_RECOURSE: Record<Locale, string> = {
  fa: 'اگر پاسخ ما را نمی‌پذیرید، می‌توانید بخواهید یکی از مدیران ما شکایت شما را دوباره بررسی کند؛ کافی است دلیلتان را در همین صفحه بنویسید. اگر باز هم راضی نبودید، می‌توانید شکایت خود را به مرجع مستقل رسیدگی به شکایات مصرف‌کنندگان (مانند سازمان حمایت از مصرف‌کنندگان) ببرید.',
  ar: 'إن لم تقبل ردّنا، يمكنك أن تطلب أن يراجع أحد مديرينا شكواك من جديد؛ يكفي أن تكتب سببك في هذه الصفحة. وإن بقيت غير راضٍ، يمكنك رفع شكواك إلى جهة مستقلة لحماية المستهلك أو إلى أمين المظالم المختص.',
  en: 'If you do not accept our answer, you can ask for a manager to review your complaint again: write your reasons on this page. If you are still not satisfied, you can take your complaint to an independent body, such as the consumer protection authority or the ombudsman for our sector.',
};

export interface StoredComplaintSettings {
  settings: ComplaintSettings;
  defaultCsatSurveyId: string | null;
  noticeTemplates: Record<string, string>;
}

/** Stored settings over the defaults, key by key, so a setting added later has its default for old rows. */
export async function complaintSettingsOf(db: Executor, tenantId: string, options: { lock?: boolean } = {}): Promise<StoredComplaintSettings> {
  const query = db.select().from(complaintSettings).where(eq(complaintSettings.tenantId, tenantId));
  const [row] = options.lock ? await query.for('update') : await query;
  const stored = (row?.settings ?? {}) as Partial<ComplaintSettings>;
  const d = DEFAULT_COMPLAINT_SETTINGS;
  return {
    settings: {
      negativeFeedbackOpensCase: stored.negativeFeedbackOpensCase ?? d.negativeFeedbackOpensCase,
      notices: { ...d.notices, ...stored.notices },
      csat: { ...d.csat, ...stored.csat },
      recourse: { ...stored.recourse },
      goodwill: { ...d.goodwill, ...stored.goodwill },
    },
    defaultCsatSurveyId: row?.defaultCsatSurveyId ?? null,
    noticeTemplates: (row?.noticeTemplates ?? {}) as Record<string, string>,
  };
}

/** Makes the row if missing and locks it: first-use creations (templates, the survey) happen once. */
export async function lockComplaintSettings(tx: Executor, tenantId: string): Promise<StoredComplaintSettings> {
  await tx.insert(complaintSettings).values({ tenantId }).onConflictDoNothing();
  return complaintSettingsOf(tx, tenantId, { lock: true });
}

export async function rememberDefaults(tx: Executor, tenantId: string, patch: { defaultCsatSurveyId?: string; noticeTemplates?: Record<string, string> }): Promise<void> {
  await tx.update(complaintSettings).set({
    ...(patch.defaultCsatSurveyId ? { defaultCsatSurveyId: patch.defaultCsatSurveyId } : {}),
    ...(patch.noticeTemplates ? { noticeTemplates: sql`${complaintSettings.noticeTemplates} || ${JSON.stringify(patch.noticeTemplates)}::jsonb` } : {}),
    updatedAt: new Date(),
  }).where(eq(complaintSettings.tenantId, tenantId));
}

/** The recourse words in `language`: the workspace's own, else the default. */
export function recourseText(settings: ComplaintSettings, language: Locale): string {
  return settings.recourse[language] ?? DEFAULT_RECOURSE[language];
}

function present(stored: StoredComplaintSettings): ComplaintSettingsView {
  return { ...stored.settings, defaultRecourse: DEFAULT_RECOURSE, noticeTemplates: stored.noticeTemplates };
}

export async function saveComplaintSettings(tx: Executor, tenantId: string, actor: Actor, input: ComplaintSettings, ip: string): Promise<ComplaintSettingsView> {
  if (input.csat.surveyId && !(await surveyExists(tx, tenantId, input.csat.surveyId))) throw invalidField('csat.surveyId', 'unknown_survey');
  // A coupon gesture names the discount-coupon reward whose code the customer gets (loyalty gives it, never points).
  for (const occasion of ['onFiling', 'onResolution'] as const) {
    const gesture = input.goodwill[occasion];
    if (gesture?.kind !== 'coupon') continue;
    if (!gesture.rewardId) throw invalidField(`goodwill.${occasion}.rewardId`, 'goodwill_coupon_reward_required');
    if (!(await isGiftableCoupon(tx, tenantId, gesture.rewardId))) throw invalidField(`goodwill.${occasion}.rewardId`, 'reward_not_coupon');
  }
  await lockComplaintSettings(tx, tenantId);
  await tx.update(complaintSettings).set({ settings: input, updatedAt: new Date() }).where(eq(complaintSettings.tenantId, tenantId));
  await recordAudit(tx, tenantId, actor, { action: 'complaint_settings.updated', targetType: 'workspace', targetId: tenantId, ip });
  return present(await complaintSettingsOf(tx, tenantId));
}

export function registerComplaintSettingsRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/complaint-settings', {
    config: { access: 'complaints:read' },
    schema: {
      tags: ['complaints'],
      summary: 'The closed-loop settings of complaints',
      description: 'Notices to the complainant, the post-closure satisfaction survey, whether negative survey feedback opens a case, the recourse text after a rejected resolution, goodwill gestures; with the default recourse wording and the notice templates in use.',
      response: { 200: ComplaintSettingsView },
    },
  }, async (req) => present(await complaintSettingsOf(db, req.tenantId)));

  app.put('/api/complaint-settings', {
    config: { access: 'complaints:manage' },
    schema: {
      tags: ['complaints'],
      summary: 'Change the closed-loop settings of complaints',
      operationId: 'saveComplaintSettings',
      description: 'Replaces the settings. `csat.surveyId` must be a survey of the workspace (422 `unknown_survey`); null uses a one-question survey made on first use. A coupon goodwill gesture must name a discount-coupon reward not archived (422 `goodwill_coupon_reward_required`, `reward_not_coupon`): the customer gets one of its codes. Recorded in the audit log.',
      problems: [422],
      body: ComplaintSettings,
      response: { 200: ComplaintSettingsView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await saveComplaintSettings(tx, req.tenantId, req.actor!, req.body, req.ip) }));
    return sendWrite(reply, result);
  });
}
