import { randomUUID } from 'node:crypto';
import type { KioskAnswer, KioskPageConfig, KioskSyncResult, KioskView, Locale } from '@vafa/contracts';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Database, Executor } from '../../platform/db/connect.ts';
import type { Actor } from '../../platform/http/access.ts';
import { Problem } from '../../platform/http/problem.ts';
import { recordAudit } from '../workspace/index.ts';
import { saveResponse, surveyOpen } from './response.service.ts';
import { missingRequired } from './response.validate.ts';
import { newSurveyToken, resolveSurveyToken, storeSurveyToken } from './survey-token.ts';
import { liveSurvey } from './survey-version.ts';
import { surveyKiosks, surveyResponses, surveys, surveyTokens } from './survey.schema.ts';
import { kioskLanguage, leadingQuestions, visitorLocale } from './widget.present.ts';

/**
 * Kiosks: a tablet registered to a survey and a location, with its own token (stored hashed,
 * shown once). The token is the kiosk's credential, so its answers are never throttled like a
 * stranger's; revoking deletes the token. Answers arrive in batches, possibly long after they
 * were given (offline), each with the device's `clientRef`, so a resend is counted once.
 */

export interface KioskIdentity {
  tenantId: string;
  kioskId: string;
  surveyId: string;
  location: string;
}

const ANSWER_MAX_AGE_MS = 30 * 86_400_000;

type KioskRow = typeof surveyKiosks.$inferSelect;

function presentKiosk(row: KioskRow, responseCount: number): KioskView {
  return {
    id: row.id,
    surveyId: row.surveyId,
    location: row.location,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    responseCount,
  };
}

async function requireSurvey(db: Executor, tenantId: string, surveyId: string): Promise<void> {
  const [row] = await db.select({ id: surveys.id }).from(surveys).where(and(eq(surveys.tenantId, tenantId), eq(surveys.id, surveyId)));
  if (!row) throw new Problem(404, 'survey_not_found');
}

export async function registerKiosk(
  tx: Executor, tenantId: string, actor: Actor | null, surveyId: string, location: string, baseUrl: string, ip: string,
): Promise<{ kiosk: KioskView; token: string; url: string }> {
  await requireSurvey(tx, tenantId, surveyId);
  const id = randomUUID();
  const token = newSurveyToken();
  const [row] = await tx.insert(surveyKiosks).values({ tenantId, id, surveyId, location, createdBy: actor ? `${actor.kind}:${actor.id}` : null }).returning();
  await storeSurveyToken(tx, token, { tenantId, kind: 'kiosk', targetId: id, surveyId });
  await recordAudit(tx, tenantId, actor, { action: 'survey.kiosk_registered', targetType: 'survey', targetId: surveyId, ip, details: { kioskId: id, location } });
  return { kiosk: presentKiosk(row!, 0), token, url: `${baseUrl}/k/${token}` };
}

export async function listKiosks(db: Executor, tenantId: string, surveyId: string): Promise<KioskView[]> {
  await requireSurvey(db, tenantId, surveyId);
  const counts = db
    .select({ kioskId: surveyResponses.kioskId, n: sql<number>`count(*)::int`.as('n') })
    .from(surveyResponses)
    .where(and(eq(surveyResponses.tenantId, tenantId), eq(surveyResponses.surveyId, surveyId), eq(surveyResponses.status, 'complete'), sql`${surveyResponses.kioskId} IS NOT NULL`))
    .groupBy(surveyResponses.kioskId)
    .as('counts');
  const rows = await db
    .select({ kiosk: surveyKiosks, n: counts.n })
    .from(surveyKiosks)
    .leftJoin(counts, eq(counts.kioskId, surveyKiosks.id))
    .where(and(eq(surveyKiosks.tenantId, tenantId), eq(surveyKiosks.surveyId, surveyId)))
    .orderBy(sql`${surveyKiosks.revokedAt} IS NOT NULL`, desc(surveyKiosks.createdAt))
    .limit(500);
  return rows.map((r) => presentKiosk(r.kiosk, r.n ?? 0));
}

/** Revokes a kiosk: its token stops working at once (deleted); its answers stay. Revoking twice is harmless. */
export async function revokeKiosk(tx: Executor, tenantId: string, actor: Actor | null, surveyId: string, kioskId: string, ip: string): Promise<void> {
  const [row] = await tx.select().from(surveyKiosks)
    .where(and(eq(surveyKiosks.tenantId, tenantId), eq(surveyKiosks.surveyId, surveyId), eq(surveyKiosks.id, kioskId))).for('update');
  if (!row) throw new Problem(404, 'kiosk_not_found');
  if (row.revokedAt) return;
  await tx.update(surveyKiosks).set({ revokedAt: new Date() }).where(and(eq(surveyKiosks.tenantId, tenantId), eq(surveyKiosks.id, kioskId)));
  await tx.delete(surveyTokens).where(and(eq(surveyTokens.tenantId, tenantId), eq(surveyTokens.kind, 'kiosk'), eq(surveyTokens.targetId, kioskId)));
  await recordAudit(tx, tenantId, actor, { action: 'survey.kiosk_revoked', targetType: 'survey', targetId: surveyId, ip, details: { kioskId, location: row.location } });
}

/** The kiosk a token opens (undefined for an unknown, revoked or other kind of token). */
export async function kioskByToken(db: Executor, token: string): Promise<KioskIdentity | undefined> {
  const resolved = await resolveSurveyToken(db, token);
  if (!resolved || resolved.kind !== 'kiosk') return undefined;
  const [row] = await db.select({ location: surveyKiosks.location }).from(surveyKiosks)
    .where(and(eq(surveyKiosks.tenantId, resolved.tenantId), eq(surveyKiosks.id, resolved.targetId), isNull(surveyKiosks.revokedAt)));
  return row ? { tenantId: resolved.tenantId, kioskId: resolved.targetId, surveyId: resolved.surveyId, location: row.location } : undefined;
}

async function touchKiosk(db: Executor, kiosk: KioskIdentity, now: Date): Promise<void> {
  // At most one write a minute per kiosk, however often it syncs.
  await db.update(surveyKiosks).set({ lastSeenAt: now })
    .where(and(eq(surveyKiosks.tenantId, kiosk.tenantId), eq(surveyKiosks.id, kiosk.kioskId), sql`(${surveyKiosks.lastSeenAt} IS NULL OR ${surveyKiosks.lastSeenAt} < ${new Date(now.getTime() - 60_000).toISOString()}::timestamptz)`));
}

export type KioskPage = { state: 'ready'; config: KioskPageConfig; locale: Locale } | { state: 'unavailable'; locale: Locale };

/** What the kiosk page shows: the survey's first one or two questions in each of its languages. */
export async function kioskPage(db: Executor, kiosk: KioskIdentity, token: string, lang: string | undefined, now = new Date()): Promise<KioskPage> {
  await touchKiosk(db, kiosk, now);
  const live = await liveSurvey(db, kiosk.tenantId, kiosk.surveyId);
  if (!live || !surveyOpen(live, now) || leadingQuestions(live.definition).length === 0) {
    const asked = (['fa', 'ar', 'en'] as const).find((l) => l === lang?.slice(0, 2).toLowerCase());
    return { state: 'unavailable', locale: live ? visitorLocale(live.definition, lang) : (asked ?? 'fa') };
  }
  const { definition } = live;
  const locale = visitorLocale(definition, lang);
  return {
    state: 'ready',
    locale,
    config: {
      kioskId: kiosk.kioskId,
      location: kiosk.location,
      syncUrl: `/api/public/kiosk/${token}/answers`,
      resetSeconds: 5,
      idleSeconds: 45,
      defaultLocale: locale,
      languages: definition.settings.languages.map((l) => kioskLanguage(definition, l)),
    },
  };
}

/**
 * Saves a batch of a kiosk's answers, each in its own transaction: one refused answer (the
 * survey closed meanwhile, too old) must not hold back the others, and the device drops an
 * answer once the server has said anything about it. Answers keep the time they were given.
 */
export async function syncKioskAnswers(database: Database, kiosk: KioskIdentity, answers: KioskAnswer[], now = new Date()): Promise<KioskSyncResult> {
  await touchKiosk(database.db, kiosk, now);
  const live = await liveSurvey(database.db, kiosk.tenantId, kiosk.surveyId);
  const asked = new Set(live ? leadingQuestions(live.definition).map((q) => q.id) : []);
  const results: KioskSyncResult['results'] = [];
  for (const answer of answers) {
    const givenAt = new Date(answer.answeredAt);
    if (now.getTime() - givenAt.getTime() > ANSWER_MAX_AGE_MS) {
      results.push({ clientRef: answer.clientRef, outcome: 'refused', code: 'kiosk_answer_too_old' });
      continue;
    }
    if (Object.keys(answer.answers).some((id) => !asked.has(id))) {
      results.push({ clientRef: answer.clientRef, outcome: 'refused', code: 'unknown_question' });
      continue;
    }
    try {
      const saved = await database.db.transaction((tx) =>
        saveResponse(tx, {
          tenantId: kiosk.tenantId,
          surveyId: kiosk.surveyId,
          channel: 'kiosk',
          locale: answer.locale,
          answers: answer.answers,
          complete: live ? missingRequired(live.definition.questions, answer.answers).length === 0 : true,
          kioskId: kiosk.kioskId,
          clientRef: answer.clientRef,
          // A device clock ahead of ours is taken as now.
          submittedAt: givenAt.getTime() > now.getTime() ? now : givenAt,
        }),
      );
      results.push({ clientRef: answer.clientRef, outcome: saved.created ? 'saved' : 'duplicate' });
    } catch (error) {
      if (!(error instanceof Problem) || error.status >= 500) throw error;
      results.push({ clientRef: answer.clientRef, outcome: 'refused', code: error.code });
    }
  }
  return { results };
}
