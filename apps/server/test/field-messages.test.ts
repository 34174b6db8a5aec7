import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from './harness.ts';

// A refused field says its bound, in the reader's language and digits ("enter 1 or more"),
// where zod's own message only said "too short or too small"; the code stays the same for programs.

let t: TestApp;
let ws: TestWorkspace;

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.createWorkspace({ country: 'IR' });
}, 120_000);
afterAll(() => t?.close());

async function errorsOf(url: string, payload: object, language: string) {
  const res = await t.app.inject({ method: 'POST', url, payload, headers: { ...t.auth(ws.keys.manager), 'accept-language': language, 'idempotency-key': `k-${Math.random()}` } });
  expect(res.statusCode).toBe(400);
  expect(res.headers['content-type']).toContain('application/problem+json');
  return (res.json().errors as { field: string; code: string; message: string; wording?: unknown }[]);
}

describe('field messages that name their bound', () => {
  it('says the smallest number allowed, in Persian, Arabic and Latin digits', async () => {
    const customer = await t.app.inject({ method: 'POST', url: '/api/customers', payload: { name: 'عضو' }, headers: t.auth(ws.keys.manager) });
    const url = `/api/loyalty/members/${customer.json().id}/redemptions`;
    const said = {
      fa: await errorsOf(url, { points: 0, externalId: 'x' }, 'fa'),
      ar: await errorsOf(url, { points: 0, externalId: 'x' }, 'ar'),
      en: await errorsOf(url, { points: 0, externalId: 'x' }, 'en'),
    };
    for (const errors of Object.values(said)) {
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ field: 'body.points', code: 'too_small' });
      expect(errors[0]).not.toHaveProperty('wording');
    }
    expect(said.fa[0]!.message).toBe('عددی برابر ۱ یا بیشتر بنویسید.');
    expect(said.ar[0]!.message).toBe('أدخل ١ أو أكثر.');
    expect(said.en[0]!.message).toBe('Enter 1 or more.');
  });

  it('says the longest and shortest text allowed, and asks for an empty field to be filled', async () => {
    const long = await errorsOf('/api/customers', { name: 'ن'.repeat(1_000) }, 'fa');
    const name = long.find((e) => e.field === 'body.name')!;
    expect(name.code).toBe('too_big');
    expect(name.message).toMatch(/^حداکثر [۰-۹٬]+ نویسه بنویسید\.$/);
    const phone = (await errorsOf('/api/customers', { name: 'عضو', phone: '1' }, 'fa')).find((e) => e.field === 'body.phone')!;
    expect(phone.code).toBe('too_small');
    expect(phone.message).toMatch(/^دست‌کم [۰-۹]+ نویسه بنویسید\.$/);
    const program = await errorsOf('/api/loyalty/programs', { name: '' }, 'fa');
    expect(program.find((e) => e.field === 'body.name')).toMatchObject({ code: 'too_small', message: 'این خانه را پر کنید.' });
  });

  it("says a refusal's numbers in the reader's digits in its detail, not only in field messages", async () => {
    const deep = '{"a":' + '['.repeat(100) + ']'.repeat(100) + '}';
    const detail = async (language: string) => {
      const res = await t.app.inject({ method: 'POST', url: '/api/customers', payload: deep, headers: { ...t.auth(ws.keys.manager), 'content-type': 'application/json', 'accept-language': language } });
      expect([res.statusCode, res.json().code]).toEqual([400, 'json_too_deep']);
      return res.json().detail as string;
    };
    expect(await detail('fa')).toBe('بدنه‌ی درخواست بیش از ۶۴ سطح تودرتو است.');
    expect(await detail('ar')).toBe('نص الطلب متداخل بأكثر من ٦٤ مستوى.');
    expect(await detail('en')).toBe('The request body nests deeper than 64 levels.');
  });
});
