// Search and channel filter of the complaint list and the SLA queue, on the server: past the first
// page, within the workspace, tracking codes typed any way, contacts in any letter form or case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { parseCaseSearch } from './case-search.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

type Item = { id: string; trackingCode: string; channel: string; contact: { name: string | null } };
const LISTS = ['/api/complaints', '/api/complaints/queue'] as const;

async function open(ws: TestWorkspace, body: Record<string, unknown>): Promise<Item> {
  const res = await t.app.inject({ method: 'POST', url: '/api/complaints', headers: t.auth(ws.keys.agent), payload: { channel: 'phone', description: 'broken', ...body } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** Every page of a list under a query, following nextCursor. */
async function all(ws: TestWorkspace, list: string, query: Record<string, string>, limit = 7): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
    const res = await t.app.inject({ method: 'GET', url: `${list}?${params}`, headers: t.auth(ws.keys.agent) });
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as { items: Item[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}
const ids = (items: { id: string }[]) => items.map((i) => i.id).sort();

const persianDigits = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));
const arabicDigits = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)));

describe('what a search means', () => {
  it('reads 4 or more digits in any script with spaces and dashes as a code prefix (and a piece of the phone), anything else as folded words', () => {
    expect(parseCaseSearch(' ۴۸۲۷-۹۱۵۳ ۰۶۴۰ ')).toEqual({ codePrefix: '482791530640', words: ['482791530640'] });
    expect(parseCaseSearch('٤٨٢٧')).toEqual({ codePrefix: '4827', words: ['4827'] });
    expect(parseCaseSearch('0912 123 4567')).toEqual({ codePrefix: '09121234567', words: ['9121234567'] });
    expect(parseCaseSearch('482')).toEqual({ words: ['482'] });
    expect(parseCaseSearch('علي  كريمي')).toEqual({ words: ['علی', 'کریمی'] });
    expect(parseCaseSearch('Sara.Ahmadi@Example.COM')).toEqual({ words: ['sara.ahmadi@example.com'] });
    expect(parseCaseSearch('   ')).toBeUndefined();
    expect(parseCaseSearch(undefined)).toBeUndefined();
  });
});

describe('searching and filtering the queue on the server', () => {
  let ws: TestWorkspace;
  let other: TestWorkspace;
  const cases: Record<string, Item> = {};
  const byChannel: Record<string, Item[]> = { phone: [], email: [], chat: [] };

  beforeAll(async () => {
    ws = await t.createWorkspace({ country: 'IR' });
    other = await t.createWorkspace({ country: 'IR' });
    // Three pages of filler first, so every case searched for below lies past the first page.
    for (let n = 0; n < 21; n++) {
      const channel = (['phone', 'email', 'chat'] as const)[n % 3]!;
      byChannel[channel]!.push(await open(ws, { channel, contactName: `مشتری ${n}`, contactPhone: `0935${String(1_000_000 + n).slice(-7)}` }));
    }
    cases.arabicSpelling = await open(ws, { channel: 'chat', contactName: 'علي كريمي', contactPhone: '09121234567' });
    cases.latin = await open(ws, { channel: 'email', contactName: 'Maryam Rezaei', contactEmail: 'Sara.Ahmadi@Example.com' });
    cases.codeLow = await open(ws, { channel: 'phone', contactName: 'کد یک' });
    cases.codeHigh = await open(ws, { channel: 'phone', contactName: 'کد دو' });
    cases.codeNext = await open(ws, { channel: 'phone', contactName: 'کد سه' });
    byChannel.chat!.push(cases.arabicSpelling);
    byChannel.email!.push(cases.latin);
    byChannel.phone!.push(cases.codeLow, cases.codeHigh, cases.codeNext);
    // Codes are random; give three of them neighbouring prefixes to search between (1239… and the 124… after it).
    const codes = { codeLow: '123900000017', codeHigh: '123999999990', codeNext: '124000000005' } as const;
    for (const [name, code] of Object.entries(codes)) {
      await t.database.pool.query('UPDATE complaint_cases SET tracking_code = $3 WHERE tenant_id = $1 AND id = $2', [ws.tenantId, cases[name]!.id, code]);
      cases[name]!.trackingCode = code;
    }
    // The same names and codes in another workspace must never show.
    await open(other, { channel: 'chat', contactName: 'علي كريمي', contactPhone: '09121234567', contactEmail: 'sara.ahmadi@example.com' });
    const foreign = await open(other, { channel: 'phone' });
    await t.database.pool.query('UPDATE complaint_cases SET tracking_code = $3 WHERE tenant_id = $1 AND id = $2', [other.tenantId, foreign.id, '123900000099']);
  }, 120_000);

  it.each(LISTS)('%s finds a case by its whole code typed in Persian or Arabic digits with dashes and spaces', async (list) => {
    const code = cases.latin!.trackingCode;
    const display = `${code.slice(0, 4)}-${code.slice(4, 8)} ${code.slice(8)}`;
    expect(ids(await all(ws, list, { q: persianDigits(display) }))).toEqual([cases.latin!.id]);
    expect(ids(await all(ws, list, { q: arabicDigits(code) }))).toEqual([cases.latin!.id]);
    expect(ids(await all(ws, list, { q: code }))).toEqual([cases.latin!.id]);
  });

  it.each(LISTS)('%s finds the cases whose code starts with 4 or more digits, and only in its own workspace', async (list) => {
    expect(ids(await all(ws, list, { q: '1239' }))).toEqual(ids([cases.codeLow!, cases.codeHigh!]));
    expect(ids(await all(ws, list, { q: '۱۲۳۹ ۹' }))).toEqual([cases.codeHigh!.id]);
    expect(ids(await all(ws, list, { q: '1240' }))).toEqual([cases.codeNext!.id]);
    expect(ids(await all(ws, list, { q: '12399999999' }))).toEqual([cases.codeHigh!.id]);
    // What the database holds for a prefix taken from a random code, found the same way.
    const prefix = cases.arabicSpelling!.trackingCode.slice(0, 5);
    const { rows } = await t.database.pool.query<{ id: string; tracking_code: string; contact_name: string | null; contact_email: string | null; contact_phone: string | null }>(
      'SELECT id, tracking_code, contact_name, contact_email, contact_phone FROM complaint_cases WHERE tenant_id = $1', [ws.tenantId]);
    const piece = prefix.replace(/^0+/, '');
    const expected = rows.filter((r) => r.tracking_code.startsWith(prefix)
      || [r.contact_name?.replace(/\s/g, ''), r.contact_email, r.contact_phone].some((v) => piece !== '' && v?.includes(piece)));
    expect(expected.map((r) => r.id)).toContain(cases.arabicSpelling!.id);
    expect(ids(await all(ws, list, { q: prefix }))).toEqual(ids(expected));
  });

  it.each(LISTS)('%s finds a contact by name in the other letter forms, any word order and case, by e-mail and by phone as typed', async (list) => {
    expect(ids(await all(ws, list, { q: 'علی کریمی' }))).toEqual([cases.arabicSpelling!.id]);
    expect(ids(await all(ws, list, { q: 'كريمي' }))).toEqual([cases.arabicSpelling!.id]);
    expect(ids(await all(ws, list, { q: 'REZAEI maryam' }))).toEqual([cases.latin!.id]);
    expect(ids(await all(ws, list, { q: 'SARA.AHMADI@example' }))).toEqual([cases.latin!.id]);
    expect(ids(await all(ws, list, { q: '0912 123 4567' }))).toEqual([cases.arabicSpelling!.id]);
    expect(ids(await all(ws, list, { q: '+98 912 123-4567' }))).toEqual([cases.arabicSpelling!.id]);
    expect(ids(await all(ws, list, { q: '۰۹۱۲۱۲۳۴۵۶۷' }))).toEqual([cases.arabicSpelling!.id]);
    // LIKE's own characters are text, not wildcards.
    expect(await all(ws, list, { q: '%%%' })).toEqual([]);
    expect(await all(ws, list, { q: 'maryam%rezaei' })).toEqual([]);
    expect(await all(ws, list, { q: 'mar_am' })).toEqual([]);
    expect(await all(ws, list, { q: 'nobody-by-this-name' })).toEqual([]);
  });

  it.each(LISTS)('%s filters by channel over every page, alone and with a search', async (list) => {
    for (const channel of ['phone', 'email', 'chat'] as const) {
      const found = await all(ws, list, { channel }, 4);
      expect(found.every((i) => i.channel === channel)).toBe(true);
      expect(ids(found)).toEqual(ids(byChannel[channel]!));
    }
    expect(await all(ws, list, { channel: 'sms' })).toEqual([]);
    expect(ids(await all(ws, list, { channel: 'chat', q: 'كريمي' }))).toEqual([cases.arabicSpelling!.id]);
    expect(await all(ws, list, { channel: 'phone', q: 'كريمي' })).toEqual([]);
    // An empty search box searches nothing: the whole list.
    expect(ids(await all(ws, list, { q: '  ' }))).toEqual(ids(Object.values(byChannel).flat()));
  });

  it.each(LISTS)('%s refuses garbage with 400 problem+json', async (list) => {
    const garbage = [
      `q=${'x'.repeat(500)}`, 'q=a%00b', 'q=a%07b', 'q=line%0Abreak', `q=${encodeURIComponent('\u009b')}`,
      'channel=fax', 'channel=', 'channel=PHONE', 'channel=phone&channel=email', 'q=a&q=b',
    ];
    for (const query of garbage) {
      const res = await t.app.inject({ method: 'GET', url: `${list}?${query}`, headers: t.auth(ws.keys.agent) });
      expect(res.statusCode, `${query}: ${res.body}`).toBe(400);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
      expect(res.json().code).toBe('validation_failed');
    }
  });

  it.each(LISTS)('%s refuses a search too short to look up (fewer than 4 digits, no word of 3 letters) with its reason in the reader\'s language', async (list) => {
    for (const q of ['ab', '12', '۱۲', 'a b', 'لا', 'ـــــ', 'عَـلِـ']) {
      const res = await t.app.inject({ method: 'GET', url: `${list}?${new URLSearchParams({ q })}`, headers: { ...t.auth(ws.keys.agent), 'accept-language': 'fa' } });
      expect(res.statusCode, `${q}: ${res.body}`).toBe(400);
      const body = res.json() as { code: string; errors: { field: string; code: string; message: string }[] };
      expect(body.code).toBe('validation_failed');
      expect(body.errors).toEqual([{ field: 'querystring.q', code: 'search_too_short', message: expect.stringMatching(/کد پیگیری/) }]);
    }
    // Three letters or digits, or four digits of a code, are enough.
    for (const q of ['علی', 'abc', '۱۲۳', '۱۲۳۴', '12-34']) {
      const res = await t.app.inject({ method: 'GET', url: `${list}?${new URLSearchParams({ q })}`, headers: t.auth(ws.keys.agent) });
      expect(res.statusCode, `${q}: ${res.body}`).toBe(200);
    }
  });
});
