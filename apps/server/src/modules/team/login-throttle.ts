import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem } from '../../platform/http/problem.ts';

/**
 * Per-account sign-in throttling with exponential back-off, beside the per-IP limit that every
 * public route has. Keyed by the e-mail address as typed (known or not, so being throttled
 * says nothing about whether an account exists) and kept in PostgreSQL, so every app process
 * sees the same count. A wrong password or second-factor code is a failure.
 */
export const THROTTLE = {
  /** failures allowed before the first lock */
  freeFailures: 5,
  /** the first lock; each further failure doubles it */
  baseLockSeconds: 30,
  maxLockSeconds: 15 * 60,
  /** a failure this long after the previous one starts the count afresh */
  forgetAfterSeconds: 60 * 60,
} as const;

/** Refuses with 429 (and Retry-After) while the address is locked, before any password is checked. */
export async function assertNotThrottled(db: Executor, email: string): Promise<void> {
  const { rows } = await db.execute<{ wait: number | null }>(sql`
    SELECT ceil(extract(epoch FROM locked_until - now()))::int AS wait FROM login_throttle WHERE email = ${email} AND locked_until > now()`);
  const wait = rows[0]?.wait;
  if (wait && wait > 0) throw new ThrottledProblem(wait);
}

export class ThrottledProblem extends Problem {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'login_throttled', { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) });
  }
}

/** Counts a failure in one statement (concurrent failures all count) and sets the lock it earns; answers the lock's length in seconds, if any. */
export async function recordLoginFailure(db: Executor, email: string): Promise<number | null> {
  await db.execute(sql`
    INSERT INTO login_throttle AS t (email, failures, last_failure_at) VALUES (${email}, 1, now())
    ON CONFLICT (email) DO UPDATE SET
      failures = CASE WHEN t.last_failure_at < now() - make_interval(secs => ${THROTTLE.forgetAfterSeconds}) THEN 1 ELSE t.failures + 1 END,
      last_failure_at = now()`);
  const locked = await db.execute<{ seconds: number }>(sql`
    UPDATE login_throttle SET locked_until = now() + make_interval(secs => least(${THROTTLE.maxLockSeconds},
      ${THROTTLE.baseLockSeconds} * power(2, least(failures - ${THROTTLE.freeFailures}, 20))))
    WHERE email = ${email} AND failures >= ${THROTTLE.freeFailures}
    RETURNING round(extract(epoch FROM locked_until - now()))::int AS seconds`);
  // Addresses typed once and never again would pile up; one failure in a hundred sweeps them.
  if (Math.random() < 0.01) await pruneLoginFailures(db);
  return locked.rows[0]?.seconds ?? null;
}

/** Forgets addresses whose last failure is a day old and whose lock is over (run now and then, not per request). */
export async function pruneLoginFailures(db: Executor): Promise<void> {
  await db.execute(sql`
    DELETE FROM login_throttle WHERE last_failure_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now())`);
}

export async function clearLoginFailures(db: Executor, email: string): Promise<void> {
  await db.execute(sql`DELETE FROM login_throttle WHERE email = ${email}`);
}
