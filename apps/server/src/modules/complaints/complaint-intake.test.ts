// Attachments, merges, SMS intake and intake settings over HTTP on a real PostgreSQL.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackToken } from '../../platform/messaging/tokens.ts';
import { createCustomer } from '../../../test/factories.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { NPS_SURVEY, publishSurvey } from '../../../test/survey-factories.ts';
import { runDueDistributions } from '../surveys/distribution.service.ts';
import { issuePendingInvitations } from '../surveys/invitation.service.ts';
import { contentDisposition, safeAttachmentName, sniffAttachmentType } from './attachment-type.ts';
import { receiveComplaintMessage } from './case-intake.service.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ env: { VAFA_OUTBOUND_ALLOW: '127.0.0.1', VAFA_ANON_RATE_LIMIT: '1000' } });
}, 120_000);
afterAll(() => t?.close());

type Role = keyof TestWorkspace['keys'];
const headers = (ws: TestWorkspace, role: Role = 'agent') => t.auth(ws.keys[role]);

async function openCase(ws: TestWorkspace, body: Record<string, unknown> = {}) {
  const res = await t.app.inject({ method: 'POST', url: '/api/complaints', headers: headers(ws), payload: { channel: 'phone', description: 'Broken on arrival.', contactPhone: '09121234567', ...body } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; trackingCode: string; state: string };
}

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 1)]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n');

let boundarySerial = 0;
function multipart(parts: { name: string; filename?: string; content: Buffer | string; type?: string }[]) {
  const boundary = `----vafa-test-${++boundarySerial}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${part.filename !== undefined ? `Content-Type: ${part.type ?? 'application/octet-stream'}\r\n` : ''}\r\n`));
    chunks.push(Buffer.isBuffer(part.content) ? part.content : Buffer.from(part.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(ws: TestWorkspace, caseId: string, body: Buffer, contentType: string, role: Role = 'agent') {
  const res = await t.app.inject({ method: 'POST', url: `/api/complaints/${caseId}/attachments`, headers: { ...headers(ws, role), 'content-type': contentType }, payload: body });
  return { status: res.statusCode, body: res.json() };
}

async function attachmentCount(ws: TestWorkspace) {
  const { rows } = await t.database.pool.query('SELECT count(*)::int AS n FROM complaint_attachments WHERE tenant_id = $1', [ws.tenantId]);
  return rows[0].n as number;
}

describe('attachments', () => {
  it('an agent attaches files to a case: checked by content, checksummed, logged, downloaded as attachments only', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const created = await openCase(ws);
    const form = multipart([
      { name: 'files', filename: 'عکس‌خرابی.png', content: PNG, type: 'image/png' },
      { name: 'files', filename: 'invoice', content: PDF, type: 'application/octet-stream' },
      { name: 'files', filename: 'note.txt', content: 'سلام\nthe label was torn\n', type: 'text/plain' },
      { name: 'note', content: 'Photos the customer sent on WhatsApp' },
    ]);
    const res = await upload(ws, created.id, form.body, form.contentType);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.items.map((a: { fileName: string; contentType: string }) => [a.fileName, a.contentType])).toEqual([
      ['عکس‌خرابی.png', 'image/png'], ['invoice.pdf', 'application/pdf'], ['note.txt', 'text/plain'],
    ]);
    expect(res.body.items[0].sha256).toBe(createHash('sha256').update(PNG).digest('hex'));

    const detail = (await t.app.inject({ method: 'GET', url: `/api/complaints/${created.id}`, headers: headers(ws) })).json();
    expect(detail.events.at(-1)).toMatchObject({ kind: 'note', action: 'attach', note: 'Photos the customer sent on WhatsApp', actorType: 'agent' });
    expect(res.body.items.every((a: { eventId: number }) => a.eventId === detail.events.at(-1).id)).toBe(true);

    const download = await t.app.inject({ method: 'GET', url: `/api/complaints/${created.id}/attachments/${res.body.items[0].id}`, headers: headers(ws, 'analyst') });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="[^"]*\.png"; filename\*=UTF-8''/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers['content-security-policy']).toContain('sandbox');
    expect(download.rawPayload.equals(PNG)).toBe(true);
    const text = await t.app.inject({ method: 'GET', url: `/api/complaints/${created.id}/attachments/${res.body.items[2].id}`, headers: headers(ws, 'analyst') });
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');

    // Another workspace sees nothing, not even with the right ids.
    const other = await t.createWorkspace({ country: 'IR' });
    expect((await t.app.inject({ method: 'GET', url: `/api/complaints/${created.id}/attachments/${res.body.items[0].id}`, headers: headers(other) })).statusCode).toBe(404);
    expect((await upload(other, created.id, form.body, form.contentType)).status).toBe(404);
  });

  it('refuses programs, archives, HTML and SVG whatever their names say, and keeps nothing of the upload', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const created = await openCase(ws);
    const refusals: [string, Buffer | string, string][] = [
      ['photo.jpg', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(300)]), 'executable'],
      ['photo.png', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(300)]), 'executable'],
      ['docs.pdf', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(300)]), 'archive'],
      ['notes.txt', '<!DOCTYPE html><html><body><script>alert(1)</script></body></html>', 'markup'],
      ['logo.png', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 'markup'],
      ['run.txt', '#!/bin/sh\nrm -rf /\n', 'executable'],
      ['blob.bin', Buffer.from([0x00, 0x01, 0x02, 0xfe, 0xff, 0x00, 0x10]), 'unsupported_type'],
    ];
    for (const [filename, content, reason] of refusals) {
      const form = multipart([{ name: 'files', filename, content: PNG }, { name: 'files', filename, content }]);
      const res = await upload(ws, created.id, form.body, form.contentType);
      expect(res.status, filename).toBe(422);
      expect(res.body).toMatchObject({ code: 'attachment_type_refused', errors: [{ field: 'files[1]', code: reason }] });
    }
    expect(await attachmentCount(ws)).toBe(0);
  });

  it('answers truncated, malformed, oversized and garbage uploads with 4xx and stores nothing', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const created = await openCase(ws);
    const whole = multipart([{ name: 'files', filename: 'a.png', content: PNG }, { name: 'files', filename: 'b.pdf', content: PDF }]);
    const cuts = [whole.body.length - 10, whole.body.indexOf(Buffer.from('b.pdf')) - 60, Math.floor(PNG.length / 2) + 120];
    for (const cut of cuts) {
      const res = await upload(ws, created.id, whole.body.subarray(0, cut), whole.contentType);
      expect(res.status, `cut at ${cut}: ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `cut at ${cut}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
    }
    expect((await upload(ws, created.id, Buffer.from('not multipart at all'), 'multipart/form-data')).status).toBe(400);
    expect((await upload(ws, created.id, Buffer.from('{"files":[1]}'), 'application/json')).status).toBe(400);
    const garbage = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31 + 7) % 256));
    const garbled = await upload(ws, created.id, garbage, 'multipart/form-data; boundary=xyz');
    expect(garbled.status).toBeGreaterThanOrEqual(400);
    expect(garbled.status).toBeLessThan(500);
    const tooMany = multipart(Array.from({ length: 6 }, (_, i) => ({ name: 'files', filename: `${i}.png`, content: PNG })));
    expect((await upload(ws, created.id, tooMany.body, tooMany.contentType)).body).toMatchObject({ code: 'too_many_attachments' });
    const big = multipart([{ name: 'files', filename: 'big.txt', content: Buffer.alloc(10 * 1024 * 1024 + 1, 0x61) }]);
    const bigRes = await upload(ws, created.id, big.body, big.contentType);
    expect(bigRes.status).toBe(413);
    const stray = multipart([{ name: 'evil', filename: 'a.png', content: PNG }]);
    expect((await upload(ws, created.id, stray.body, stray.contentType)).status).toBe(400);
    const none = multipart([{ name: 'note', content: 'no files' }]);
    expect((await upload(ws, created.id, none.body, none.contentType)).status).toBe(400);
    expect(await attachmentCount(ws)).toBe(0);
  });

  it('an analyst may read but not attach', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const created = await openCase(ws);
    const form = multipart([{ name: 'files', filename: 'a.png', content: PNG }]);
    expect((await upload(ws, created.id, form.body, form.contentType, 'analyst')).status).toBe(403);
  });

  it('names and types: no bidi tricks, the extension of the content', () => {
    expect(safeAttachmentName('photo\u202Egnp.exe', 'image/png')).toBe('photognp.png');
    expect(safeAttachmentName('../../etc/passwd', 'text/plain')).toBe('passwd.txt');
    expect(safeAttachmentName(undefined, 'application/pdf')).toBe('attachment.pdf');
    expect(contentDisposition('گزارش "نهایی".pdf')).toBe(`attachment; filename="_____ _______.pdf"; filename*=UTF-8''${encodeURIComponent('گزارش "نهایی".pdf')}`);
    expect(sniffAttachmentType(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'))).toEqual({ ok: true, contentType: 'image/webp' });
    expect(sniffAttachmentType(Buffer.from('GIF89a...', 'latin1'))).toEqual({ ok: true, contentType: 'image/gif' });
    expect(sniffAttachmentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toEqual({ ok: true, contentType: 'image/jpeg' });
    expect(sniffAttachmentType(Buffer.alloc(0))).toEqual({ ok: false, reason: 'empty' });
    expect(sniffAttachmentType(Buffer.from([0x1f, 0x8b, 0x08]))).toEqual({ ok: false, reason: 'archive' });
  });
});

describe('merging cases', () => {
  it('closes the duplicate into the survivor: logged on both, its thread and files shown there, its code tracked there, its mail threads there', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const survivor = await openCase(ws, { contactEmail: 'sara@example.test', contactPhone: '09121230001' });
    const duplicate = await openCase(ws, { contactEmail: 'sara@example.test', contactPhone: '09121230001', description: 'Same parcel, called again.' });
    const form = multipart([{ name: 'files', filename: 'receipt.pdf', content: PDF }]);
    const attached = await upload(ws, duplicate.id, form.body, form.contentType);
    expect(attached.status).toBe(201);

    // Agents cannot merge; managers can.
    expect((await t.app.inject({ method: 'POST', url: `/api/complaints/${duplicate.id}/merge`, headers: headers(ws, 'agent'), payload: { into: survivor.id } })).statusCode).toBe(403);
    const merged = await t.app.inject({ method: 'POST', url: `/api/complaints/${duplicate.id}/merge`, headers: headers(ws, 'manager'), payload: { into: survivor.id, note: 'Same complaint by phone twice' } });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json()).toMatchObject({ id: survivor.id });
    expect(merged.json().events.at(-1)).toMatchObject({ kind: 'note', action: 'merge', details: { mergedFrom: duplicate.id, mergedFromCode: duplicate.trackingCode } });

    const closed = (await t.app.inject({ method: 'GET', url: `/api/complaints/${duplicate.id}`, headers: headers(ws) })).json();
    expect(closed.state).toBe('closed');
    expect(closed.events.at(-1)).toMatchObject({ kind: 'transition', action: 'close', toState: 'closed', actorType: 'supervisor', note: 'Same complaint by phone twice', details: { mergedInto: survivor.id } });

    // The queue's SLA index knows the duplicate is closed: it leaves the queue and the scans.
    const { rows: [index] } = await t.database.pool.query('SELECT case_state FROM complaint_case_sla WHERE tenant_id = $1 AND case_id = $2', [ws.tenantId, duplicate.id]);
    expect(index).toEqual({ case_state: 'closed' });

    const thread = (await t.app.inject({ method: 'GET', url: `/api/complaints/${survivor.id}/thread`, headers: headers(ws) })).json();
    expect(thread.merged).toEqual([expect.objectContaining({ id: duplicate.id, trackingCode: duplicate.trackingCode })]);
    expect(thread.attachments.map((a: { id: string; caseId: string }) => [a.id, a.caseId])).toEqual([[attached.body.items[0].id, duplicate.id]]);
    const viaSurvivor = await t.app.inject({ method: 'GET', url: `/api/complaints/${survivor.id}/attachments/${attached.body.items[0].id}`, headers: headers(ws) });
    expect(viaSurvivor.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/api/complaints/${duplicate.id}/thread`, headers: headers(ws) })).json().mergedInto).toBe(survivor.id);

    // The duplicate's tracking code shows the survivor.
    const tracked = await t.app.inject({ method: 'POST', url: '/api/public/complaints/track', payload: { workspace: ws.slug, code: duplicate.trackingCode, verification: '0001' }, remoteAddress: '10.91.0.1' });
    expect(tracked.statusCode, tracked.body).toBe(200);
    expect(tracked.json()).toMatchObject({ trackingCode: survivor.trackingCode });

    // A mail quoting the duplicate's code joins the survivor.
    const outcome = await t.database.db.transaction((tx) => receiveComplaintMessage(tx, ws.tenantId, {
      channel: 'email', from: 'sara@example.test', to: null, subject: `Re: ${duplicate.trackingCode}`, text: 'Any news?', receivedAt: new Date(),
    }));
    expect(outcome).toEqual({ kind: 'threaded', caseId: survivor.id, by: 'code' });

    // Twice, into itself, into a closed case, across workspaces: refused.
    const again = await t.app.inject({ method: 'POST', url: `/api/complaints/${duplicate.id}/merge`, headers: headers(ws, 'manager'), payload: { into: survivor.id } });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('complaint_already_merged');
    const self = await t.app.inject({ method: 'POST', url: `/api/complaints/${survivor.id}/merge`, headers: headers(ws, 'manager'), payload: { into: survivor.id } });
    expect(self.json()).toMatchObject({ status: 422, code: 'merge_into_itself' });
    const third = await openCase(ws);
    const intoMerged = await t.app.inject({ method: 'POST', url: `/api/complaints/${third.id}/merge`, headers: headers(ws, 'manager'), payload: { into: duplicate.id } });
    expect(intoMerged.json()).toMatchObject({ status: 422, code: 'complaint_already_merged' });

    const other = await t.createWorkspace({ country: 'IR' });
    const foreign = await openCase(other);
    const across = await t.app.inject({ method: 'POST', url: `/api/complaints/${third.id}/merge`, headers: headers(ws, 'manager'), payload: { into: foreign.id } });
    expect(across.json()).toMatchObject({ status: 422, code: 'unknown_complaint' });
    const fromOther = await t.app.inject({ method: 'POST', url: `/api/complaints/${third.id}/merge`, headers: headers(other, 'manager'), payload: { into: foreign.id } });
    expect(fromOther.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/complaints/${foreign.id}`, headers: headers(other) })).json().state).toBe('received');
    expect((await t.app.inject({ method: 'GET', url: `/api/complaints/${third.id}`, headers: headers(ws) })).json().state).toBe('received');
  });
});

describe('SMS intake', () => {
  async function smsWorkspace(options: { smsComplaints: boolean }) {
    const ws = await t.createWorkspace({ country: 'IR' });
    const channel = await t.app.inject({ method: 'PUT', url: '/api/messaging/channels/sms', headers: headers(ws, 'owner'), payload: { provider: 'kavenegar', baseUrl: 'http://127.0.0.1:9', sender: '10004346', apiKey: 'kv-test-key-12345' } });
    expect(channel.statusCode, channel.body).toBe(200);
    if (options.smsComplaints) {
      const on = await t.app.inject({ method: 'PATCH', url: '/api/complaint-intake/settings', headers: headers(ws, 'manager'), payload: { smsEnabled: true } });
      expect(on.json()).toMatchObject({ smsEnabled: true, emailEnabled: true, threadWindowHours: 72 });
    }
    return ws;
  }
  const inbound = async (ws: TestWorkspace, params: Record<string, string>) => {
    const res = await t.app.inject({
      method: 'POST', url: `/hooks/sms/kavenegar/${callbackToken(t.vafa.config, ws.tenantId)}/inbound`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(params).toString(),
    });
    expect(res.statusCode).toBe(200);
    return res.json();
  };
  async function casesOf(ws: TestWorkspace) {
    const { rows } = await t.database.pool.query('SELECT id, channel, state, contact_phone, customer_id, description FROM complaint_cases WHERE tenant_id = $1 ORDER BY received_at', [ws.tenantId]);
    return rows;
  }

  it('opens a case from a phone (its customer when known), acknowledges by SMS, threads the next messages; a resend is harmless', async () => {
    const ws = await smsWorkspace({ smsComplaints: true });
    const customer = await createCustomer(t, ws, { phone: '09127770001' });
    expect(await inbound(ws, { from: '09127770001', to: '10004346', message: 'سفارش ۱۲۳ من هنوز نرسیده', messageid: 'k-1' })).toEqual({ recorded: false });
    const [created, ...rest] = await casesOf(ws);
    expect(rest).toHaveLength(0);
    expect(created).toMatchObject({ channel: 'sms', state: 'acknowledged', contact_phone: '+989127770001', customer_id: customer.id, description: 'سفارش ۱۲۳ من هنوز نرسیده' });
    const { rows: acks } = await t.database.pool.query("SELECT channel, recipient, body_text FROM messages WHERE tenant_id = $1 AND origin->>'complaintCaseId' = $2", [ws.tenantId, created.id]);
    expect(acks).toEqual([expect.objectContaining({ channel: 'sms', recipient: '+989127770001' })]);
    expect(acks[0].body_text).toContain('کد پیگیری');

    await inbound(ws, { from: '+989127770001', message: 'شماره سفارش ۱۲۳ است', messageid: 'k-2' });
    await inbound(ws, { from: '+989127770001', message: 'شماره سفارش ۱۲۳ است', messageid: 'k-2' });
    expect(await casesOf(ws)).toHaveLength(1);
    const { rows: log } = await t.database.pool.query("SELECT note FROM complaint_case_events WHERE tenant_id = $1 AND case_id = $2 AND kind = 'customer_message'", [ws.tenantId, created.id]);
    expect(log.map((r) => r.note)).toEqual(['شماره سفارش ۱۲۳ است']);
  });

  it('a reply to a pending survey invitation stays a survey answer; words from the same phone are a complaint', async () => {
    const ws = await smsWorkspace({ smsComplaints: true });
    const customer = await createCustomer(t, ws, { phone: '09127770002', language: 'fa', consent: { sms: { granted: true } } });
    const survey = await publishSurvey(t.database.db, ws.tenantId, NPS_SURVEY);
    const distribution = await t.app.inject({ method: 'POST', url: `/api/surveys/${survey.id}/distributions`, headers: headers(ws, 'owner'), payload: { schedule: { type: 'once' }, channel: 'sms', audience: { customerIds: [customer.id] } } });
    expect(distribution.statusCode, distribution.body).toBe(201);
    await runDueDistributions(t.database);
    while ((await issuePendingInvitations({ database: t.database, secrets: t.vafa.config, publicUrl: 'http://127.0.0.1' })) > 0);

    expect(await inbound(ws, { from: '09127770002', message: '۳', messageid: 's-1' })).toEqual({ recorded: true });
    expect(await casesOf(ws)).toHaveLength(0);
    await inbound(ws, { from: '09127770002', message: 'کیفیت پشتیبانی خیلی بد بود', messageid: 's-2' });
    expect(await casesOf(ws)).toEqual([expect.objectContaining({ channel: 'sms', customer_id: customer.id })]);
  });

  it('does nothing for a workspace that takes no SMS complaints, nor for a bare number', async () => {
    const off = await smsWorkspace({ smsComplaints: false });
    expect(await inbound(off, { from: '09127770003', message: 'my order never came', messageid: 'o-1' })).toEqual({ recorded: false });
    expect(await casesOf(off)).toHaveLength(0);
    const on = await smsWorkspace({ smsComplaints: true });
    await inbound(on, { from: '09127770004', message: '7', messageid: 'o-2' });
    await inbound(on, { from: 'not a phone', message: 'my order never came', messageid: 'o-3' });
    expect(await casesOf(on)).toHaveLength(0);
  });

  it('intake settings: read by any member, changed by managers, checked', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const read = await t.app.inject({ method: 'GET', url: '/api/complaint-intake/settings', headers: headers(ws, 'analyst') });
    expect(read.json()).toMatchObject({ emailEnabled: true, smsEnabled: false, threadWindowHours: 72, emailAddresses: [], widgetEnabled: false });
    // The widget's tag to paste names the workspace (complaint-widget.test.ts files through it).
    expect(read.json().widgetTag).toContain(`data-complaints="${ws.slug}"`);
    expect((await t.app.inject({ method: 'PATCH', url: '/api/complaint-intake/settings', headers: headers(ws, 'agent'), payload: { smsEnabled: true } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'PATCH', url: '/api/complaint-intake/settings', headers: headers(ws, 'manager'), payload: { threadWindowHours: 0 } })).statusCode).toBe(400);
  });
});
