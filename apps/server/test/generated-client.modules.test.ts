import { createVafaClient, type paths, type Schemas, type VafaClient } from '@vafa/client';
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './eventually.ts';
import { startTestApp, type TestApp, type TestWorkspace } from './harness.ts';

// The three modules the product is named for, driven the way an integrator drives them: through
// the client a third-party generator (openapi-typescript + openapi-fetch) makes from the document,
// with the public endpoints called without a key, as a customer's browser or a shop's site calls them.
// A path, a body or a status the document gets wrong fails here (or in typecheck), not in their code.

let t: TestApp;
let baseUrl: string;
let ws: TestWorkspace;
let staff: VafaClient;
/** No key at all: what a respondent's or complainant's page uses. */
let anyone: ReturnType<typeof createClient<paths>>;

beforeAll(async () => {
  t = await startTestApp();
  baseUrl = await t.vafa.listen();
  ws = await t.createWorkspace({ country: 'IR' });
  staff = createVafaClient(baseUrl, ws.keys.manager);
  anyone = createClient<paths>({ baseUrl });
});
afterAll(() => t?.close());

describe('feedback, complaints and loyalty through the generated client', () => {
  it('creates and publishes an NPS survey, answers it without a key and reads the score', async () => {
    const created = await staff.POST('/api/surveys', { body: { template: 'nps' }, headers: { 'Idempotency-Key': `survey-${ws.slug}` } });
    expect(created.response.status).toBe(201);
    const survey: Schemas['Survey'] = created.data!;
    const published = await staff.POST('/api/surveys/{id}/publish', { params: { path: { id: survey.id } } });
    expect(published.response.status).toBe(200);
    expect(published.data!.status).toBe('live');
    const token = published.data!.publicToken!;
    expect(token).toBeTruthy();

    const page = await anyone.GET('/api/public/surveys/{token}', { params: { path: { token } } });
    expect(page.response.status).toBe(200);
    const npsQuestion = page.data!.questions.find((q) => q.type === 'nps')!;
    expect(npsQuestion).toBeDefined();

    for (const score of [2, 10, 10]) {
      const answered = await anyone.POST('/api/public/surveys/{token}/responses', {
        params: { path: { token } },
        body: { answers: { [npsQuestion.id]: { score } }, complete: true, locale: 'fa' },
      });
      expect(answered.response.status).toBe(201);
      expect(answered.data!.status).toBe('complete');
    }
    const refused = await anyone.POST('/api/public/surveys/{token}/responses', {
      params: { path: { token } },
      body: { answers: { [npsQuestion.id]: { score: 11 } }, complete: true },
    });
    expect(refused.response.status).toBe(422);
    expect(refused.error?.code).toBeTruthy();

    // Two promoters and a detractor: NPS = 2/3 − 1/3 = 33.3 over n = 3.
    const results = await eventually(async () => {
      const r = (await staff.GET('/api/surveys/{id}/results', { params: { path: { id: survey.id } } })).data!;
      return r.questions.some((q) => q.questionId === npsQuestion.id && q.n === 3) && r;
    }, 'the three answers in the results');
    const nps = results.questions.find((q) => q.questionId === npsQuestion.id)!;
    expect(nps.type).toBe('nps');
    if (nps.type !== 'nps' && nps.type !== 'enps') throw new Error('not an NPS result');
    expect([nps.promoters, nps.passives, nps.detractors]).toEqual([2, 0, 1]);
    expect(nps.score?.value).toBeCloseTo(100 / 3, 5);
  });

  it('files a complaint without a key, tracks it by code and phone, and finds it in the staff queue', async () => {
    const filed = await anyone.POST('/api/public/complaints', {
      body: { workspace: ws.slug, name: 'مشتری کلاینت', phone: '09121230001', description: 'سفارش من دیر رسید', language: 'fa' },
    });
    expect(filed.response.status).toBe(201);
    const { trackingCode } = filed.data!;

    // The last four digits, or the whole number as people type it (Persian digits, +98): each proves the case is theirs.
    for (const verification of ['۰۰۰۱', '۰۹۱۲ ۱۲۳ ۰۰۰۱', '+989121230001']) {
      const tracked = await anyone.POST('/api/public/complaints/track', { body: { workspace: ws.slug, code: trackingCode, verification, language: 'fa' } });
      expect(tracked.response.status, `${verification}: ${JSON.stringify(tracked.error)}`).toBe(200);
      expect(tracked.data!.trackingCode).toBe(trackingCode);
    }
    for (const verification of ['0002', '09121230002', '+971501230001']) {
      const wrong = await anyone.POST('/api/public/complaints/track', { body: { workspace: ws.slug, code: trackingCode, verification } });
      expect(wrong.response.status, verification).toBe(404);
      expect(wrong.error?.code).toBe('complaint_not_found');
    }

    const queue = await staff.GET('/api/complaints', {});
    expect(queue.response.status).toBe(200);
    expect(queue.data!.items.map((c) => c.trackingCode)).toContain(trackingCode);
  });

  it('earns on an order, redeems, returns part of the order and verifies the ledger', async () => {
    const program = await staff.POST('/api/loyalty/programs', {
      body: { name: 'باشگاه کلاینت', settings: { spend: { points: 1, per: 10_000 } } },
      headers: { 'Idempotency-Key': `program-${ws.slug}` },
    });
    expect(program.response.status).toBe(201);
    const customer = await staff.POST('/api/customers', { body: { name: 'عضو کلاینت', phone: '09121230002' } });
    expect(customer.response.status).toBe(201);
    const customerId = customer.data!.id;

    const order = {
      externalId: `order-${ws.slug}`, customerId, programId: program.data!.id,
      lines: [{ id: 'a', amount: 1_500_000 }, { id: 'b', amount: 500_000 }],
    };
    const earned = await staff.POST('/api/loyalty/orders', { body: order });
    expect(earned.response.status).toBe(201);
    expect(earned.data!.points).toBe(200);
    // The same order again (a POS retry) answers the first, with no more points.
    const again = await staff.POST('/api/loyalty/orders', { body: order });
    expect(again.response.status).toBe(200);
    expect(again.data!.entryId).toBe(earned.data!.entryId);

    const redeemed = await staff.POST('/api/loyalty/members/{customerId}/redemptions', {
      params: { path: { customerId } }, body: { points: 120, externalId: `checkout-${ws.slug}` },
    });
    expect(redeemed.response.status).toBe(201);
    // No externalId and no Idempotency-Key: a retry could spend twice, so it is refused.
    const unkeyed = await staff.POST('/api/loyalty/members/{customerId}/redemptions', { params: { path: { customerId } }, body: { points: 1 } });
    expect(unkeyed.response.status).toBe(400);
    expect(unkeyed.error?.code).toBe('idempotency_key_required');
    const tooMuch = await staff.POST('/api/loyalty/members/{customerId}/redemptions', {
      params: { path: { customerId } }, body: { points: 1_000 }, headers: { 'Idempotency-Key': `too-much-${ws.slug}` },
    });
    expect(tooMuch.response.status, JSON.stringify(tooMuch.error)).toBe(409);
    expect(tooMuch.error?.code).toBeTruthy();

    const returned = await staff.POST('/api/loyalty/orders/{externalId}/returns', {
      params: { path: { externalId: order.externalId } }, body: { returnId: `return-${ws.slug}`, lines: [{ id: 'b' }] },
    });
    expect(returned.response.status).toBe(201);
    expect(returned.data!.points).toBe(50);

    const balance = await staff.GET('/api/loyalty/members/{customerId}', { params: { path: { customerId } } });
    expect(balance.data!.available + balance.data!.pending).toBe(200 - 120 - 50);

    const verified = await staff.GET('/api/loyalty/verify', {});
    expect(verified.response.status).toBe(200);
    expect(verified.data!.ok).toBe(true);
  });
});
