import { randomUUID } from 'node:crypto';
import {
  smsLength, type CreateDistribution, type DistributionAudience, type DistributionPreview, type DistributionPreviewInput, type DistributionSchedule,
  type DistributionView, type Locale,
} from '@vafa/contracts';
import type { Database, Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, invalidField, notFound } from '../../platform/http/problem.ts';
import { SEALED_LINK_PLACEHOLDER } from '../../platform/messaging/sealed-link.ts';
import { segmentPredicate } from '../customers/index.ts';
import { reachableRecipients, type Reachable } from '../engagement/index.ts';
import { recordAudit, workspaceSettings } from '../workspace/index.ts';
import { firstRun, nextRecurringRun } from './distribution-schedule.ts';
import * as repo from './distribution.repo.ts';
import { invitationLocale, invitationSms } from './invitation.message.ts';
import { insertInvitations, waveCounts, type NewInvitation } from './invitation.repo.ts';
import { openSurvey, surveyExists, surveyLink } from './invitation.service.ts';
import { surveyOpen } from './response.service.ts';
import { claimContacts, recontactCutoff, surveyPolicy } from './survey-policy.ts';
import { liveSurvey } from './survey-version.ts';

const WAVES_SHOWN = 12;
const CHUNK = 1_000;

export interface AuditContext {
  actor: Actor;
  ip: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentDistribution(row: repo.DistributionRow, waves: Awaited<ReturnType<typeof waveCounts>>): DistributionView {
  return {
    id: row.id,
    surveyId: row.surveyId,
    name: row.name,
    channel: row.channel as DistributionView['channel'],
    audience: row.audience as DistributionAudience,
    samplingPercent: row.samplingPercent,
    schedule: row.schedule as DistributionSchedule,
    reminder: (row.reminder ?? null) as DistributionView['reminder'],
    status: row.status as DistributionView['status'],
    waves: row.waves,
    nextRunAt: iso(row.nextRunAt),
    lastRunAt: iso(row.lastRunAt),
    createdAt: row.createdAt.toISOString(),
    waveStats: waves.filter((w) => w.distributionId === row.id).map((w) => ({
      wave: w.wave, invited: w.invited, sent: w.sent, responded: w.responded, startedAt: w.startedAt.toISOString(),
    })),
  };
}

async function present(db: Executor, tenantId: string, rows: repo.DistributionRow[]): Promise<DistributionView[]> {
  const waves = await waveCounts(db, tenantId, rows.map((r) => r.id), WAVES_SHOWN);
  return rows.map((row) => presentDistribution(row, waves));
}

/** A segment must exist and listed customers must be live customers of the workspace (422 otherwise). */
async function checkAudience(db: Executor, tenantId: string, audience: DistributionAudience): Promise<void> {
  if ('segmentId' in audience) {
    try {
      await segmentPredicate(db, tenantId, audience.segmentId);
    } catch (error) {
      if (error instanceof Problem && error.status === 404) throw invalidField('audience.segmentId', 'unknown_segment');
      throw error;
    }
  }
  if ('customerIds' in audience) {
    const live = await repo.liveCustomerIds(db, tenantId, audience.customerIds);
    const missing = audience.customerIds.findIndex((id) => !live.has(id));
    if (missing >= 0) throw invalidField(`audience.customerIds.${missing}`, 'unknown_customer');
  }
}

export async function createDistribution(
  tx: Executor, tenantId: string, surveyId: string, input: CreateDistribution, audit: AuditContext, now = new Date(),
): Promise<DistributionView> {
  const live = await openSurvey(tx, tenantId, surveyId, now);
  await checkAudience(tx, tenantId, input.audience);
  const settings = await workspaceSettings(tx, tenantId);
  const row = await repo.insertDistribution(tx, {
    tenantId, id: randomUUID(), surveyId,
    name: input.name ?? live.definition.name,
    channel: input.channel, audience: input.audience, samplingPercent: input.samplingPercent, schedule: input.schedule, reminder: input.reminder ?? null,
    status: 'scheduled', nextRunAt: firstRun(input.schedule, now, settings.timeZone, settings.calendar),
    createdBy: `${audit.actor.kind}:${audit.actor.id}`, createdAt: now, updatedAt: now,
  });
  await recordAudit(tx, tenantId, audit.actor, {
    action: 'survey.distribution_created', targetType: 'survey_distribution', targetId: row.id, ip: audit.ip,
    details: { surveyId, channel: input.channel, audience: 'customerIds' in input.audience ? { customers: input.audience.customerIds.length } : input.audience, schedule: input.schedule },
  });
  return (await present(tx, tenantId, [row]))[0]!;
}

export async function listDistributions(db: Executor, tenantId: string, surveyId: string): Promise<DistributionView[]> {
  if (!(await surveyExists(db, tenantId, surveyId))) throw notFound();
  return present(db, tenantId, await repo.listDistributions(db, tenantId, surveyId));
}

export async function getDistribution(db: Executor, tenantId: string, surveyId: string, id: string): Promise<DistributionView> {
  const row = await repo.findDistribution(db, tenantId, surveyId, id);
  if (!row) throw notFound();
  return (await present(db, tenantId, [row]))[0]!;
}

export type DistributionAction = 'pause' | 'resume' | 'cancel';

/**
 * Pause (a scheduled or running one stops, reminders too), resume (a recurring one from its next
 * occurrence after now, a one-off at its time), cancel (for good, reminders included). Any
 * other change of state answers 409 distribution_state.
 */
export async function changeDistribution(
  tx: Executor, tenantId: string, surveyId: string, id: string, action: DistributionAction, audit: AuditContext, now = new Date(),
): Promise<DistributionView> {
  const row = await repo.findDistribution(tx, tenantId, surveyId, id, { lock: true });
  if (!row) throw notFound();
  const schedule = row.schedule as DistributionSchedule;
  let patch: Parameters<typeof repo.updateDistribution>[3];
  if (action === 'pause' && (row.status === 'scheduled' || row.status === 'running')) patch = { status: 'paused' };
  else if (action === 'resume' && row.status === 'paused') {
    if (schedule.type === 'recurring') {
      const settings = await workspaceSettings(tx, tenantId);
      patch = { status: row.waves > 0 ? 'running' : 'scheduled', nextRunAt: nextRecurringRun(schedule, now, settings.timeZone, settings.calendar) };
    } else patch = { status: row.waves > 0 ? 'done' : 'scheduled' };
  } else if (action === 'cancel' && row.status !== 'cancelled') patch = { status: 'cancelled', nextRunAt: null };
  else throw new Problem(409, 'distribution_state', { status: row.status });
  const updated = await repo.updateDistribution(tx, tenantId, id, patch);
  await recordAudit(tx, tenantId, audit.actor, {
    action: `survey.distribution_${action === 'pause' ? 'paused' : action === 'resume' ? 'resumed' : 'cancelled'}`,
    targetType: 'survey_distribution', targetId: id, ip: audit.ip, details: { surveyId },
  });
  return (await present(tx, tenantId, [updated]))[0]!;
}

/** How many of `eligible` a wave invites at `percent`. */
export const sampleSize = (eligible: number, percent: number) => Math.round((eligible * percent) / 100);

async function reachableOf(db: Executor, tenantId: string, ids: string[], channel: 'email' | 'sms' | 'preferred'): Promise<Reachable[]> {
  const found: Reachable[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const reach = await reachableRecipients(db, tenantId, chunk, channel);
    for (const id of chunk) {
      const r = reach.get(id);
      if (r?.reachable) found.push(r);
    }
  }
  return found;
}

/**
 * One wave of a distribution, in the caller's transaction (which holds the distribution's row):
 * the audience now, less those asked by any survey within the recontact limit and those with no
 * consent or address for the channel, sampled, recorded as asked, invited. The invitations'
 * messages are issued by the issuer right after. A closed survey gets no wave.
 */
async function runWave(tx: Executor, row: repo.DistributionRow, now: Date): Promise<void> {
  const { tenantId } = row;
  const settings = await workspaceSettings(tx, tenantId);
  const schedule = row.schedule as DistributionSchedule;
  const next = schedule.type === 'recurring' ? nextRecurringRun(schedule, now, settings.timeZone, settings.calendar) : null;
  const live = await liveSurvey(tx, tenantId, row.surveyId);
  if (!live || !surveyOpen(live, now)) {
    await repo.updateDistribution(tx, tenantId, row.id, { nextRunAt: next, status: next ? row.status : 'done' });
    return;
  }
  const wave = row.waves + 1;
  const cutoff = recontactCutoff(await surveyPolicy(tx, tenantId), now);
  const audience = await repo.audiencePredicate(tx, tenantId, row.audience as DistributionAudience);
  const candidates = await repo.waveCandidates(tx, tenantId, audience, cutoff, row.id, wave);
  const eligible = await reachableOf(tx, tenantId, candidates, row.channel as 'email' | 'sms' | 'preferred');
  const chosen = eligible.slice(0, sampleSize(eligible.length, row.samplingPercent));
  const allowed = await claimContacts(tx, tenantId, chosen.map((c) => c.customerId), now, cutoff);
  const invitations: NewInvitation[] = chosen.filter((c) => allowed.has(c.customerId)).map((c) => ({
    id: randomUUID(), surveyId: row.surveyId, customerId: c.customerId, distributionId: row.id, wave, channel: c.channel, context: {}, hidden: {}, sentAt: null,
  }));
  for (let i = 0; i < invitations.length; i += CHUNK) await insertInvitations(tx, tenantId, invitations.slice(i, i + CHUNK), now);
  await repo.updateDistribution(tx, tenantId, row.id, { waves: wave, lastRunAt: now, nextRunAt: next, status: next ? 'running' : 'done' });
}

/**
 * Runs the waves that are due, each in its own transaction on a row claimed with SKIP LOCKED,
 * so two workers never run one distribution at once and a crash redoes the wave whole (the
 * unique wave key keeps anyone from being invited twice). Returns how many ran.
 */
export async function runDueDistributions(database: Database, now = new Date(), max = 20): Promise<number> {
  let ran = 0;
  while (ran < max) {
    const claimed = await database.db.transaction(async (tx) => {
      const row = await repo.claimDueDistribution(tx, now);
      if (!row) return false;
      await runWave(tx, row, now);
      return true;
    });
    if (!claimed) break;
    ran += 1;
  }
  return ran;
}

/** A link like a real one (a token is 22 characters), so the preview counts the characters the SMS will have. */
const sampleLink = (publicUrl: string) => surveyLink(publicUrl, 'k7Qp2XvR9mTa4Ls8Wd1Ny3');

/**
 * What a distribution would reach now, and what its SMS would cost: the text per language the
 * recipients read, its parts (GSM-7 160/153, UCS-2 70/67), times the recipients in that language.
 */
export async function previewDistribution(
  db: Executor, publicUrl: string, tenantId: string, surveyId: string, input: DistributionPreviewInput, now = new Date(),
): Promise<DistributionPreview> {
  const live = await openSurvey(db, tenantId, surveyId, now);
  await checkAudience(db, tenantId, input.audience);
  const [settings, policy] = await Promise.all([workspaceSettings(db, tenantId), surveyPolicy(db, tenantId)]);
  const audience = await repo.audiencePredicate(db, tenantId, input.audience);
  const candidates = await repo.previewCandidates(db, audience, recontactCutoff(policy, now));
  const eligible = await reachableOf(db, tenantId, candidates.ids, input.channel);
  const byLanguage = new Map<Locale, number>();
  let email = 0;
  for (const r of eligible) {
    if (r.channel === 'email') email += 1;
    else {
      const locale = invitationLocale(live.definition, r.language);
      byLanguage.set(locale, (byLanguage.get(locale) ?? 0) + 1);
    }
  }
  const sms: DistributionPreview['sms'] = [];
  if (input.channel !== 'email') {
    if (byLanguage.size === 0) byLanguage.set(live.definition.settings.defaultLanguage, 0);
    for (const [language, count] of byLanguage) {
      const text = invitationSms({ locale: language, workspaceName: settings.name, customerName: null, survey: live.definition, reminder: false, smsReplies: policy.smsReplies })
        .split(SEALED_LINK_PLACEHOLDER).join(sampleLink(publicUrl));
      const length = smsLength(text);
      sms.push({ language, text, encoding: length.encoding, units: length.units, parts: length.parts, recipients: sampleSize(count, input.samplingPercent) });
    }
  }
  return {
    audience: candidates.audience,
    recentlyContacted: candidates.audience - candidates.ids.length,
    unreachable: candidates.ids.length - eligible.length,
    recipients: { email: sampleSize(email, input.samplingPercent), sms: sms.reduce((n, s) => n + s.recipients, 0) },
    sms,
    smsParts: sms.reduce((n, s) => n + s.parts * s.recipients, 0),
  };
}
