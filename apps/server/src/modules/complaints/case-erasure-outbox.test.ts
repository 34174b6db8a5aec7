// A customer's erasure reaches what was sent about the anonymous cases filed with their e-mail: the
// notices to the case's contact (acknowledgement, a staff reply with its text) and the mail
// intake's acknowledgement sit in the message outbox without a customer link, so engagement's
// erasure of the customer's own messages never meets them. On real parts: a role-'all' app (relay,
// notice worker, dispatcher), a real SMTP server, the public routes over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/eventually.ts';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { startSmtpSink, type SmtpSink } from '../../../test/smtp-sink.ts';
import { receiveComplaintMessage } from './case-intake.service.ts';

let t: TestApp;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ role: 'all', env: { VAFA_PUBLIC_URL: 'https://vafa.example.test', VAFA_OUTBOUND_ALLOW: '127.0.0.1', VAFA_ANON_RATE_LIMIT: '1000' } });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await sink?.close();
});

type Headers = Record<string, string>;
let addressSerial = 0;
const freshAddress = () => `10.87.${Math.floor(++addressSerial / 250)}.${(addressSerial % 250) + 1}`;
const key = (ws: TestWorkspace, role: keyof TestWorkspace['keys'] = 'manager'): Headers => t.auth(ws.keys[role]);

async function ok(method: 'POST' | 'PUT', url: string, headers: Headers, payload?: unknown) {
  const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }), remoteAddress: freshAddress() });
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.body ? res.json() : null;
}

/** A workspace that mails the sink, with no quiet hours. */
async function workspace(): Promise<TestWorkspace> {
  const ws = await t.createWorkspace({ country: 'IR' });
  await ok('PUT', '/api/messaging/channels/email', key(ws, 'owner'), { host: sink.host, port: sink.port, fromAddress: `care@${ws.slug}.example.test`, fromName: 'Vafa' });
  await ok('PUT', '/api/messaging/policy', key(ws, 'owner'), { quietHours: null, frequencyCap: { count: 50, periodHours: 24 }, ratePerMinute: 6000 });
  return ws;
}

/** Filed on the public form with an e-mail only (no customer record), then answered by staff with `mark` in the text. */
async function fileAndReply(ws: TestWorkspace, email: string, mark: string): Promise<string> {
  const filed = await ok('POST', '/api/public/complaints', {}, { workspace: ws.slug, name: `${mark} name`, email, description: `${mark} description`, language: 'en' });
  const { rows: [row] } = await t.database.pool.query('SELECT id, customer_id FROM complaint_cases WHERE tenant_id = $1 AND tracking_code = $2', [ws.tenantId, filed.trackingCode]);
  expect(row.customer_id).toBeNull();
  await ok('POST', `/api/complaints/${row.id}/replies`, key(ws), { text: `${mark} staff reply` });
  return row.id as string;
}

/** The workspace's outbox rows about these cases (by the notices' and the intake's own records). */
async function outbox(ws: TestWorkspace, caseIds: string[]) {
  const { rows } = await t.database.pool.query(`
    SELECT id, customer_id, channel, recipient, subject, body_text, body_html, payload, status, sent_at FROM messages
    WHERE tenant_id = $1 AND (origin->>'caseId' = ANY($2) OR origin->>'complaintCaseId' = ANY($2)) ORDER BY created_at, id`, [ws.tenantId, caseIds]);
  return rows;
}

describe("a customer's erasure and the messages sent about anonymous cases with their contact", () => {
  it('redacts the notices and the mail acknowledgement sent to their e-mail, keeps when and how they went, and leaves another contact and another workspace alone', async () => {
    const ws = await workspace();
    const other = await workspace();
    const email = `kaveh-${ws.slug}@example.test`;
    // Filed by mail before any customer record existed; then on the form, with the e-mail in another letter case.
    const mailed = await t.database.db.transaction((tx) => receiveComplaintMessage(tx, ws.tenantId, {
      channel: 'email', from: email, to: `complaints+${ws.slug}@intake.example`, fromName: 'BYMAIL name', subject: 'BYMAIL subject', text: 'BYMAIL body',
      messageId: `bymail.${ws.slug}@mail.example`, receivedAt: new Date(),
    }));
    expect(mailed.kind).toBe('opened');
    const byMail = (mailed as { caseId: string }).caseId;
    const byForm = await fileAndReply(ws, email.replace('kaveh', 'Kaveh'), 'BYFORM');
    const stranger = await fileAndReply(ws, `stranger-${ws.slug}@example.test`, 'STRANGER');
    const elsewhere = await fileAndReply(other, email, 'ELSEWHERE');

    // Sent: the form case's acknowledgement and the reply, the mail case's acknowledgement (each to the e-mail).
    const sentTo = (address: string) => sink.messages.filter((m) => m.to.map((a) => a.toLowerCase()).includes(address)).length;
    await eventually(async () => sentTo(email) >= 5, 'the notices and acknowledgements sent', 60_000);
    // The sink has a mail before the dispatcher marks its row sent: wait for the rows too (a busy
    // CI machine once read one still 'sending').
    const sent = (inWorkspace: TestWorkspace, cases: string[], count: number) => eventually(async () => {
      const rows = await outbox(inWorkspace, cases);
      return rows.length >= count && rows.every((m) => m.status === 'sent') ? rows : undefined;
    }, 'the messages marked sent', 120_000);
    const before = await sent(ws, [byForm, byMail], 3);
    expect(before.every((m) => m.customer_id === null && m.recipient.toLowerCase() === email && m.status === 'sent')).toBe(true);
    expect(JSON.stringify(before)).toContain('BYFORM staff reply');
    expect(before.some((m) => m.payload !== null), 'a notice carries its sealed link').toBe(true);
    // The others' too, or the dispatcher's marks would read as the erasure's doing (CI at e6fe586).
    const untouched = { stranger: await sent(ws, [stranger], 2), elsewhere: await sent(other, [elsewhere], 2) };
    expect(JSON.stringify(untouched.stranger)).toContain('STRANGER staff reply');
    expect(JSON.stringify(untouched.elsewhere)).toContain('ELSEWHERE staff reply');

    const customer = await createCustomer(t, ws, { name: 'Kaveh', email });
    await ok('POST', `/api/customers/${customer.id}/erase`, key(ws, 'owner'));

    const after = await outbox(ws, [byForm, byMail]);
    // The same messages, each still saying when and how it went; nothing of the address or the words.
    expect(after.map((m) => [m.id, m.channel, m.status, m.sent_at])).toEqual(before.map((m) => [m.id, m.channel, m.status, m.sent_at]));
    for (const m of after) expect(m).toMatchObject({ recipient: 'erased', subject: null, body_text: '', body_html: null, payload: null });
    expect(JSON.stringify(after)).not.toMatch(/kaveh|BYFORM|BYMAIL/i);
    const { rows: [left] } = await t.database.pool.query(`SELECT count(*)::int AS n FROM messages WHERE tenant_id = $1 AND (lower(recipient) = $2 OR body_text LIKE '%BYFORM%')`, [ws.tenantId, email]);
    expect(left.n).toBe(0);

    // Another contact in the workspace, and the same e-mail in another workspace: as they were.
    expect(await outbox(ws, [stranger])).toEqual(untouched.stranger);
    expect(await outbox(other, [elsewhere])).toEqual(untouched.elsewhere);
  });
});
