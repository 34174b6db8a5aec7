// The portal probed as an attacker would, beyond what member-portal.test.ts covers: the signed-in
// routes' limits must not be escaped by making up a new session cookie for every request.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { sessionTokenHash } from './member-otp.service.ts';
import { SIGNED_OUT_PER_ADDRESS_PER_MINUTE } from './member-rate-key.ts';

let t: TestApp;
let ws: TestWorkspace;
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.createWorkspace({ country: 'IR' });
}, 120_000);
afterAll(() => t?.close());

/** A live portal session for a new customer, as /otp/verify leaves it; answers the cookie header. */
async function memberCookie(): Promise<string> {
  const customer = await createCustomer(t, ws, { name: 'سارا' });
  const token = randomBytes(32).toString('base64url');
  await t.database.pool.query(
    `INSERT INTO loyalty_member_sessions (tenant_id, token_hash, customer_id, expires_at, created_at) VALUES ($1, $2, $3, now() + interval '1 day', now())`,
    [ws.tenantId, sessionTokenHash(token), customer.id],
  );
  return `vafa_member=${token}`;
}

describe('the signed-in routes\' limits', () => {
  it('limit a caller who makes up a new session cookie per request by address, and leave a real member behind the same address alone', { timeout: 600_000 }, async () => {
    const address = '10.91.0.1';
    const member = await memberCookie();
    // One route of each limit: the portal's reads, coupons, games (a limit's routes share its count).
    const paths = ['/me', '/me/coupons', '/games'];
    for (const path of paths) {
      const url = `/api/public/loyalty/${ws.slug}${path}`;
      let limited: { statusCode: number; body: string; headers: Record<string, unknown> } | undefined;
      for (let i = 0; i <= SIGNED_OUT_PER_ADDRESS_PER_MINUTE && !limited; i++) {
        const res = await t.app.inject({ method: 'GET', url, remoteAddress: address, headers: { cookie: `vafa_member=${randomBytes(32).toString('base64url')}`, 'accept-language': 'fa' } });
        if (res.statusCode === 429) limited = res;
        else expect(res.statusCode, `${path}: ${res.body}`).toBe(401);
      }
      expect(limited?.statusCode, `${path} never limited a made-up cookie per request`).toBe(429);
      expect(limited!.headers['content-type']).toContain('application/problem+json');
      const own = await t.app.inject({ method: 'GET', url, remoteAddress: address, headers: { cookie: member } });
      expect(own.statusCode, `${path} for the member: ${own.body}`).toBe(200);
    }
  });
});
