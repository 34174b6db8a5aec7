import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackToken } from '../src/platform/messaging/tokens.ts';
import { startTestApp, type TestApp } from './harness.ts';
import { smsProviderServer, type SmsProviderServer } from './sms-provider.ts';

// SMS providers post delivery reports and customers' replies from a few addresses, a survey
// wave's replies all at once, and do not resend an inbound message refused with 429. These
// callbacks are public routes, but the anonymous cap (30 a minute per address, the default kept
// here) must not apply to them.

let t: TestApp;
let sms: SmsProviderServer;

beforeAll(async () => {
  sms = await smsProviderServer({ kavenegar: { apiKey: 'k-provider-hooks' } });
  t = await startTestApp({ env: { VAFA_OUTBOUND_ALLOW: '127.0.0.1' } });
  await t.vafa.listen();
});
afterAll(async () => {
  await t?.close();
  await sms?.close();
});

const REQUESTS = 45;

describe('SMS provider callbacks', () => {
  it('take a wave of replies and delivery reports from one address beyond the anonymous cap', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const channel = await t.app.inject({
      method: 'PUT', url: '/api/messaging/channels/sms', headers: { authorization: `Bearer ${ws.keys.owner}` },
      payload: { provider: 'kavenegar', baseUrl: sms.url, sender: '10004346', apiKey: 'k-provider-hooks' },
    });
    expect(channel.statusCode).toBe(200);
    const token = callbackToken(t.vafa.config, ws.tenantId);
    const post = (url: string, form: Record<string, string>) => t.app.inject({
      method: 'POST', url, remoteAddress: '198.51.100.7',
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString(),
    });
    const replies = [];
    const reports = [];
    for (let i = 0; i < REQUESTS; i++) {
      replies.push((await post(`/hooks/sms/kavenegar/${token}/inbound`, { from: `0912111${String(i).padStart(4, '0')}`, to: '10004346', message: '9', messageid: `w${i}` })).statusCode);
      reports.push((await post(`/hooks/sms/kavenegar/${token}`, { messageid: `r${i}`, status: '10' })).statusCode);
    }
    expect(new Set(replies)).toEqual(new Set([200]));
    expect(new Set(reports)).toEqual(new Set([200]));
    // Another public route from the same address is still held to the anonymous cap.
    const page = [];
    for (let i = 0; i < REQUESTS; i++) page.push((await t.app.inject({ method: 'GET', url: '/api/openapi.json', remoteAddress: '198.51.100.7' })).statusCode);
    expect(page).toContain(429);
  });
});
