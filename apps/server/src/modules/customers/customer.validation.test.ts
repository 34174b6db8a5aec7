// What the server refuses about a customer and how it says so (issue web-finish: dates and
// validation): nobody to name or reach, a birthday not yet born, a duplicate phone that points
// at the customer who has it; and birthday rules counted in the workspace's calendar.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateCustomer, latestToday } from '@vafa/contracts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { createCustomer } from '../../../test/factories.ts';

let t: TestApp;
let iran: TestWorkspace;

function send(ws: TestWorkspace, method: 'POST' | 'PATCH', url: string, payload: object, language = 'en') {
  return t.app.inject({ method, url, headers: { ...t.auth(ws.keys.manager), 'accept-language': language }, payload });
}

/** The Solar Hijri day of a Gregorian ISO day, read with Intl (independent of the server's calendar code). */
function persianDay(iso: string): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { year: 'numeric', month: 'numeric', day: 'numeric', timeZone: 'UTC' })
    .formatToParts(new Date(`${iso}T12:00:00Z`));
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value.replace(/\D/g, ''));
  return { year: part('year'), month: part('month'), day: part('day') };
}

beforeAll(async () => {
  t = await startTestApp();
  iran = await t.createWorkspace({ country: 'IR' });
});
afterAll(() => t?.close());

describe('a customer needs a name or a way to reach them', () => {
  it('refuses an empty customer with a field error on the name, localised', async () => {
    const res = await send(iran, 'POST', '/api/customers', {}, 'fa');
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('validation_failed');
    expect(body.errors).toEqual([{ field: 'body.name', code: 'name_or_contact_required', message: 'نام، یا تلفن یا ایمیلی برای تماس وارد کنید.' }]);
    // An external id or tags reach nobody.
    const tagged = await send(iran, 'POST', '/api/customers', { externalId: 'crm-1', tags: ['vip'] });
    expect(tagged.statusCode).toBe(400);
    expect(tagged.json().errors.map((e: { code: string }) => e.code)).toEqual(['name_or_contact_required']);
  });

  it('accepts a name alone, or a phone alone', async () => {
    expect((await send(iran, 'POST', '/api/customers', { name: 'بی‌نشانی' })).statusCode).toBe(201);
    expect((await send(iran, 'POST', '/api/customers', { phone: '۰۹۱۲ ۰۰۰ ۱۱۲۲' })).statusCode).toBe(201);
  });

  it('refuses a change that takes the last of them away, and keeps the record as it was', async () => {
    const customer = await createCustomer(t, iran, { name: 'نگار', phone: undefined });
    const res = await send(iran, 'PATCH', `/api/customers/${customer.id}`, { name: null });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([{ field: 'name', code: 'name_or_contact_required', message: 'Give a name, or a phone or e-mail to reach them.' }]);
    const after = await t.app.inject({ method: 'GET', url: `/api/customers/${customer.id}`, headers: t.auth(iran.keys.manager) });
    expect(after.json().name).toBe('نگار');
  });

  it('reports every bad field at once', async () => {
    const res = await send(iran, 'POST', '/api/customers', { email: 'not-an-email', phone: '1', birthday: { calendar: 'gregory', year: 2031, month: 2, day: 1 } });
    expect(res.statusCode).toBe(400);
    const fields = res.json().errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`).sort();
    expect(fields).toEqual(['body.birthday:birthday_in_future', 'body.email:invalid_format', 'body.phone:too_small']);
    // With nobody to name or reach as well, that is said alongside the bad birthday.
    const empty = await send(iran, 'POST', '/api/customers', { birthday: { calendar: 'gregory', year: 2031, month: 1, day: 1 } });
    expect(empty.json().errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`).sort())
      .toEqual(['body.birthday:birthday_in_future', 'body.name:name_or_contact_required']);
  });
});

describe('a birthday cannot be in the future', () => {
  it('refuses tomorrow-and-a-day in the Solar Hijri calendar, on create and on change', async () => {
    const future = new Date(`${latestToday()}T12:00:00Z`);
    future.setUTCDate(future.getUTCDate() + 1);
    const birthday = { calendar: 'persian', ...persianDay(future.toISOString().slice(0, 10)) };
    const res = await send(iran, 'POST', '/api/customers', { name: 'آینده', birthday }, 'fa');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ field: 'body.birthday', code: 'birthday_in_future', message: 'تاریخ تولد نمی‌تواند در آینده باشد.' }]);

    const customer = await createCustomer(t, iran);
    const patch = await send(iran, 'PATCH', `/api/customers/${customer.id}`, { birthday: { calendar: 'gregory', year: 2031, month: 1, day: 1 } });
    expect(patch.statusCode).toBe(400);
    expect(patch.json().errors[0].code).toBe('birthday_in_future');
  });

  it('accepts today and stores the calendar the day was given in', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const birthday = { calendar: 'persian' as const, ...persianDay(today) };
    const res = await send(iran, 'POST', '/api/customers', { name: 'امروز', birthday });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().birthday).toEqual({ ...birthday, iso: today });
  });

  it('is the same check the web app runs before sending (one schema)', () => {
    const result = CreateCustomer.safeParse({ birthday: { calendar: 'gregory', year: 2031, month: 5, day: 1 } });
    expect(result.success).toBe(false);
    const codes = result.error!.issues.map((i) => (i.code === 'custom' ? (i.params as { code: string }).code : i.code)).sort();
    expect(codes).toEqual(['birthday_in_future', 'name_or_contact_required']);
  });
});

describe('an imported birthday cannot be in the future either', () => {
  it('reports the row and imports the others', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const csv = 'name,phone,birthday\nگذشته,09124440001,1370/05/17\nآینده,09124440002,1410/01/01\n';
    const data = new FormData();
    data.append('file', new Blob([csv]), 'customers.csv');
    const encoded = new Response(data);
    const res = await t.app.inject({
      method: 'POST', url: '/api/imports/customers', payload: Buffer.from(await encoded.arrayBuffer()),
      headers: { ...t.auth(ws.keys.manager), 'content-type': encoded.headers.get('content-type')! },
    });
    expect(res.statusCode, res.body).toBe(202);
    let run: { status: string } = { status: 'queued' };
    for (let i = 0; i < 2400 && run.status !== 'succeeded' && run.status !== 'failed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      run = (await t.app.inject({ method: 'GET', url: `/api/imports/${res.json().id}`, headers: t.auth(ws.keys.manager) })).json();
    }
    expect(run.status).toBe('succeeded');
    const { rows: errors } = await t.database.pool.query('SELECT row_number, problems FROM import_errors WHERE tenant_id = $1', [ws.tenantId]);
    expect(errors).toEqual([{ row_number: 3, problems: [{ field: 'birthday', code: 'birthday_in_future' }] }]);
    const { rows } = await t.database.pool.query('SELECT name, birthday::text AS birthday, birthday_calendar FROM customers WHERE tenant_id = $1', [ws.tenantId]);
    expect(rows).toEqual([{ name: 'گذشته', birthday: '1991-08-08', birthday_calendar: 'persian' }]);
  });
});

describe('a duplicate points at the customer who already has the value', () => {
  it('carries the existing customer id and names the field in the reader\'s language', async () => {
    const existing = await createCustomer(t, iran, { phone: '09121112233' });
    const res = await send(iran, 'POST', '/api/customers', { name: 'دوم', phone: '+98 912 111 2233' }, 'fa');
    expect(res.statusCode).toBe(409);
    const body = res.json();
    expect(body.code).toBe('duplicate_customer');
    expect(body.detail).toBe('مشتری دیگری همین تلفن را دارد.');
    expect(body.errors).toEqual([{ field: 'phone', code: 'duplicate_customer', message: 'مشتری دیگری همین تلفن را دارد.', existingId: existing.id }]);

    const ar = await send(iran, 'POST', '/api/customers', { name: 'ثالث', phone: '09121112233' }, 'ar');
    expect(ar.json().detail).toBe('عميل آخر لديه نفس الهاتف.');

    const other = await createCustomer(t, iran);
    const patch = await send(iran, 'PATCH', `/api/customers/${other.id}`, { phone: '09121112233' });
    expect(patch.statusCode).toBe(409);
    expect(patch.json().errors[0]).toMatchObject({ field: 'phone', existingId: existing.id });
    expect(patch.json().detail).toBe('Another customer already has this phone.');
  });
});

describe('birthday rules count months in the workspace calendar', () => {
  async function members(ws: TestWorkspace, months: number[]): Promise<string[]> {
    const res = await t.app.inject({
      method: 'POST', url: '/api/segments/preview', headers: t.auth(ws.keys.analyst),
      payload: { rules: { match: 'all', conditions: [{ field: 'birthdayMonth', op: months.length === 1 ? 'eq' : 'in', value: months.length === 1 ? months[0] : months }] } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { sample?: { name: string }[]; items?: { name: string }[]; count?: number };
    return (body.sample ?? body.items ?? []).map((c) => c.name).sort();
  }

  it('Solar Hijri: Esfand and Farvardin split at Nowruz, whatever the Gregorian month', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const born = async (name: string, iso: string) => {
      const [year, month, day] = iso.split('-').map(Number);
      await createCustomer(t, ws, { name, phone: undefined, birthday: { calendar: 'gregory', year, month, day } });
    };
    await born('last-of-esfand-1369', '1991-03-20'); // 29 Esfand 1369
    await born('nowruz-1370', '1991-03-21'); // 1 Farvardin 1370
    await born('leap-esfand-30', '2025-03-20'); // 30 Esfand 1403 (a leap year)
    await born('nowruz-1404', '2025-03-21');
    await born('shahrivar-31', '2000-09-21'); // 31 Shahrivar 1379
    await born('mehr-1', '2000-09-22'); // 1 Mehr 1379
    await born('dey', '2000-01-01'); // 11 Dey 1378
    expect(await members(ws, [1])).toEqual(['nowruz-1370', 'nowruz-1404']);
    expect(await members(ws, [12])).toEqual(['last-of-esfand-1369', 'leap-esfand-30']);
    expect(await members(ws, [6])).toEqual(['shahrivar-31']);
    expect(await members(ws, [7, 10])).toEqual(['dey', 'mehr-1']);
  });

  it('Umm al-Qura: Ramadan is Ramadan in every year', async () => {
    const ws = await t.createWorkspace({ country: 'SA' });
    const born = async (name: string, birthday: object) => { await createCustomer(t, ws, { name, phone: undefined, birthday }); };
    await born('ramadan-1446', { calendar: 'islamic-umalqura', year: 1446, month: 9, day: 1 }); // 2025-03-01
    await born('ramadan-1411', { calendar: 'gregory', year: 1991, month: 3, day: 20 }); // 3 Ramadan 1411
    await born('shaban-1446', { calendar: 'islamic-umalqura', year: 1446, month: 8, day: 29 });
    expect(await members(ws, [9])).toEqual(['ramadan-1411', 'ramadan-1446']);
    expect(await members(ws, [8])).toEqual(['shaban-1446']);
  });
});
