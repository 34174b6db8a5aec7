// A customer's erasure and data export reach the cases filed under a phone or e-mail they no longer
// have: the address was theirs when the case was filed (customers' contact history). Never the
// cases its next holder filed with it, never another workspace's. Over a real socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await startTestApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
}, 120_000);
afterAll(() => t?.close());

type Role = keyof TestWorkspace['keys'];

async function api(ws: TestWorkspace | null, role: Role, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) {
  const headers: Record<string, string> = { 'accept-language': 'en', ...(ws ? t.auth(ws.keys[role]) : {}) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
async function ok(ws: TestWorkspace | null, role: Role, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) {
  const res = await api(ws, role, method, path, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

const newCustomer = async (ws: TestWorkspace, body: { name: string; phone?: string; email?: string }) => (await ok(ws, 'manager', 'POST', '/api/customers', body)).id as string;

/** An anonymous case: on the public form, or recorded by an agent from a call with no customer chosen. Its id. */
async function fileAnonymous(ws: TestWorkspace, how: 'form' | 'agent', contact: { phone?: string; email?: string }, mark: string): Promise<string> {
  let code: string;
  if (how === 'form') {
    code = (await ok(null, 'owner', 'POST', '/api/public/complaints', { workspace: ws.slug, name: `${mark} name`, ...contact, description: `${mark} description`, language: 'en' })).trackingCode;
  } else {
    code = (await ok(ws, 'agent', 'POST', '/api/complaints', {
      channel: 'phone', contactName: `${mark} name`, ...(contact.phone ? { contactPhone: contact.phone } : {}), ...(contact.email ? { contactEmail: contact.email } : {}),
      severity: 'medium', description: `${mark} description`,
    })).trackingCode;
  }
  const { rows: [row] } = await t.database.pool.query('SELECT id, customer_id FROM complaint_cases WHERE tenant_id = $1 AND tracking_code = $2', [ws.tenantId, code]);
  expect(row.customer_id).toBeNull();
  await ok(ws, 'agent', 'POST', `/api/complaints/${row.id}/notes`, { text: `${mark} internal note` });
  return row.id as string;
}

/** A case's row and log as stored. */
async function stored(ws: TestWorkspace, caseId: string) {
  const cases = (await t.database.pool.query('SELECT * FROM complaint_cases WHERE tenant_id = $1 AND id = $2', [ws.tenantId, caseId])).rows;
  const log = (await t.database.pool.query('SELECT * FROM complaint_case_events WHERE tenant_id = $1 AND case_id = $2 ORDER BY id', [ws.tenantId, caseId])).rows;
  return { cases, log };
}

async function expectErased(ws: TestWorkspace, caseId: string, mark: string, address: string) {
  const after = await stored(ws, caseId);
  expect(after.cases[0]).toMatchObject({ customer_id: null, contact_name: null, contact_phone: null, contact_email: null, description: '' });
  expect(JSON.stringify(after), mark).not.toContain(mark);
  expect(JSON.stringify(after).toLowerCase()).not.toContain(address.toLowerCase());
  expect(after.log.some((l) => l.details.redacted === 'customer_erased')).toBe(true);
}

async function exportedCodes(ws: TestWorkspace, customerId: string) {
  const document = await ok(ws, 'owner', 'GET', `/api/customers/${customerId}/export`);
  return { document, cases: document.modules.complaints.cases as { trackingCode: string; linkedBy: string; contact: { phone: string | null; email: string | null } }[] };
}
const codeOf = async (ws: TestWorkspace, caseId: string) => (await t.database.pool.query('SELECT tracking_code FROM complaint_cases WHERE tenant_id = $1 AND id = $2', [ws.tenantId, caseId])).rows[0].tracking_code as string;
const historyOf = async (ws: TestWorkspace, customerId: string) => (await t.database.pool.query('SELECT kind, value FROM customer_contact_history WHERE tenant_id = $1 AND customer_id = $2', [ws.tenantId, customerId])).rows;

describe('erasure and export of cases filed under a phone or e-mail the customer has since changed', () => {
  it('a phone: the old cases are the customer\'s, the number\'s next holder keeps theirs, another workspace keeps its own', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const other = await t.createWorkspace({ country: 'IR' });
    const oldPhone = '09121110001';
    const oldE164 = '+989121110001';
    const arash = await newCustomer(ws, { name: 'Arash', phone: oldPhone });
    const byForm = await fileAnonymous(ws, 'form', { phone: '0912 111 0001' }, 'OLDFORM');
    const byCall = await fileAnonymous(ws, 'agent', { phone: oldPhone }, 'OLDCALL');

    await ok(ws, 'manager', 'PATCH', `/api/customers/${arash}`, { phone: '09121110002' });
    expect(await historyOf(ws, arash)).toEqual([{ kind: 'phone', value: oldE164 }]);
    // The number goes to someone else, who complains with it, on the form and by a call.
    const bahar = await newCustomer(ws, { name: 'Bahar', phone: oldPhone });
    const baharForm = await fileAnonymous(ws, 'form', { phone: oldPhone }, 'BAHARFORM');
    const baharCall = await fileAnonymous(ws, 'agent', { phone: oldPhone }, 'BAHARCALL');
    // The same number in another workspace, before and after.
    const elsewhereCustomer = await newCustomer(other, { name: 'Elsewhere', phone: oldPhone });
    const elsewhere = await fileAnonymous(other, 'form', { phone: oldPhone }, 'ELSEWHERE');
    expect(elsewhereCustomer).toBeTruthy();

    // The export: the old cases are Arash's, by contact; Bahar's are hers alone.
    const arashCodes = { form: await codeOf(ws, byForm), call: await codeOf(ws, byCall) };
    const baharCodes = { form: await codeOf(ws, baharForm), call: await codeOf(ws, baharCall) };
    const exported = await exportedCodes(ws, arash);
    expect(exported.cases.map((c) => c.trackingCode).sort()).toEqual([arashCodes.form, arashCodes.call].sort());
    expect(exported.cases.every((c) => c.linkedBy === 'contact' && c.contact.phone === oldE164)).toBe(true);
    expect(exported.document.modules.pastContacts).toEqual([{ kind: 'phone', value: oldE164, heldUntil: expect.any(String) }]);
    expect((await exportedCodes(ws, bahar)).cases.map((c) => c.trackingCode).sort()).toEqual([baharCodes.form, baharCodes.call].sort());

    const before = { baharForm: await stored(ws, baharForm), baharCall: await stored(ws, baharCall), elsewhere: await stored(other, elsewhere) };
    expect(JSON.stringify(before.baharForm)).toContain('BAHARFORM internal note');

    await ok(ws, 'owner', 'POST', `/api/customers/${arash}/erase`);
    await expectErased(ws, byForm, 'OLDFORM', '9121110001');
    await expectErased(ws, byCall, 'OLDCALL', '9121110001');
    expect(await stored(ws, baharForm)).toEqual(before.baharForm);
    expect(await stored(ws, baharCall)).toEqual(before.baharCall);
    expect(await stored(other, elsewhere)).toEqual(before.elsewhere);
    // The past number is forgotten with the person.
    expect(await historyOf(ws, arash)).toEqual([]);

    // Again: nothing more changes.
    const erasedOnce = { byForm: await stored(ws, byForm), byCall: await stored(ws, byCall) };
    await ok(ws, 'owner', 'POST', `/api/customers/${arash}/erase`);
    expect({ byForm: await stored(ws, byForm), byCall: await stored(ws, byCall) }).toEqual(erasedOnce);
    expect(await stored(ws, baharForm)).toEqual(before.baharForm);
    expect(await stored(ws, baharCall)).toEqual(before.baharCall);
    expect((await exportedCodes(ws, arash)).cases).toEqual([]);

    // Bahar's erasure reaches hers, and the other workspace's still stands.
    await ok(ws, 'owner', 'POST', `/api/customers/${bahar}/erase`);
    await expectErased(ws, baharForm, 'BAHARFORM', '9121110001');
    await expectErased(ws, baharCall, 'BAHARCALL', '9121110001');
    expect(await stored(other, elsewhere)).toEqual(before.elsewhere);
  });

  it('an e-mail, including a case filed before the customer record existed; its next holder keeps theirs', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const other = await t.createWorkspace({ country: 'IR' });
    const oldEmail = 'shirin.old@example.test';
    // Filed before anyone in the workspace had this address; the record that takes it is Shirin's.
    const beforeRecord = await fileAnonymous(ws, 'form', { email: 'Shirin.Old@Example.test' }, 'EARLY');
    const shirin = await newCustomer(ws, { name: 'Shirin', email: oldEmail });
    const byCall = await fileAnonymous(ws, 'agent', { email: oldEmail }, 'MAILCALL');
    await ok(ws, 'manager', 'PATCH', `/api/customers/${shirin}`, { email: 'shirin.new@example.test' });
    const current = await fileAnonymous(ws, 'form', { email: 'shirin.new@example.test' }, 'CURRENT');
    const dariush = await newCustomer(ws, { name: 'Dariush', email: oldEmail });
    const dariushCase = await fileAnonymous(ws, 'form', { email: oldEmail }, 'DARIUSH');
    const elsewhere = await fileAnonymous(other, 'form', { email: oldEmail }, 'ELSEWHERE');

    const codes = await Promise.all([beforeRecord, byCall, current].map((id) => codeOf(ws, id)));
    expect((await exportedCodes(ws, shirin)).cases.map((c) => c.trackingCode).sort()).toEqual([...codes].sort());
    expect((await exportedCodes(ws, dariush)).cases.map((c) => c.trackingCode)).toEqual([await codeOf(ws, dariushCase)]);

    const before = { dariush: await stored(ws, dariushCase), elsewhere: await stored(other, elsewhere) };
    await ok(ws, 'owner', 'POST', `/api/customers/${shirin}/erase`);
    await expectErased(ws, beforeRecord, 'EARLY', oldEmail);
    await expectErased(ws, byCall, 'MAILCALL', oldEmail);
    await expectErased(ws, current, 'CURRENT', 'shirin.new@');
    expect(await stored(ws, dariushCase)).toEqual(before.dariush);
    expect(await stored(other, elsewhere)).toEqual(before.elsewhere);

    const erasedOnce = await stored(ws, byCall);
    await ok(ws, 'owner', 'POST', `/api/customers/${shirin}/erase`);
    expect(await stored(ws, byCall)).toEqual(erasedOnce);
    expect(await stored(ws, dariushCase)).toEqual(before.dariush);
  });

  it('draws the line at the microsecond the number changed hands, as PostgreSQL holds it', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const leila = await newCustomer(ws, { name: 'Leila', phone: '09124440001' });
    const filed = await fileAnonymous(ws, 'agent', { phone: '09124440001' }, 'SAMEMS');
    await ok(ws, 'manager', 'PATCH', `/api/customers/${leila}`, { phone: '09124440002' });
    const mona = await newCustomer(ws, { name: 'Mona', phone: '09124440001' });
    // The change half a millisecond after the case came in, within the same millisecond as a JavaScript Date sees it.
    await t.database.pool.query(
      `UPDATE customer_contact_history h SET released_at = date_trunc('milliseconds', c.received_at) + interval '500 microseconds'
       FROM complaint_cases c WHERE h.tenant_id = $1 AND h.customer_id = $2 AND c.tenant_id = $1 AND c.id = $3`, [ws.tenantId, leila, filed]);
    const code = await codeOf(ws, filed);
    expect((await exportedCodes(ws, leila)).cases.map((c) => c.trackingCode)).toEqual([code]);
    expect((await exportedCodes(ws, mona)).cases).toEqual([]);
  });

  it('a phone changed by a CSV import, not the form: the old case is still theirs', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const sara = await newCustomer(ws, { name: 'Sara', phone: '09125550001', email: 'sara@example.test' });
    const filed = await fileAnonymous(ws, 'agent', { phone: '09125550001' }, 'IMPORTED');
    const data = new FormData();
    data.append('file', new Blob(['name,phone,email\nSara,09125550002,sara@example.test\n']), 'customers.csv');
    const res = await fetch(`${base}/api/imports/customers`, { method: 'POST', headers: t.auth(ws.keys.manager), body: data });
    expect(res.status, await res.clone().text()).toBe(202);
    const { id } = await res.json();
    const deadline = Date.now() + 120_000;
    let run = await ok(ws, 'manager', 'GET', `/api/imports/${id}`);
    while (run.status !== 'succeeded' && run.status !== 'failed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      run = await ok(ws, 'manager', 'GET', `/api/imports/${id}`);
    }
    expect(run).toMatchObject({ status: 'succeeded', rowsUpdated: 1 });
    expect((await ok(ws, 'manager', 'GET', `/api/customers/${sara}`)).phone).toBe('+989125550002');

    expect((await exportedCodes(ws, sara)).cases.map((c) => c.trackingCode)).toEqual([await codeOf(ws, filed)]);
    await ok(ws, 'owner', 'POST', `/api/customers/${sara}/erase`);
    await expectErased(ws, filed, 'IMPORTED', '9125550001');
  });

  it('a merged record\'s phone: its cases follow it to the survivor, in the export and the erasure', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const survivor = await newCustomer(ws, { name: 'Kian', phone: '09123330001' });
    const merged = await newCustomer(ws, { name: 'Kian K.', phone: '09123330002' });
    const mergedCase = await fileAnonymous(ws, 'agent', { phone: '09123330002' }, 'MERGEDPHONE');
    await ok(ws, 'manager', 'POST', `/api/customers/${survivor}/merge`, { sourceId: merged });
    // The freed number's next holder and their case.
    const next = await newCustomer(ws, { name: 'Nima', phone: '09123330002' });
    const nextCase = await fileAnonymous(ws, 'form', { phone: '09123330002' }, 'NEXTHOLDER');

    expect((await exportedCodes(ws, survivor)).cases.map((c) => c.trackingCode)).toEqual([await codeOf(ws, mergedCase)]);
    expect((await exportedCodes(ws, next)).cases.map((c) => c.trackingCode)).toEqual([await codeOf(ws, nextCase)]);
    const before = await stored(ws, nextCase);
    await ok(ws, 'owner', 'POST', `/api/customers/${survivor}/erase`);
    await expectErased(ws, mergedCase, 'MERGEDPHONE', '9123330002');
    expect(await stored(ws, nextCase)).toEqual(before);
    expect(await historyOf(ws, survivor)).toEqual([]);
  });
});
