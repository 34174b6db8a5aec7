// A kiosk's sync route probed as an attacker would: its limit is per kiosk (a shop's tablets share
// one address), so a token nobody has must not open a fresh allowance with every request.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { publishSurvey } from '../../../test/survey-factories.ts';
import { SYNCS_PER_UNKNOWN_KIOSK_ADDRESS_PER_MINUTE } from './kiosk.routes.ts';

let t: TestApp;
let ws: TestWorkspace;
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.createWorkspace({ country: 'IR' });
}, 120_000);
afterAll(() => t?.close());

describe('the kiosk sync limit', () => {
  it('limits tokens nobody has per address, and leaves a real kiosk behind the same address alone', { timeout: 300_000 }, async () => {
    const survey = await publishSurvey(t.database.db, ws.tenantId, {
      name: 'Counter', settings: { languages: ['fa'], defaultLanguage: 'fa' },
      questions: [{ id: 'csat', type: 'csat', points: 5, required: true, title: { fa: 'راضی بودید؟' } }],
    });
    const registered = await t.app.inject({ method: 'POST', url: `/api/surveys/${survey.id}/kiosks`, headers: t.auth(ws.keys.manager), payload: { location: 'شعبه' } });
    expect(registered.statusCode, registered.body).toBe(201);
    const address = '10.92.0.1';
    const sync = (token: string) => t.app.inject({
      method: 'POST', url: `/api/public/kiosk/${token}/answers`, remoteAddress: address,
      headers: { 'content-type': 'application/json', 'accept-language': 'fa' },
      payload: JSON.stringify({ answers: [{ clientRef: `probe-${token.slice(0, 8)}`, locale: 'fa', answers: { csat: { score: 5 } }, answeredAt: new Date().toISOString() }] }),
    });
    let limited: Awaited<ReturnType<typeof sync>> | undefined;
    for (let i = 0; i <= SYNCS_PER_UNKNOWN_KIOSK_ADDRESS_PER_MINUTE && !limited; i++) {
      const res = await sync(randomBytes(16).toString('base64url'));
      if (res.statusCode === 429) limited = res;
      else expect(res.statusCode, res.body).toBe(404);
    }
    expect(limited?.statusCode, 'a made-up token per request was never limited').toBe(429);
    expect(limited!.headers['content-type']).toContain('application/problem+json');
    const own = await sync(registered.json().token);
    expect(own.statusCode, own.body).toBe(200);
  });
});
