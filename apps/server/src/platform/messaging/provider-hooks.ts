// The limit on the callbacks SMS providers post to (delivery reports, customers' replies). The
// anonymous cap of public routes (VAFA_ANON_RATE_LIMIT, 30 a minute per address) would drop most
// of a survey wave's replies: a provider posts from a few addresses, and an inbound message is not
// resent after a 429. The callbacks' tokens are checked on every request, so the cap here bounds
// only how fast one address can make Vafa check made-up ones.
import type { App } from '../http/server.ts';

/** Requests a minute one address may send to the provider callbacks: 50 a second. */
export const PROVIDER_HOOK_REQUESTS_PER_ADDRESS_PER_MINUTE = 3000;

/** The preHandler of a provider callback; the route itself says `rateLimit: false` to the anonymous cap. */
export function providerHookLimit(app: App) {
  return app.rateLimit({
    max: PROVIDER_HOOK_REQUESTS_PER_ADDRESS_PER_MINUTE,
    timeWindow: '1 minute',
    keyGenerator: (req) => `provider-hook:${req.ip}`,
  });
}
