import { and, eq } from 'drizzle-orm';
import Negotiator from 'negotiator';
import type { AnswerValue, Locale, Question, SurveyChannel } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import * as repo from './response.repo.ts';
import { surveyOpen } from './response.service.ts';
import { visibleQuestions } from './response.validate.ts';
import { resolveSurveyToken, type ResolvedToken } from './survey-token.ts';
import { liveSurvey, type LiveSurvey } from './survey-version.ts';
import { surveyInvitations } from './survey.schema.ts';

/**
 * What a respondent's link opens, shared by the HTML page and the public JSON API: the token,
 * the live survey, the invitation (for a personal link), and the response this respondent
 * already started or finished.
 */
export interface OpenedLink {
  token: string;
  resolved: ResolvedToken & { kind: 'public' | 'invitation' };
  live: LiveSurvey;
  invitation: { id: string; customerId: string; channel: string; respondedAt: Date | null; expiresAt: Date | null; hidden: Record<string, string> } | undefined;
}

export type LinkState = 'open' | 'closed' | 'expired';

/** The link's survey and invitation, or undefined for an unknown, malformed, kiosk or never-published token. */
export async function openLink(db: Executor, token: string): Promise<OpenedLink | undefined> {
  const resolved = await resolveSurveyToken(db, token);
  if (!resolved || (resolved.kind !== 'public' && resolved.kind !== 'invitation')) return undefined;
  const live = await liveSurvey(db, resolved.tenantId, resolved.surveyId);
  if (!live) return undefined;
  let invitation: OpenedLink['invitation'];
  if (resolved.kind === 'invitation') {
    const [row] = await db.select({
      id: surveyInvitations.id, customerId: surveyInvitations.customerId, channel: surveyInvitations.channel, respondedAt: surveyInvitations.respondedAt,
      expiresAt: surveyInvitations.expiresAt, hidden: surveyInvitations.hidden,
    }).from(surveyInvitations).where(and(eq(surveyInvitations.tenantId, resolved.tenantId), eq(surveyInvitations.id, resolved.targetId)));
    if (!row) return undefined;
    invitation = { ...row, hidden: (row.hidden ?? {}) as Record<string, string> };
  }
  return { token, resolved: resolved as OpenedLink['resolved'], live, invitation };
}

/** The channel an answer through this link counts under: the invitation's (e-mail, SMS) or the public link. */
export function linkChannel(link: OpenedLink): SurveyChannel {
  const channel = link.invitation?.channel;
  return channel === 'email' || channel === 'sms' ? channel : 'link';
}

export function linkState(link: OpenedLink, now = new Date()): LinkState {
  if (link.invitation?.expiresAt && link.invitation.expiresAt.getTime() <= now.getTime()) return 'expired';
  return surveyOpen(link.live, now) ? 'open' : 'closed';
}

/** The respondent's language: asked for (?lang), else their browser's among the survey's, else the survey's default. */
export function respondentLocale(link: OpenedLink, asked: string | undefined, acceptLanguage: string | undefined): Locale {
  const { languages, defaultLanguage } = link.live.definition.settings;
  if (asked && (languages as string[]).includes(asked)) return asked as Locale;
  if (acceptLanguage) {
    const found = new Negotiator({ headers: { 'accept-language': acceptLanguage } }).language([...languages]);
    if (found && (languages as string[]).includes(found)) return found as Locale;
  }
  return defaultLanguage;
}

export interface CurrentResponse {
  row: repo.ResponseRow;
  answers: Record<string, AnswerValue>;
}

/**
 * The response this respondent has: through the invitation (non-anonymous surveys keep that
 * link), or the one named by the page's cookie when this device started it.
 */
export async function currentResponse(db: Executor, link: OpenedLink, deviceHash: Buffer, remembered: string | undefined): Promise<CurrentResponse | undefined> {
  const { tenantId, surveyId } = link.resolved;
  let id: string | undefined;
  let viaInvitation = false;
  if (link.invitation && !link.live.definition.settings.anonymous) {
    id = await repo.responseOfInvitation(db, tenantId, link.invitation.id);
    viaInvitation = id !== undefined;
  }
  if (!id && remembered && /^[0-9a-f-]{36}$/.test(remembered)) id = remembered;
  if (!id) return undefined;
  const [row] = await repo.responsesById(db, tenantId, surveyId, [id]);
  if (!row) return undefined;
  if (!viaInvitation && !(row.deviceHash && Buffer.compare(row.deviceHash, deviceHash) === 0)) return undefined;
  return { row, answers: await repo.answersOf(db, tenantId, row.id) };
}

/** The questions a respondent is shown, in order, given the answers so far. */
export function shownQuestions(questions: Question[], answers: Record<string, AnswerValue>): Question[] {
  const visible = visibleQuestions(questions, answers);
  return questions.filter((q) => visible.has(q.id));
}

/** Where to resume: the first question shown that has no answer yet (else the last one). */
export function resumeIndex(shown: Question[], answers: Record<string, AnswerValue>): number {
  const index = shown.findIndex((q) => answers[q.id] === undefined);
  return index === -1 ? Math.max(0, shown.length - 1) : index;
}
