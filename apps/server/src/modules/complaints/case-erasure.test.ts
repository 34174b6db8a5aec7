// A customer's erasure reaches their complaint cases: every word and file of theirs goes, in the
// erasure's transaction; what happened stays, so the queue and the reports count the cases as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { registerEraseHook } from '../customers/index.ts';
import { receiveComplaintMessage } from './case-intake.service.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

/** Customers whose erasure fails after every hook has run: the erasure must then leave nothing changed. */
const failingErasures = new Set<string>();
registerEraseHook(async (_tx, _tenantId, customerId) => {
  if (failingErasures.has(customerId)) throw new Error('erasure interrupted (test)');
});

type Headers = Record<string, string>;
const key = (ws: TestWorkspace, role: keyof TestWorkspace['keys'] = 'manager'): Headers => t.auth(ws.keys[role]);
let addressSerial = 0;
const freshAddress = () => `10.79.${Math.floor(++addressSerial / 250)}.${(addressSerial % 250) + 1}`;

async function call(method: 'GET' | 'POST', url: string, headers: Headers, payload?: unknown, remoteAddress?: string) {
  const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }), ...(remoteAddress ? { remoteAddress } : {}) });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}
async function ok(method: 'GET' | 'POST', url: string, headers: Headers, payload?: unknown, remoteAddress?: string) {
  const res = await call(method, url, headers, payload, remoteAddress);
  expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 7)]);

/** Everything stored for these cases, table by table. */
async function stored(ws: TestWorkspace, caseIds: string[]) {
  const q = async (table: string, order: string) => (await t.database.pool.query(`SELECT * FROM ${table} WHERE tenant_id = $1 AND ${table === 'complaint_cases' ? 'id' : 'case_id'} = ANY($2) ORDER BY ${order}`, [ws.tenantId, caseIds])).rows;
  return {
    cases: await q('complaint_cases', 'id'),
    log: await q('complaint_case_events', 'id'),
    messages: await q('complaint_case_messages', 'id'),
    attachments: await q('complaint_attachments', 'id'),
    facts: await q('complaint_case_facts', 'case_id'),
  };
}

/** The workspace's queue, list and reports as a manager sees them. */
async function counted(ws: TestWorkspace) {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const period = `from=${day(-2)}&to=${day(2)}&granularity=day`;
  const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id).sort();
  return {
    queue: ids(await ok('GET', '/api/complaints/queue?limit=200', key(ws))),
    list: ids(await ok('GET', '/api/complaints?state=all&limit=200', key(ws))),
    volume: await ok('GET', `/api/complaints/reports/volume?${period}`, key(ws)),
    rootCauses: await ok('GET', `/api/complaints/reports/root-causes?${period}`, key(ws)),
    handling: await ok('GET', `/api/complaints/reports/handling-times?${period}`, key(ws)),
    sla: await ok('GET', `/api/complaints/reports/sla?${period}`, key(ws)),
  };
}

/**
 * A customer with two cases full of their words: one came by e-mail with a file, was answered,
 * followed up by mail with another file, resolved and accepted on the tracking page; the other an
 * agent recorded from a call, with the customer adding to it on the tracking page. Answers the
 * words and file names that must go.
 */
async function customerWithCases(ws: TestWorkspace, who: { name: string; phone: string; email: string; mark: string }) {
  const customer = await createCustomer(t, ws, { name: who.name, phone: who.phone, email: who.email });
  const words = { subject: `${who.mark} subject`, mail: `${who.mark} mail body`, followUp: `${who.mark} follow-up`, reply: `${who.mark} staff reply`,
    note: `${who.mark} internal note`, summary: `${who.mark} resolution summary`, accept: `${who.mark} accepted`, description: `${who.mark} call description`,
    impact: `${who.mark} impact`, remedy: `${who.mark} remedy`, tracking: `${who.mark} tracking page message`, file: `${who.mark}-passport.png`, file2: `${who.mark}-receipt.png` };
  const mailId = `${who.mark}.1@mail.example`;
  const opened = await t.database.db.transaction((tx) => receiveComplaintMessage(tx, ws.tenantId, {
    channel: 'email', from: who.email, to: `complaints+${ws.slug}@intake.example`, fromName: who.name, subject: words.subject, text: words.mail,
    messageId: mailId, attachments: [{ fileName: words.file, content: PNG }], receivedAt: new Date(),
  }));
  expect(opened.kind).toBe('opened');
  const mailed = (opened as { caseId: string; trackingCode: string });
  const threaded = await t.database.db.transaction((tx) => receiveComplaintMessage(tx, ws.tenantId, {
    channel: 'email', from: who.email, to: `complaints+${ws.slug}@intake.example`, subject: `Re: ${words.subject}`, text: words.followUp,
    messageId: `${who.mark}.2@mail.example`, references: [mailId], attachments: [{ fileName: words.file2, content: PNG }], receivedAt: new Date(),
  }));
  expect(threaded).toMatchObject({ kind: 'threaded', caseId: mailed.caseId });
  await ok('POST', `/api/complaints/${mailed.caseId}/replies`, key(ws), { text: words.reply });
  await ok('POST', `/api/complaints/${mailed.caseId}/notes`, key(ws), { text: words.note });
  await ok('POST', `/api/complaints/${mailed.caseId}/actions`, key(ws), { action: 'assess' });
  await ok('POST', `/api/complaints/${mailed.caseId}/actions`, key(ws), { action: 'propose_resolution', resolutionSummary: words.summary });
  await ok('POST', `/api/complaints/${mailed.caseId}/actions`, key(ws), { action: 'communicate_resolution', rootCause: 'delivery' });
  await ok('POST', '/api/public/complaints/case/accept', {}, { workspace: ws.slug, code: mailed.trackingCode, verification: who.email, note: words.accept }, freshAddress());

  const called = await ok('POST', '/api/complaints', key(ws, 'agent'), {
    channel: 'phone', customerId: customer.id, contactName: who.name, contactPhone: who.phone, contactEmail: who.email, category: 'delivery', severity: 'high',
    description: words.description, impact: words.impact, remedySought: words.remedy,
  });
  await ok('POST', '/api/public/complaints/case/messages', {}, { workspace: ws.slug, code: called.trackingCode, verification: who.phone.slice(-4), message: words.tracking }, freshAddress());
  const secrets = [...Object.values(words), who.name, who.email, who.phone.slice(1), who.mark];
  return { customer, caseIds: [mailed.caseId, called.id as string], closedId: mailed.caseId, openId: called.id as string, secrets };
}

/** The rows with their words taken out: what erasure must leave exactly as it was. */
function facts(rows: Awaited<ReturnType<typeof stored>>) {
  return {
    cases: rows.cases.map(({ contact_name: _n, contact_phone: _p, contact_email: _e, description: _d, impact: _i, remedy_sought: _r, resolution_summary: _s, created_by: by, ...rest }) => ({
      ...rest, createdBy: String(by).replace(/^(email|sms):.*$/, '$1'),
    })),
    log: rows.log.map(({ note: _note, details: { subject: _subject, resolutionSummary: _summary, redacted: _redacted, ...details }, ...rest }) => ({ ...rest, details })),
    facts: rows.facts,
  };
}

describe("a customer's erasure and their complaint cases", () => {
  it('removes every word and file of theirs from their cases, keeps what happened, and the queue and reports count the cases as before', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const who = await customerWithCases(ws, { name: 'پریسا نوروزی', phone: '09127654321', email: 'parisa.norouzi@example.test', mark: 'PARISA' });
    const bystander = await customerWithCases(ws, { name: 'بهرام کاظمی', phone: '09125550001', email: 'bahram@example.test', mark: 'BAHRAM' });
    const before = await stored(ws, who.caseIds);
    // The cases hold the words to begin with, so finding none afterwards means something.
    for (const secret of who.secrets) expect(JSON.stringify(before), secret).toContain(secret);
    expect(before.attachments).toHaveLength(2);
    expect(before.messages.filter((m) => m.direction === 'inbound')).toHaveLength(2);
    expect(before.log.some((l) => l.actor_type === 'customer' && l.note)).toBe(true);
    const countedBefore = await counted(ws);
    expect(countedBefore.queue).toContain(who.openId);
    expect(countedBefore.list).toEqual(expect.arrayContaining(who.caseIds));
    // Two customers, two cases each (one closed on delivery): what the reports must still say afterwards.
    expect(countedBefore.volume.totals).toEqual({ received: 4, closed: 2 });
    expect(countedBefore.rootCauses.items).toEqual([expect.objectContaining({ code: 'delivery', count: 2 })]);
    const attachmentUrl = `/api/complaints/${who.closedId}/attachments/${before.attachments[0].id}`;
    expect((await t.app.inject({ method: 'GET', url: attachmentUrl, headers: key(ws) })).statusCode).toBe(200);

    await ok('POST', `/api/customers/${who.customer.id}/erase`, key(ws, 'owner'));

    const after = await stored(ws, who.caseIds);
    const text = JSON.stringify(after);
    for (const secret of who.secrets) expect(text, secret).not.toContain(secret);
    expect(text).not.toContain('7654321');
    // The files are gone, bytes and names; their downloads with them.
    expect(after.attachments).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: attachmentUrl, headers: key(ws) })).statusCode).toBe(404);
    expect(after.messages.map((m) => [m.message_id_header, m.from_address, m.to_address, m.subject, m.body_text])).toEqual(before.messages.map(() => [null, null, null, null, '']));
    for (const row of after.cases) {
      expect(row).toMatchObject({ contact_name: null, contact_phone: null, contact_email: null, description: '', impact: null, remedy_sought: null, resolution_summary: null });
    }
    // The log keeps every line, who, when, which step, from and to; only the words go, each such line saying why.
    expect(after.log.every((l) => l.note === null)).toBe(true);
    for (const [n, line] of before.log.entries()) {
      const hadWords = line.note !== null || 'subject' in line.details || 'resolutionSummary' in line.details;
      expect(after.log[n].details.redacted, `line ${line.id}`).toBe(hadWords ? 'customer_erased' : undefined);
    }
    expect(facts(after)).toEqual(facts(before));
    expect(after.cases.find((c) => c.id === who.closedId)).toMatchObject({ state: 'closed', root_cause: 'delivery', category: null, channel: 'email' });
    expect(after.log.find((l) => l.to_state === 'resolution_communicated')?.details).toMatchObject({ rootCause: 'delivery' });
    // Counted exactly as before: in the queue, the list and every report.
    expect(await counted(ws)).toEqual(countedBefore);
    // The case page still opens, silent where the customer spoke.
    const page = await ok('GET', `/api/complaints/${who.closedId}`, key(ws));
    expect(page).toMatchObject({ id: who.closedId, contact: { name: null, phone: null, email: null }, description: '', state: 'closed', rootCause: 'delivery' });
    expect(JSON.stringify(page)).not.toContain('PARISA');

    // Another customer's cases keep every word.
    const untouched = await stored(ws, bystander.caseIds);
    for (const secret of bystander.secrets) expect(JSON.stringify(untouched), secret).toContain(secret);
    expect(untouched.attachments).toHaveLength(2);
  });

  it('changes nothing of the cases when the erasure fails after their hook has run', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const who = await customerWithCases(ws, { name: 'نگار صادقی', phone: '09124443322', email: 'negar@example.test', mark: 'NEGAR' });
    const before = await stored(ws, who.caseIds);
    failingErasures.add(who.customer.id);
    const res = await call('POST', `/api/customers/${who.customer.id}/erase`, key(ws, 'owner'));
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(await stored(ws, who.caseIds)).toEqual(before);
    const { rows } = await t.database.pool.query('SELECT erased_at FROM customers WHERE tenant_id = $1 AND id = $2', [ws.tenantId, who.customer.id]);
    expect(rows[0].erased_at).toBeNull();
    failingErasures.delete(who.customer.id);
    await ok('POST', `/api/customers/${who.customer.id}/erase`, key(ws, 'owner'));
    const after = JSON.stringify(await stored(ws, who.caseIds));
    for (const secret of who.secrets) expect(after, secret).not.toContain(secret);
  });
});

describe("a customer's erasure and the anonymous cases that carry their contact", () => {
  it('redacts anonymous cases filed with their e-mail or phone, and no case of another contact or another workspace', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const other = await t.createWorkspace({ country: 'IR' });
    const customer = await createCustomer(t, ws, { name: 'Kaveh', phone: '09121234567', email: 'kaveh@example.test' });
    /** A public filing (no customer record), with a staff note and the complainant's own message on its log. */
    const file = async (w: TestWorkspace, contact: { email?: string; phone?: string }, mark: string) => {
      const filed = await ok('POST', '/api/public/complaints', {}, { workspace: w.slug, name: `${mark} name`, ...contact, description: `${mark} description`, language: 'en' }, freshAddress());
      const { rows: [row] } = await t.database.pool.query('SELECT id, customer_id FROM complaint_cases WHERE tenant_id = $1 AND tracking_code = $2', [w.tenantId, filed.trackingCode]);
      expect(row.customer_id).toBeNull();
      await ok('POST', `/api/complaints/${row.id}/notes`, key(w), { text: `${mark} internal note` });
      const proof = contact.email ? contact.email : contact.phone!.slice(-4);
      await ok('POST', '/api/public/complaints/case/messages', {}, { workspace: w.slug, code: filed.trackingCode, verification: proof, message: `${mark} tracking message` }, freshAddress());
      return row.id as string;
    };
    // Their e-mail as typed in another letter case, and their phone in its local form (stored as E.164).
    const byEmail = await file(ws, { email: 'Kaveh@Example.test' }, 'BYMAIL');
    const byPhone = await file(ws, { phone: '0912 123 4567' }, 'BYPHONE');
    const stranger = await file(ws, { email: 'kaveh.other@example.test' }, 'STRANGER');
    const elsewhere = await file(other, { email: 'kaveh@example.test' }, 'ELSEWHERE');
    const rowsOf = async (w: TestWorkspace, id: string) => stored(w, [id]);
    const before = { stranger: await rowsOf(ws, stranger), elsewhere: await rowsOf(other, elsewhere) };
    for (const [id, mark] of [[byEmail, 'BYMAIL'], [byPhone, 'BYPHONE']] as const) expect(JSON.stringify(await rowsOf(ws, id))).toContain(`${mark} internal note`);

    await ok('POST', `/api/customers/${customer.id}/erase`, key(ws, 'owner'));

    for (const [id, mark] of [[byEmail, 'BYMAIL'], [byPhone, 'BYPHONE']] as const) {
      const after = await rowsOf(ws, id);
      expect(JSON.stringify(after), mark).not.toContain(mark);
      expect(JSON.stringify(after)).not.toMatch(/kaveh@|1234567/i);
      expect(after.cases[0]).toMatchObject({ customer_id: null, contact_name: null, contact_phone: null, contact_email: null, description: '' });
      expect(after.log.every((l) => l.note === null)).toBe(true);
      expect(after.log.filter((l) => l.details.redacted === 'customer_erased').length).toBeGreaterThanOrEqual(2);
    }
    // Another contact in the same workspace, and the same e-mail in another workspace: untouched.
    expect(await rowsOf(ws, stranger)).toEqual(before.stranger);
    expect(await rowsOf(other, elsewhere)).toEqual(before.elsewhere);
    expect(JSON.stringify(before.elsewhere)).toContain('ELSEWHERE tracking message');
  });
});
