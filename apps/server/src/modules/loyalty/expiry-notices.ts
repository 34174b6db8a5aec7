import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Locale, TemplateContent } from '@vafa/contracts';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { defineJob } from '../../platform/jobs/registry.ts';
import { createNoticeTemplate, noticeTemplateContent, queueNotice } from '../engagement/index.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { localIsoDay } from './earn-rules.ts';
import { inactivityExpiringBetween } from './inactivity-expiry.ts';
import { loyaltyExpiryNotices, loyaltyPrograms } from './program.schema.ts';
import { programOf, type Program } from './program.service.ts';

// Notices before points expire: for each program with `expiryNotice`, every member whose points
// from it expire within its days hears it once per expiry day, through engagement's notices (the
// member's preferred channel with consent, their language, the workspace's quiet hours). The
// notice row is written first and is the claim, so two runs never write to one member twice.

const DAY_MS = 86_400_000;

export const DEFAULT_EXPIRY_NOTICE: { name: string; content: TemplateContent } = {
  name: 'Points expiring · انقضای امتیاز · انتهاء صلاحية النقاط',
  content: {
    fa: {
      subject: '{points} امتیاز شما در {programName} منقضی می‌شود',
      text: '{name} عزیز،\n\n{points} امتیاز شما در {programName} تا پایان {expiresOn} اعتبار دارد. پیش از آن از آن‌ها استفاده کنید.\n\n{workspaceName}',
      sms: '{workspaceName}: {points} امتیاز شما در {programName} تا پایان {expiresOn} اعتبار دارد.',
    },
    ar: {
      subject: 'تنتهي صلاحية {points} من نقاطك في {programName}',
      text: 'عزيزنا {name}،\n\nنقاطك البالغة {points} في {programName} صالحة حتى نهاية {expiresOn}. استخدمها قبل ذلك.\n\n{workspaceName}',
      sms: '{workspaceName}: نقاطك البالغة {points} في {programName} صالحة حتى نهاية {expiresOn}.',
    },
    en: {
      subject: '{points} of your {programName} points are about to expire',
      text: 'Dear {name},\n\n{points} of your points in {programName} are valid until the end of {expiresOn}. Use them before then.\n\n{workspaceName}',
      sms: '{workspaceName}: {points} of your {programName} points are valid until the end of {expiresOn}.',
    },
  },
};

const TAGS: Record<Locale, (calendar: string) => string> = {
  fa: () => 'fa-IR-u-ca-persian-nu-arabext',
  ar: (calendar) => `ar-u-ca-${calendar === 'gregory' ? 'gregory' : 'islamic-umalqura'}-nu-arab`,
  en: () => 'en-GB-u-ca-gregory-nu-latn',
};

/** The program's notice template, made from the default on first use (or again if it was deleted). */
async function noticeContent(tx: Executor, tenantId: string, programId: string): Promise<TemplateContent> {
  const [row] = await tx.select({ templateId: loyaltyPrograms.noticeTemplateId }).from(loyaltyPrograms)
    .where(and(eq(loyaltyPrograms.tenantId, tenantId), eq(loyaltyPrograms.id, programId))).for('update');
  const content = row?.templateId ? await noticeTemplateContent(tx, tenantId, row.templateId) : undefined;
  if (content) return content;
  const id = await createNoticeTemplate(tx, tenantId, DEFAULT_EXPIRY_NOTICE.name, DEFAULT_EXPIRY_NOTICE.content);
  await tx.update(loyaltyPrograms).set({ noticeTemplateId: id }).where(and(eq(loyaltyPrograms.tenantId, tenantId), eq(loyaltyPrograms.id, programId)));
  return DEFAULT_EXPIRY_NOTICE.content;
}

export interface NoticeRun {
  queued: number;
  skipped: number;
}

/** One program's notices due now: points from it that expire within its notice days and have not been announced. */
export async function sendExpiryNotices(tx: Executor, tenantId: string, program: Program, now: Date): Promise<NoticeRun> {
  const run: NoticeRun = { queued: 0, skipped: 0 };
  const notice = program.settings.expiryNotice;
  if (!notice || program.status !== 'active') return run;
  const horizon = new Date(now.getTime() + notice.daysBefore * DAY_MS);
  // After inactivity, lots carry no expiry of their own: the member's last earn or spend plus the
  // program's days is when they go (inactivity-expiry.ts, the job's own rule).
  const rows = program.settings.expiry.kind === 'inactivity' ? await inactivityExpiringBetween(tx, tenantId, program, now, horizon) : (await tx.execute<{ customer_id: string; expires_at: string; points: string }>(sql`
    SELECT l.customer_id, l.expires_at, sum(l.remaining) AS points FROM loyalty_lots l
    JOIN loyalty_awards a ON a.tenant_id = l.tenant_id AND a.entry_id = l.entry_id AND a.program_id = ${program.id}
    WHERE l.tenant_id = ${tenantId} AND l.remaining > 0 AND l.expires_at > ${now.toISOString()}::timestamptz AND l.expires_at <= ${horizon.toISOString()}::timestamptz
    GROUP BY l.customer_id, l.expires_at ORDER BY l.customer_id, l.expires_at`)).rows;
  if (rows.length === 0) return run;
  const settings = await workspaceSettings(tx, tenantId);
  // One notice per member and the local day the points are last usable on.
  const due = new Map<string, { customerId: string; day: string; lastUsable: Date; points: number }>();
  for (const r of rows) {
    const lastUsable = new Date(new Date(r.expires_at).getTime() - 1);
    const day = localIsoDay(lastUsable, settings.timeZone);
    const key = `${r.customer_id}|${day}`;
    const known = due.get(key);
    if (known) known.points += Number(r.points);
    else due.set(key, { customerId: r.customer_id, day, lastUsable, points: Number(r.points) });
  }
  let content: TemplateContent | undefined;
  for (const item of due.values()) {
    const claimed = await tx.insert(loyaltyExpiryNotices).values({
      tenantId, programId: program.id, customerId: item.customerId, expiryDay: item.day, points: item.points, status: 'queued', createdAt: now,
    }).onConflictDoNothing().returning({ customerId: loyaltyExpiryNotices.customerId });
    if (claimed.length === 0) continue;
    content ??= await noticeContent(tx, tenantId, program.id);
    const outcome = await queueNotice(tx, tenantId, {
      to: { customerId: item.customerId }, language: null, content, respectQuietHours: true, now,
      variables: (language) => ({
        points: new Intl.NumberFormat(TAGS[language](settings.calendar)).format(item.points),
        expiresOn: new Intl.DateTimeFormat(TAGS[language](settings.calendar), { dateStyle: 'long', timeZone: settings.timeZone }).format(item.lastUsable),
        programName: program.name,
      }),
      origin: { kind: 'loyalty.expiry_notice', programId: program.id, expiryDay: item.day },
    });
    const where = and(eq(loyaltyExpiryNotices.tenantId, tenantId), eq(loyaltyExpiryNotices.programId, program.id),
      eq(loyaltyExpiryNotices.customerId, item.customerId), eq(loyaltyExpiryNotices.expiryDay, item.day));
    if (outcome.status === 'queued') {
      await tx.update(loyaltyExpiryNotices).set({ messageId: outcome.messageId }).where(where);
      run.queued += 1;
    } else {
      await tx.update(loyaltyExpiryNotices).set({ status: 'skipped', reason: outcome.reason }).where(where);
      run.skipped += 1;
    }
  }
  return run;
}

/** Every workspace's expiry notices due now, one transaction per program. */
export async function sendExpiryNoticesEverywhere(database: Database, now: Date): Promise<NoticeRun> {
  const total: NoticeRun = { queued: 0, skipped: 0 };
  const { rows } = await database.db.execute<{ id: string }>(sql`
    SELECT w.id FROM workspaces w WHERE EXISTS (
      SELECT 1 FROM loyalty_programs p WHERE p.tenant_id = w.id AND p.status = 'active' AND jsonb_typeof(p.settings -> 'expiryNotice') = 'object')`);
  for (const { id: tenantId } of rows) {
    const programs = await database.db.select().from(loyaltyPrograms).where(and(
      eq(loyaltyPrograms.tenantId, tenantId), eq(loyaltyPrograms.status, 'active'), sql`jsonb_typeof(${loyaltyPrograms.settings} -> 'expiryNotice') = 'object'`,
    ));
    for (const row of programs) {
      const run = await database.db.transaction((tx) => sendExpiryNotices(tx, tenantId, programOf(row), now));
      total.queued += run.queued;
      total.skipped += run.skipped;
    }
  }
  return total;
}

/** Hourly: notices of points about to expire. Safe to run twice: a notice row per member and expiry day is the claim. */
export const expiryNoticesJob = defineJob({
  name: 'loyalty.expiry-notices',
  every: '37 * * * *',
  payload: z.object({}),
  retryLimit: 2,
  run: async (_payload, { database, clock, log }) => {
    const result = await sendExpiryNoticesEverywhere(database, clock.now());
    if (result.queued + result.skipped > 0) log.info(result, 'loyalty expiry notices');
  },
});
