// A rate limit for public routes that carry their own credential (a kiosk's token, a member's
// session cookie). Keyed on the credential as sent, a made-up value per request bought a fresh
// allowance, so a flood of them met no limit at all: a request counts against its credential
// only once the credential names a live one, and anything else against its address.
import type { FastifyRequest } from 'fastify';
import type { App } from './server.ts';

export interface CredentialLimit {
  /** the key's prefix, unique among the limits sharing the rate-limit store */
  name: string;
  /** requests a minute for one live credential */
  perCredential: number;
  /** requests a minute per address for callers whose credential names nothing live (or who send none) */
  perAddress: number;
  /** the live credential's key (a stable string that is never the credential itself: an id or a hash), or undefined when the request names none */
  credentialOf(req: FastifyRequest): Promise<string | undefined>;
}

/** The preHandler of such a route: `name:<credential>` for a live one, `name-unknown:<address>` otherwise. */
export function credentialRateLimit(app: App, limit: CredentialLimit) {
  const live = `${limit.name}:`;
  return app.rateLimit({
    timeWindow: '1 minute',
    keyGenerator: async (req) => {
      const credential = await limit.credentialOf(req);
      return credential === undefined ? `${limit.name}-unknown:${req.ip}` : `${live}${credential}`;
    },
    max: (_req, key) => (key.startsWith(live) ? limit.perCredential : limit.perAddress),
  });
}

/** How long a credential seen live keys as itself without being looked up again, and how many are remembered. */
const REMEMBERED_FOR_MS = 60_000;
const REMEMBERED_MAX = 10_000;

/**
 * Credentials seen live, for a minute: a public route's traffic then does not look its credential
 * up twice per request (the limit's key, then the route). Keyed by what the caller computes from
 * the credential (its hash), never the credential as sent; full, it forgets everything at once.
 */
export function rememberedCredentials<T>() {
  const known = new Map<string, { value: T; until: number }>();
  return {
    get(key: string, now: number): T | undefined {
      const seen = known.get(key);
      return seen && seen.until > now ? seen.value : undefined;
    },
    set(key: string, value: T, now: number): void {
      if (known.size >= REMEMBERED_MAX) known.clear();
      known.set(key, { value, until: now + REMEMBERED_FOR_MS });
    },
  };
}
