import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '../../platform/http/problem.ts';
import { parseTrackingCode } from './tracking-code.ts';

/**
 * Tracking takes a code and a guess at a short verification (4 digits), so instead of the
 * anonymous per-address limit of other public routes it is held to a few tries a minute per
 * address, and per code whichever addresses they come from (a botnet guessing one case's digits):
 * a few an hour, and a cap a day, so that a patient botnet gets 60 of the 10^4 values a day
 * rather than 480. Counted in each process's memory, like every rate limit here.
 */
export const TRACK_TRIES_PER_ADDRESS_PER_MINUTE = 10;
export const TRACK_TRIES_PER_CODE_PER_HOUR = 20;
export const TRACK_TRIES_PER_CODE_PER_DAY = 60;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface Window { count: number; resetAt: number }

/** Fixed windows per key; each map is bounded (expired windows go first, then all). */
export class TriesPerKey {
  private readonly windows: { ms: number; max: number; counts: Map<string, Window> }[];

  constructor(limits: { ms: number; max: number }[], private readonly maxKeys = 100_000, private readonly clock: () => number = Date.now) {
    this.windows = limits.map((l) => ({ ...l, counts: new Map() }));
  }

  /** Counts one try; answers the seconds until the key may try again, or 0 when this one is allowed. */
  take(key: string): number {
    const now = this.clock();
    let wait = 0;
    for (const { ms, max, counts } of this.windows) {
      let window = counts.get(key);
      if (!window || window.resetAt <= now) {
        if (counts.size >= this.maxKeys) {
          for (const [k, w] of counts) if (w.resetAt <= now) counts.delete(k);
          if (counts.size >= this.maxKeys) counts.clear();
        }
        window = { count: 0, resetAt: now + ms };
        counts.set(key, window);
      }
      window.count++;
      if (window.count > max) wait = Math.max(wait, Math.max(1, Math.ceil((window.resetAt - now) / 1000)));
    }
    return wait;
  }
}

const triesPerCode = new TriesPerKey([{ ms: HOUR_MS, max: TRACK_TRIES_PER_CODE_PER_HOUR }, { ms: DAY_MS, max: TRACK_TRIES_PER_CODE_PER_DAY }]);

function trackedCode(req: FastifyRequest): string {
  const body = req.body as { workspace?: unknown; code?: unknown } | undefined;
  return codeKey(body?.workspace, body?.code);
}

function codeKey(workspace: unknown, code: unknown): string {
  const parsed = parseTrackingCode(code);
  return `${String(workspace ?? '')}:${parsed.ok ? parsed.code : String(code ?? '').slice(0, 64)}`;
}

/**
 * The per-code limits for a route that learns the code only from its body's parts (an upload):
 * counts the try against the same budget as tracking's, and throws 429 when it is spent.
 */
export function limitTriesOnCode(reply: FastifyReply, workspace: unknown, code: unknown): void {
  const wait = triesPerCode.take(codeKey(workspace, code));
  if (wait > 0) {
    reply.header('retry-after', String(wait));
    throw new Problem(429, 'rate_limited');
  }
}

/** The per-code limits of tracking and of the customer's case routes, as a preHandler. */
export async function limitTriesPerCode(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const wait = triesPerCode.take(trackedCode(req));
  if (wait > 0) {
    reply.header('retry-after', String(wait));
    throw new Problem(429, 'rate_limited');
  }
}
