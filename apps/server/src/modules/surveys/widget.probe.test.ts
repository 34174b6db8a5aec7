// The widget's public routes probed as an attacker would: their limit is per survey token (carrier
// NAT puts a city behind a few addresses), so a token nobody has must not open a fresh allowance
// with every request, and a flood of made-up ones must not starve a real survey behind that address.
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { NPS_SURVEY, publishSurvey, type PublishedSurvey } from '../../../test/survey-factories.ts';
import { WIDGET_UNKNOWN_TOKEN_PER_ADDRESS_PER_MINUTE } from './widget.routes.ts';

const SHOP = 'https://shop.example';

let t: TestApp;
let ws: TestWorkspace;
let survey: PublishedSurvey;
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.createWorkspace({ country: 'IR' });
  survey = await publishSurvey(t.database.db, ws.tenantId, {
    ...NPS_SURVEY,
    settings: { ...NPS_SURVEY.settings, widget: { enabled: true, triggers: [{ type: 'event', name: 'paid' }], samplingPercent: 100, origins: [SHOP] } },
  });
}, 120_000);
afterAll(() => t?.close());

const madeUpToken = () => randomBytes(16).toString('base64url');

/** Made-up tokens from `send` until one is limited; every other answer is the 404 of an unknown survey. */
async function floodWithMadeUpTokens(send: (token: string) => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse | undefined> {
  for (let i = 0; i <= WIDGET_UNKNOWN_TOKEN_PER_ADDRESS_PER_MINUTE; i++) {
    const res = await send(madeUpToken());
    if (res.statusCode === 429) return res;
    expect(res.statusCode, res.body).toBe(404);
  }
  return undefined;
}

describe('the widget limit', () => {
  it('limits configuration requests with tokens nobody has per address, and leaves a real survey behind the same address alone', { timeout: 300_000 }, async () => {
    const address = '10.93.0.1';
    const config = (token: string) => t.app.inject({ method: 'GET', url: `/api/public/widget/${token}`, remoteAddress: address, headers: { origin: SHOP } });
    const limited = await floodWithMadeUpTokens(config);
    expect(limited?.statusCode, 'a made-up token per request was never limited').toBe(429);
    expect(limited!.headers['content-type']).toContain('application/problem+json');
    expect(limited!.json().code).toBe('rate_limited');
    const own = await config(survey.token);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().questions[0].id).toBe('nps');
    // Still the address's limit, not a per-token one, for the next made-up token.
    expect((await config(madeUpToken())).statusCode).toBe(429);
  });

  it('limits answers with tokens nobody has per address, and still takes a real survey\'s answer from that address', { timeout: 300_000 }, async () => {
    const address = '10.93.0.2';
    const answer = (token: string) => t.app.inject({
      method: 'POST', url: `/api/public/widget/${token}/responses`, remoteAddress: address,
      headers: { 'content-type': 'application/json', origin: SHOP, 'accept-language': 'fa' },
      payload: JSON.stringify({ locale: 'fa', answers: { nps: { score: 9 } } }),
    });
    const limited = await floodWithMadeUpTokens(answer);
    expect(limited?.statusCode, 'a made-up token per request was never limited').toBe(429);
    expect(limited!.json().code).toBe('rate_limited');
    const own = await answer(survey.token);
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json().status).toBe('complete');
  });
});
