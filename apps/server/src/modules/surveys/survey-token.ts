import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { surveyTokens } from './survey.schema.ts';

/**
 * Tokens of survey links: 16 random bytes as 22 base64url characters, short enough for an SMS
 * (Persian SMS parts hold 67 characters) and unguessable. Only their SHA-256 is stored, in the
 * shared survey_tokens table, because a respondent's browser brings nothing but the token.
 */
export type SurveyTokenKind = 'public' | 'invitation' | 'kiosk';

export interface ResolvedToken {
  tenantId: string;
  kind: SurveyTokenKind;
  targetId: string;
  surveyId: string;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22}$/;

export function newSurveyToken(): string {
  return randomBytes(16).toString('base64url');
}

export function hashSurveyToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Records a token; `targetId` is the survey (public), the invitation or the kiosk. */
export async function storeSurveyToken(tx: Executor, token: string, row: ResolvedToken): Promise<void> {
  await tx.insert(surveyTokens).values({ tokenHash: hashSurveyToken(token), ...row });
}

/** What a token opens, or undefined for a malformed or unknown one (callers answer 404 alike). */
export async function resolveSurveyToken(db: Executor, token: string): Promise<ResolvedToken | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const [row] = await db
    .select({ tenantId: surveyTokens.tenantId, kind: surveyTokens.kind, targetId: surveyTokens.targetId, surveyId: surveyTokens.surveyId })
    .from(surveyTokens)
    .where(eq(surveyTokens.tokenHash, hashSurveyToken(token)));
  return row ? { ...row, kind: row.kind as SurveyTokenKind } : undefined;
}
