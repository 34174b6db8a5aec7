// A person's complaints in their data export (right of access), over HTTP on a real PostgreSQL:
// their linked cases and the anonymous ones filed with their contact, everything said on them,
// internal notes marked internal, and nothing of another person or another workspace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { receiveComplaintMessage } from './case-intake.service.ts';
import { recordCaseSurveyAnswer } from './case-csat.ts';
import type { CustomerCasesExport } from './case-export.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 120_000);
afterAll(() => t?.close());

type Headers = Record<string, string>;
const key = (ws: TestWorkspace, role: keyof TestWorkspace['keys'] = 'manager'): Headers => t.auth(ws.keys[role]);
let addressSerial = 0;
const freshAddress = () => `10.77.${Math.floor(++addressSerial / 250)}.${(addressSerial % 250) + 1}`;

async function ok(method: 'GET' | 'POST', url: string, headers: Headers, payload?: unknown, remoteAddress?: string) {
  const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }), ...(remoteAddress ? { remoteAddress } : {}) });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return res.json();
}
const step = (ws: TestWorkspace, id: string, body: Record<string, unknown>) => ok('POST', `/api/complaints/${id}/actions`, key(ws), body);
const fileAnonymously = (ws: TestWorkspace, contact: Record<string, string>, description: string) =>
  ok('POST', '/api/public/complaints', {}, { workspace: ws.slug, name: 'Anon', ...contact, description, language: 'en' }, freshAddress());

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 3)]);

describe("a customer's data export and their complaints", () => {
  it('holds their cases and the anonymous ones with their contact, with what was said, internal notes marked, CSAT answers, and nothing of others', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const other = await t.createWorkspace({ country: 'IR' });
    const email = 'shirin@example.test';
    const customer = await createCustomer(t, ws, { name: 'Shirin', phone: '09123334455', email });
    const bystander = await createCustomer(t, ws, { name: 'Omid', email: 'omid@example.test' });

    // By e-mail with a file (intake links it to the customer by the sender), answered, noted, resolved, closed, rated.
    const mailed = await t.database.db.transaction((tx) => receiveComplaintMessage(tx, ws.tenantId, {
      channel: 'email', from: email, to: `complaints+${ws.slug}@intake.example`, fromName: 'Shirin', subject: 'Broken kettle', text: 'The kettle leaks.',
      messageId: 'shirin.1@mail.example', attachments: [{ fileName: 'kettle.png', content: PNG }], receivedAt: new Date(),
    })) as { kind: string; caseId: string; trackingCode: string };
    expect(mailed.kind).toBe('opened');
    await ok('POST', `/api/complaints/${mailed.caseId}/replies`, key(ws), { text: 'Sorry, we will replace it.' });
    await ok('POST', `/api/complaints/${mailed.caseId}/notes`, key(ws), { text: 'Customer sounded upset; third kettle this year.' });
    await step(ws, mailed.caseId, { action: 'assess' });
    await step(ws, mailed.caseId, { action: 'propose_resolution', resolutionSummary: 'A new kettle.' });
    await step(ws, mailed.caseId, { action: 'communicate_resolution', rootCause: 'product_quality' });
    await step(ws, mailed.caseId, { action: 'close' });
    const responseId = crypto.randomUUID();
    await t.database.db.transaction((tx) => recordCaseSurveyAnswer(tx, ws.tenantId, {
      caseId: mailed.caseId, responseId, surveyId: crypto.randomUUID(), score: 4, points: 5, negative: false, answeredAt: new Date(),
    }, new Date()));

    // Filed on the public form without a record, with their e-mail in capitals: theirs by contact.
    const anonymous = await fileAnonymously(ws, { email: 'SHIRIN@example.test' }, 'The shop was closed at opening time.');
    // Not theirs: another customer's case, an anonymous case of another contact, their e-mail in another workspace.
    await ok('POST', '/api/complaints', key(ws, 'agent'), { channel: 'phone', customerId: bystander.id, description: 'OMID-ONLY words' });
    await fileAnonymously(ws, { email: 'shirin.other@example.test' }, 'STRANGER-ONLY words');
    await fileAnonymously(other, { email }, 'OTHER-WORKSPACE words');

    const document = await ok('GET', `/api/customers/${customer.id}/export`, key(ws, 'analyst'));
    const section = document.modules.complaints as CustomerCasesExport;
    const text = JSON.stringify(section);
    for (const foreign of ['OMID-ONLY', 'STRANGER-ONLY', 'OTHER-WORKSPACE']) expect(text).not.toContain(foreign);
    expect(section.cases.map((c) => [c.trackingCode, c.linkedBy])).toEqual([[mailed.trackingCode, 'customer'], [anonymous.trackingCode, 'contact']]);

    const [byMail, byForm] = section.cases;
    expect(byMail).toMatchObject({
      channel: 'email', state: 'closed', rootCause: 'product_quality', resolutionSummary: 'A new kettle.', description: expect.stringContaining('The kettle leaks.'),
      closedAt: expect.stringMatching(/^\d{4}-/), receivedAt: expect.stringMatching(/^\d{4}-/),
      // Their mail and the acknowledgement intake sent back.
      messages: [
        expect.objectContaining({ direction: 'inbound', channel: 'email', from: email, subject: 'Broken kettle', text: 'The kettle leaks.' }),
        expect.objectContaining({ direction: 'outbound', channel: 'email', to: email, subject: expect.stringContaining(mailed.trackingCode.slice(0, 4)) }),
      ],
      attachments: [expect.objectContaining({ fileName: 'kettle.png', contentType: 'image/png', sizeBytes: PNG.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })],
      satisfaction: [expect.objectContaining({ score: 4, points: 5, negative: false })],
    });
    // The reply as shown to the customer, the internal note marked internal; steps from and to; no staff identities.
    expect(byMail!.log).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'response', action: 'reply', by: 'supervisor', text: 'Sorry, we will replace it.', internal: false }),
      expect.objectContaining({ kind: 'note', action: 'note', text: 'Customer sounded upset; third kettle this year.', internal: true }),
      expect.objectContaining({ kind: 'transition', fromState: 'resolution_communicated', toState: 'closed' }),
    ]));
    expect(text).not.toMatch(/user:|api_key:/);
    expect(text).not.toContain(PNG.subarray(8, 40).toString('base64'));
    expect(byForm).toMatchObject({
      channel: 'web', contact: { email: 'shirin@example.test', name: 'Anon', phone: null }, description: 'The shop was closed at opening time.',
      log: expect.arrayContaining([expect.objectContaining({ kind: 'transition', toState: 'acknowledged' })]),
    });

    // A customer without cases gets an empty section; another workspace cannot export this one.
    expect((await ok('GET', `/api/customers/${bystander.id}/export`, key(ws))).modules.complaints.cases).toHaveLength(1);
    const lonely = await createCustomer(t, ws, { name: 'Nobody', email: 'nobody@example.test' });
    expect((await ok('GET', `/api/customers/${lonely.id}/export`, key(ws))).modules.complaints).toEqual({ cases: [] });
    const foreign = await t.app.inject({ method: 'GET', url: `/api/customers/${customer.id}/export`, headers: key(other) });
    expect(foreign.statusCode).toBe(404);
  }, 120_000);
});
