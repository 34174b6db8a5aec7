// The customers' side of intake over HTTP on a real PostgreSQL: files with a filing and from the
// tracking page (checked by content, checksummed, all or nothing), and the public form's abuse
// defences without a third party (honeypot, device limits, proof of work only when it looks
// automated, never a per-address cap).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { deviceOf, solveChallenge } from '../surveys/response-abuse.ts';
import { COMPLAINT_ATTACHMENTS_PER_CASE } from './attachments.service.ts';
import { FILING_LIMITS } from './public-filing-guard.ts';
import { TRACK_TRIES_PER_CODE_PER_HOUR } from './tracking-limits.ts';

let t: TestApp;
beforeAll(async () => {
  // A per-address cap of 5 a minute for anonymous routes: the filing routes must not be under it.
  t = await startTestApp({ env: { VAFA_ANON_RATE_LIMIT: '5' } });
}, 120_000);
afterAll(() => t?.close());

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(400, 7), Buffer.from([0xff, 0xd9])]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(600, 0x90)]);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let serial = 0;
const freshAddress = () => `10.77.${Math.floor(++serial / 250)}.${(serial % 250) + 1}`;

type Part = { name: string; filename?: string; content: Buffer | string; type?: string };
function multipart(parts: Part[]) {
  const boundary = `----vafa-public-${++serial}`;
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

const fields = (values: Record<string, string>): Part[] => Object.entries(values).map(([name, content]) => ({ name, content }));
const filingFields = (ws: TestWorkspace, extra: Record<string, string> = {}) =>
  fields({ workspace: ws.slug, name: 'مریم رضایی', phone: '09121234567', description: 'رسید خرید و عکس کالای شکسته پیوست است', language: 'fa', ...extra });

async function send(url: string, form: { body: Buffer; contentType: string }, headers: Record<string, string> = {}, address = freshAddress()) {
  const res = await t.app.inject({ method: 'POST', url, headers: { 'content-type': form.contentType, 'accept-language': 'en', ...headers }, payload: form.body, remoteAddress: address });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}
const fileWithFiles = (form: { body: Buffer; contentType: string }, headers: Record<string, string> = {}, address?: string) =>
  send('/api/public/complaints/with-attachments', form, headers, address);

async function fileJson(body: Record<string, unknown>, headers: Record<string, string> = {}, address = freshAddress()) {
  const res = await t.app.inject({ method: 'POST', url: '/api/public/complaints', headers: { 'accept-language': 'en', ...headers }, payload: body, remoteAddress: address });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

/** What a workspace holds: cases, attachments, log lines and outbox events of its complaints. */
async function stored(ws: TestWorkspace) {
  const q = async (text: string) => (await t.database.pool.query(text, [ws.tenantId])).rows[0].n as number;
  return {
    cases: await q('SELECT count(*)::int AS n FROM complaint_cases WHERE tenant_id = $1'),
    attachments: await q('SELECT count(*)::int AS n FROM complaint_attachments WHERE tenant_id = $1'),
    log: await q('SELECT count(*)::int AS n FROM complaint_case_events WHERE tenant_id = $1'),
    events: await q("SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = $1 AND topic LIKE 'complaint.%'"),
  };
}
const NOTHING = { cases: 0, attachments: 0, log: 0, events: 0 };

/** A device cookie minted by the form's GET, as the page gets it before filing. */
async function formDevice(ws: TestWorkspace, address = freshAddress()) {
  const res = await t.app.inject({ method: 'GET', url: `/api/public/complaints/form?workspace=${ws.slug}`, remoteAddress: address });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  expect(cookie).toMatch(/^vafa_device=/);
  return { cookie, form: res.json() as { device: string; challenge: { value: string; bits: number } | null } };
}

const staff = (ws: TestWorkspace) => t.auth(ws.keys.agent);

describe('filing with files', () => {
  it('stores a PDF and a JPEG with the case, checksummed, named safely, and staff see and download them', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const form = multipart([
      ...filingFields(ws),
      { name: 'files', filename: 'رسید خرید.pdf', content: PDF, type: 'application/pdf' },
      // A path, a right-to-left override that would show "gpj.exe" as "exe.jpg", and the wrong extension.
      { name: 'files', filename: '..\\..\\عکس\u202Egpj.exe', content: JPEG, type: 'image/jpeg' },
    ]);
    const res = await fileWithFiles(form);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.status.state).toBe('acknowledged');
    const [row] = (await t.database.pool.query('SELECT id, channel, state FROM complaint_cases WHERE tenant_id = $1 AND tracking_code = $2', [ws.tenantId, res.body.trackingCode])).rows;
    expect(row).toMatchObject({ channel: 'web', state: 'acknowledged' });

    const thread = await t.app.inject({ method: 'GET', url: `/api/complaints/${row.id}/thread`, headers: staff(ws) });
    expect(thread.statusCode, thread.body).toBe(200);
    const files = thread.json().attachments as { id: string; fileName: string; contentType: string; sizeBytes: number; sha256: string; source: string }[];
    expect(files.map((f) => [f.fileName, f.contentType, f.sizeBytes, f.sha256, f.source])).toEqual([
      ['رسید خرید.pdf', 'application/pdf', PDF.length, sha256(PDF), 'customer'],
      ['عکسgpj.jpg', 'image/jpeg', JPEG.length, sha256(JPEG), 'customer'],
    ]);
    const download = await t.app.inject({ method: 'GET', url: `/api/complaints/${row.id}/attachments/${files[1]!.id}`, headers: staff(ws) });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('image/jpeg');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="[^"]*\.jpg"/);
    expect(download.rawPayload.equals(JPEG)).toBe(true);
    // The case and its files are one thing: counted together.
    expect(await stored(ws)).toEqual({ cases: 1, attachments: 2, log: 2, events: 2 });
  });

  it('refuses an executable named .jpg, a truncated body and a file too large, and stores no case, file, log line or event', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const exe = await fileWithFiles(multipart([...filingFields(ws), { name: 'files', filename: 'receipt.pdf', content: PDF }, { name: 'files', filename: 'photo.jpg', content: EXE, type: 'image/jpeg' }]));
    expect(exe.status).toBe(422);
    expect(exe.headers['content-type']).toContain('application/problem+json');
    expect(exe.body).toMatchObject({ code: 'attachment_type_refused', errors: [{ field: 'files[1]', code: 'executable' }] });

    const whole = multipart([...filingFields(ws), { name: 'files', filename: 'a.jpg', content: JPEG }, { name: 'files', filename: 'b.pdf', content: PDF }]);
    // Cut inside the last file, between the parts, and just before the closing boundary.
    for (const cut of [whole.body.length - 10, whole.body.indexOf(Buffer.from('b.pdf')) - 60, whole.body.indexOf(JPEG) + 100]) {
      const res = await fileWithFiles({ body: whole.body.subarray(0, cut), contentType: whole.contentType });
      expect(res.status, `cut at ${cut}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.code).toBe('multipart_malformed');
    }

    const big = await fileWithFiles(multipart([...filingFields(ws), { name: 'files', filename: 'scan.pdf', content: Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024, 0x20)]) }]));
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('attachment_too_large');

    const tooMany = await fileWithFiles(multipart([...filingFields(ws), ...Array.from({ length: 6 }, (_, i) => ({ name: 'files', filename: `${i}.jpg`, content: JPEG }))]));
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.code).toBe('too_many_attachments');

    // Bad fields are named as the JSON route names them; a stray part is refused.
    const noContact = await fileWithFiles(multipart([...fields({ workspace: ws.slug, name: 'x', description: 'y' }), { name: 'files', filename: 'a.jpg', content: JPEG }]));
    expect(noContact.status).toBe(400);
    expect(noContact.body.errors).toEqual([expect.objectContaining({ field: 'body.phone', code: 'phone_or_email_required' })]);
    expect((await fileWithFiles(multipart([...filingFields(ws, { admin: '1' }), { name: 'files', filename: 'a.jpg', content: JPEG }]))).status).toBe(400);
    expect((await fileWithFiles(multipart([...filingFields(ws, { workspace: 'no-such-workspace' }), { name: 'files', filename: 'a.jpg', content: JPEG }]))).status).toBe(404);

    expect(await stored(ws)).toEqual(NOTHING);
  });

  it('answers a filled honeypot as a filing and stores nothing', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const res = await fileWithFiles(multipart([...filingFields(ws, { website: 'http://spam.example' }), { name: 'files', filename: 'a.jpg', content: JPEG }]));
    expect(res.status).toBe(201);
    expect(res.body.trackingCode).toMatch(/^\d{12}$/);
    expect(await stored(ws)).toEqual(NOTHING);
  });
});

describe('files from the tracking page', () => {
  async function filed(ws: TestWorkspace) {
    const res = await fileJson({ workspace: ws.slug, name: 'Sara', phone: '09127654321', description: 'Broken on arrival', language: 'en' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [row] = (await t.database.pool.query('SELECT id FROM complaint_cases WHERE tenant_id = $1 AND tracking_code = $2', [ws.tenantId, res.body.trackingCode])).rows;
    return { code: res.body.trackingCode as string, id: row.id as string };
  }
  const addFiles = (ws: TestWorkspace, code: string, extra: Record<string, string>, files: Part[], address?: string) =>
    send('/api/public/complaints/case/attachments', multipart([...fields({ workspace: ws.slug, code, language: 'en', ...extra }), ...files]), {}, address);

  it('logs the message with its files; the customer sees the names, staff the files; a refused file or a wrong proof keeps nothing', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const { code, id } = await filed(ws);
    const before = await stored(ws);

    const wrong = await addFiles(ws, code, { verification: '0000' }, [{ name: 'files', filename: 'r.pdf', content: PDF }]);
    expect(wrong.status).toBe(404);
    expect(wrong.body.code).toBe('complaint_not_found');
    const exe = await addFiles(ws, code, { verification: '4321', message: 'the receipt' }, [{ name: 'files', filename: 'receipt.jpg', content: EXE }]);
    expect(exe.status).toBe(422);
    expect(exe.body.code).toBe('attachment_type_refused');
    expect(await stored(ws)).toEqual(before);

    const ok = await addFiles(ws, code, { verification: '4321', message: 'Here is the receipt' }, [{ name: 'files', filename: 'receipt.pdf', content: PDF }, { name: 'files', filename: 'box.jpg', content: JPEG }]);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.history.at(-1)).toMatchObject({ kind: 'your_message', text: 'Here is the receipt', files: ['receipt.pdf', 'box.jpg'] });
    // Files alone are a message too.
    const alone = await addFiles(ws, code, { verification: '4321' }, [{ name: 'files', filename: 'more.jpg', content: JPEG }]);
    expect(alone.status, JSON.stringify(alone.body)).toBe(200);
    expect(alone.body.history.at(-1)).toMatchObject({ kind: 'your_message', text: '', files: ['more.jpg'] });

    const thread = (await t.app.inject({ method: 'GET', url: `/api/complaints/${id}/thread`, headers: staff(ws) })).json();
    expect(thread.attachments.map((a: { fileName: string; source: string; sha256: string }) => [a.fileName, a.source, a.sha256])).toEqual([
      ['receipt.pdf', 'customer', sha256(PDF)], ['box.jpg', 'customer', sha256(JPEG)], ['more.jpg', 'customer', sha256(JPEG)],
    ]);
    const detail = (await t.app.inject({ method: 'GET', url: `/api/complaints/${id}`, headers: staff(ws) })).json();
    const messages = detail.events.filter((e: { kind: string }) => e.kind === 'customer_message');
    expect(messages.map((e: { note: string | null }) => e.note)).toEqual(['Here is the receipt', null]);
    expect(new Set(thread.attachments.map((a: { eventId: number }) => a.eventId)).size).toBe(2);
  });

  it(`holds a case to ${COMPLAINT_ATTACHMENTS_PER_CASE} files and refuses the upload that would pass it, with its message`, async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const { code, id } = await filed(ws);
    for (let i = 0; i < COMPLAINT_ATTACHMENTS_PER_CASE / 5 - 1; i++) {
      const form = multipart(Array.from({ length: 5 }, (_, j) => ({ name: 'files', filename: `${i}-${j}.pdf`, content: PDF })));
      const res = await t.app.inject({ method: 'POST', url: `/api/complaints/${id}/attachments`, headers: { ...staff(ws), 'content-type': form.contentType }, payload: form.body });
      expect(res.statusCode, res.body).toBe(201);
    }
    const five = Array.from({ length: 5 }, (_, j) => ({ name: 'files', filename: `c${j}.jpg`, content: JPEG }));
    expect((await addFiles(ws, code, { verification: '4321' }, five)).status).toBe(200);
    const before = await stored(ws);
    const over = await addFiles(ws, code, { verification: '4321', message: 'one more' }, five.slice(0, 1));
    expect(over.status).toBe(422);
    expect(over.body.code).toBe('too_many_attachments');
    expect(await stored(ws)).toEqual(before);
    expect(before.attachments).toBe(COMPLAINT_ATTACHMENTS_PER_CASE);
  });

  it('counts against the tracking limits of the code, whatever the address', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const { code } = await filed(ws);
    for (let i = 0; i < TRACK_TRIES_PER_CODE_PER_HOUR; i++) {
      const res = await addFiles(ws, code, { verification: String(1000 + i) }, [{ name: 'files', filename: 'r.pdf', content: PDF }]);
      expect(res.status, `try ${i}`).toBe(404);
    }
    const limited = await addFiles(ws, code, { verification: '4321' }, [{ name: 'files', filename: 'r.pdf', content: PDF }]);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('rate_limited');
    // Tracking shares the budget: the right answer does not get through there either.
    const track = await t.app.inject({ method: 'POST', url: '/api/public/complaints/track', payload: { workspace: ws.slug, code, verification: '4321' }, remoteAddress: freshAddress() });
    expect(track.statusCode).toBe(429);
    expect((await stored(ws)).attachments).toBe(0);
  });
});

describe('abuse defences of the public form', () => {
  const complaint = (ws: TestWorkspace, extra: Record<string, unknown> = {}) => ({ workspace: ws.slug, name: 'Ali', phone: '09121112233', description: 'Late again', ...extra });

  it('answers a filled honeypot with a receipt whose code leads nowhere, and stores nothing', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const res = await fileJson(complaint(ws, { website: 'http://cheap-pills.example', language: 'fa' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ trackingCode: expect.stringMatching(/^\d{12}$/), status: { state: 'acknowledged' } });
    expect(await stored(ws)).toEqual(NOTHING);
    const track = await t.app.inject({ method: 'POST', url: '/api/public/complaints/track', payload: { workspace: ws.slug, code: res.body.trackingCode, verification: '2233' }, remoteAddress: freshAddress() });
    expect(track.statusCode).toBe(404);
    // An empty honeypot is a person's filing.
    expect((await fileJson(complaint(ws, { website: '' }))).status).toBe(201);
    expect((await stored(ws)).cases).toBe(1);
  });

  it('asks a device filing in a burst to prove work, takes the filing with a solved challenge once, and refuses it past its hourly cap', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const { cookie, form } = await formDevice(ws);
    expect(form.challenge).toBeNull();
    for (let i = 0; i < FILING_LIMITS.deviceBeforeChallenge; i++) expect((await fileJson(complaint(ws), { cookie })).status, `filing ${i}`).toBe(201);

    const asked = await fileJson(complaint(ws), { cookie });
    expect(asked.status).toBe(429);
    expect(asked.headers['content-type']).toContain('application/problem+json');
    expect(asked.body).toMatchObject({ code: 'filing_challenge_required', bits: FILING_LIMITS.bits, challenge: expect.any(String) });
    expect(asked.body.detail).toMatch(/proof-of-work/);
    expect((await stored(ws)).cases).toBe(FILING_LIMITS.deviceBeforeChallenge);
    // The form now hands out the challenge up front.
    expect((await t.app.inject({ method: 'GET', url: `/api/public/complaints/form?workspace=${ws.slug}`, headers: { cookie } })).json().challenge).not.toBeNull();

    const proof = solveChallenge(asked.body.challenge, asked.body.bits);
    expect((await fileJson(complaint(ws, { proof }), { cookie })).status).toBe(201);
    // A proof is spent once; a made-up one or one for another workspace proves nothing.
    expect((await fileJson(complaint(ws, { proof }), { cookie })).body.code).toBe('filing_challenge_required');
    expect((await fileJson(complaint(ws, { proof: `${asked.body.challenge}:1` }), { cookie })).body.code).toBe('filing_challenge_required');
    const other = await t.createWorkspace({ country: 'IR' });
    for (let i = 0; i < FILING_LIMITS.deviceBeforeChallenge; i++) await fileJson(complaint(other), { cookie });
    const otherAsked = await fileJson(complaint(other, { proof: solveChallenge(asked.body.challenge, asked.body.bits) }), { cookie });
    expect(otherAsked.body.code).toBe('filing_challenge_required');
    // The multipart route counts with the JSON one.
    const withFile = await fileWithFiles(multipart([...filingFields(ws), { name: 'files', filename: 'a.jpg', content: JPEG }]), { cookie });
    expect(withFile.status).toBe(429);
    expect(withFile.body.code).toBe('filing_challenge_required');
    expect((await fileWithFiles(multipart([...filingFields(ws, { proof: solveChallenge(withFile.body.challenge, withFile.body.bits) }), { name: 'files', filename: 'a.jpg', content: JPEG }]), { cookie })).status).toBe(201);

    // Solving each time, the device still reaches its hourly cap.
    let status = 201;
    for (let i = 0; i < FILING_LIMITS.devicePerHour && status !== 429; i++) {
      const res = await fileJson(complaint(ws), { cookie });
      if (res.body.code === 'filing_challenge_required') {
        const solved = await fileJson(complaint(ws, { proof: solveChallenge(res.body.challenge, res.body.bits) }), { cookie });
        status = solved.status;
        if (status === 429) {
          expect(solved.body.code).toBe('too_many_filings');
          expect(Number(solved.headers['retry-after'])).toBeGreaterThan(0);
        }
      }
    }
    const capped = await fileJson(complaint(ws), { cookie });
    expect(capped.status).toBe(429);
    expect(capped.body.code).toBe('too_many_filings');
    const stores = (await stored(ws)).cases;
    expect(stores).toBeLessThanOrEqual(FILING_LIMITS.devicePerHour);
  }, 240_000);

  it('asks a burst of filings without a device to prove work', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    for (let i = 0; i < FILING_LIMITS.cookielessBeforeChallenge; i++) expect((await fileJson(complaint(ws))).status, `filing ${i}`).toBe(201);
    const asked = await fileJson(complaint(ws));
    expect(asked.body.code).toBe('filing_challenge_required');
    expect((await fileJson(complaint(ws, { proof: solveChallenge(asked.body.challenge, asked.body.bits) }))).status).toBe(201);
    // A person with a device of their own is not held up by the burst.
    const { cookie } = await formDevice(ws);
    expect((await fileJson(complaint(ws), { cookie })).status).toBe(201);
  });

  it('takes filings from many devices behind one address (a shop, a carrier NAT): no per-address cap', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const shop = freshAddress();
    // Devices the shop's tablets and customers' phones have had for a while, and some new today.
    const cookies = [
      ...Array.from({ length: 30 }, () => `vafa_device=${deviceOf(t.vafa.config, undefined, Date.now() - 24 * 3600_000).cookie}`),
      ...await Promise.all(Array.from({ length: 10 }, async () => (await formDevice(ws, shop)).cookie)),
    ];
    for (const [i, cookie] of cookies.entries()) {
      const res = await fileJson(complaint(ws, { name: `Customer ${i}` }), { cookie }, shop);
      expect(res.status, `device ${i}: ${JSON.stringify(res.body)}`).toBe(201);
    }
    // Each device's second filing passes too: two each, 80 from one address against an anonymous cap of 5 a minute.
    for (const [i, cookie] of cookies.slice(0, 30).entries()) expect((await fileJson(complaint(ws), { cookie }, shop)).status, `device ${i}`).toBe(201);
    expect((await stored(ws)).cases).toBe(70);
    // The tracking route, by contrast, does keep its per-address limit (guessing codes).
  }, 240_000);
});
