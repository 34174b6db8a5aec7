// E-mail intake over real SMTP: nodemailer as the customer's mail server, the intake listener on
// an ephemeral port, the app's database. The acknowledgement waits in the messages outbox (this
// app runs no dispatcher); its Message-ID is what a customer's reply refers to.
import net from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.ts';
import { messageIdHeader } from '../../platform/messaging/email.channel.ts';
import { startTestApp, type TestApp, type TestWorkspace } from '../../../test/harness.ts';
import { trackingCodesIn, withoutQuotedReply } from './case-intake.service.ts';
import { EmailIntakeListener, slugOfRecipient } from './email-intake.ts';
import { formatTrackingCodeFor, type TrackingCode } from './tracking-code.ts';

let t: TestApp;
let listener: EmailIntakeListener;
const MAX_BYTES = 256 * 1024;
const PER_SENDER = 8;

beforeAll(async () => {
  t = await startTestApp();
  listener = new EmailIntakeListener({
    database: t.database, log: t.vafa.http!.log as never, config: { port: 0, host: '127.0.0.1', maxMessageBytes: MAX_BYTES, domains: [] }, mailsPerSenderPerHour: PER_SENDER,
  });
  await listener.start();
}, 120_000);
afterAll(async () => {
  await listener?.stop();
  await t?.close();
});

const transport = () => nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });
const to = (ws: TestWorkspace) => `complaints+${ws.slug}@intake.example.test`;
let serial = 0;
const sender = (name = 'customer') => `${name}-${++serial}@mail.example.test`;
const mid = (label: string) => `<${label}-${++serial}-${Date.now()}@mail.example.test>`;

async function send(mail: Parameters<ReturnType<typeof transport>['sendMail']>[0]) {
  return transport().sendMail(mail);
}

async function casesOf(ws: TestWorkspace) {
  const { rows } = await t.database.pool.query(
    'SELECT id, tracking_code, channel, state, contact_email, description, language, customer_id FROM complaint_cases WHERE tenant_id = $1 ORDER BY received_at, id', [ws.tenantId]);
  return rows as { id: string; tracking_code: string; channel: string; state: string; contact_email: string; description: string; language: string; customer_id: string | null }[];
}
async function logOf(ws: TestWorkspace, caseId: string) {
  const { rows } = await t.database.pool.query('SELECT kind, action, to_state, note, actor_type, details FROM complaint_case_events WHERE tenant_id = $1 AND case_id = $2 ORDER BY id', [ws.tenantId, caseId]);
  return rows as { kind: string; action: string | null; to_state: string | null; note: string | null; actor_type: string; details: Record<string, unknown> }[];
}
async function ackOf(ws: TestWorkspace, caseId: string) {
  const { rows } = await t.database.pool.query(
    "SELECT id, recipient, subject, body_text, purpose FROM messages WHERE tenant_id = $1 AND origin->>'complaintCaseId' = $2", [ws.tenantId, caseId]);
  return rows as { id: string; recipient: string; subject: string; body_text: string; purpose: string }[];
}

describe('e-mail intake over SMTP', () => {
  it('a new mail opens a case acknowledged at once, and the acknowledgement carries the code and a Message-ID we remember', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const from = sender();
    const first = mid('first');
    await send({ from: `مریم <${from}>`, to: to(ws), subject: 'سفارشم خراب رسید', text: 'سلام، بسته‌ی من شکسته به دستم رسید.', messageId: first });
    const [created, ...others] = await casesOf(ws);
    expect(others).toHaveLength(0);
    expect(created).toMatchObject({ channel: 'email', state: 'acknowledged', contact_email: from, description: 'سلام، بسته‌ی من شکسته به دستم رسید.', language: 'fa' });
    expect((await logOf(ws, created!.id)).map((e) => [e.action, e.to_state, e.actor_type])).toEqual([['receive', 'received', 'customer'], ['acknowledge', 'acknowledged', 'system']]);
    const [ack] = await ackOf(ws, created!.id);
    expect(ack).toMatchObject({ recipient: from, purpose: 'transactional' });
    const display = formatTrackingCodeFor(created!.tracking_code as TrackingCode, 'fa');
    expect(ack!.subject).toContain(display);
    expect(ack!.body_text).toContain(display);
    expect(trackingCodesIn(ack!.subject)).toEqual([created!.tracking_code]);
    const { rows: kept } = await t.database.pool.query('SELECT direction, message_id_header FROM complaint_case_messages WHERE tenant_id = $1 AND case_id = $2 ORDER BY direction', [ws.tenantId, created!.id]);
    expect(kept).toEqual([
      { direction: 'inbound', message_id_header: first.slice(1, -1).toLowerCase() },
      { direction: 'outbound', message_id_header: messageIdHeader(ack!.id).slice(1, -1) },
    ]);
  });

  it('a reply to the acknowledgement threads by its headers, even from another address and with another subject', async () => {
    const ws = await t.createWorkspace({ country: 'SA' });
    const from = sender();
    await send({ from, to: to(ws), subject: 'Refund missing', text: 'I returned the shoes two weeks ago and got no refund.', messageId: mid('a') });
    const [created] = await casesOf(ws);
    const [ack] = await ackOf(ws, created!.id);
    const reply = mid('reply');
    await send({
      from: sender('forwarded'), to: to(ws), subject: 'Re: something else entirely', text: 'Here is the receipt.\n\nOn Monday, Care wrote:\n> We received your complaint.',
      inReplyTo: messageIdHeader(ack!.id), references: [messageIdHeader(ack!.id)], messageId: reply,
    });
    expect(await casesOf(ws)).toHaveLength(1);
    const log = await logOf(ws, created!.id);
    expect(log.at(-1)).toMatchObject({ kind: 'customer_message', note: 'Here is the receipt.', actor_type: 'customer', details: expect.objectContaining({ threadedBy: 'headers', channel: 'email' }) });
    // The same mail delivered twice is recorded once.
    await send({ from: sender('forwarded'), to: to(ws), subject: 'Re: again', text: 'Here is the receipt.', messageId: reply });
    expect((await logOf(ws, created!.id)).filter((e) => e.kind === 'customer_message')).toHaveLength(1);
  });

  it('a reply without references threads by the code in the subject in any digits, only from the complainant', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const from = sender();
    await send({ from, to: to(ws), subject: 'Late delivery', text: 'My order is ten days late.', messageId: mid('b') });
    const [created] = await casesOf(ws);
    const persian = formatTrackingCodeFor(created!.tracking_code as TrackingCode, 'fa');
    // A client that drops the headers, with the code in Persian digits and bidi marks.
    await send({ from: from.toUpperCase(), to: to(ws), subject: `پاسخ: کد پیگیری ${persian}`, text: 'هنوز خبری نشد.', messageId: mid('c'), headers: { 'X-Dropped': 'references' } });
    expect(await casesOf(ws)).toHaveLength(1);
    expect((await logOf(ws, created!.id)).at(-1)).toMatchObject({ kind: 'customer_message', details: expect.objectContaining({ threadedBy: 'code' }) });

    // Someone else quoting the code does not get onto the case: a case of their own instead.
    const stranger = sender('stranger');
    await send({ from: stranger, to: to(ws), subject: `About ${created!.tracking_code}`, text: 'I have the same problem.', messageId: mid('d') });
    const cases = await casesOf(ws);
    expect(cases).toHaveLength(2);
    expect(cases[1]).toMatchObject({ contact_email: stranger });
    expect((await logOf(ws, created!.id)).filter((e) => e.kind === 'customer_message')).toHaveLength(1);
  });

  it('a customer replying to their own first mail does not open a second case', async () => {
    const ws = await t.createWorkspace({ country: 'AE' });
    const from = sender();
    const first = mid('own');
    await send({ from, to: to(ws), subject: 'Broken screen', text: 'The phone I bought has a broken screen.', messageId: first });
    // Sent before the acknowledgement came back: it refers to their own mail only, subject without the code.
    await send({ from, to: to(ws), subject: 'Re: Broken screen', text: 'Forgot to say: order 5521.', inReplyTo: first, references: [first], messageId: mid('own2') });
    const cases = await casesOf(ws);
    expect(cases).toHaveLength(1);
    expect((await logOf(ws, cases[0]!.id)).at(-1)).toMatchObject({ kind: 'customer_message', note: 'Forgot to say: order 5521.', details: expect.objectContaining({ threadedBy: 'headers' }) });
    expect(await ackOf(ws, cases[0]!.id)).toHaveLength(1);
  });

  it('a first mail and the customer\'s own follow-up arriving at the same moment still make one case', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    for (let round = 0; round < 3; round++) {
      const from = sender('race');
      const first = mid('race');
      await Promise.all([
        transport().sendMail({ from, to: to(ws), subject: `Problem ${round}`, text: 'The first mail.', messageId: first }),
        transport().sendMail({ from, to: to(ws), subject: `Re: Problem ${round}`, text: 'The follow-up.', inReplyTo: first, references: [first], messageId: mid('race2') }),
      ]);
      const mine = (await casesOf(ws)).filter((c) => c.contact_email === from);
      expect(mine, `round ${round}`).toHaveLength(1);
    }
  });

  it('a reply whose In-Reply-To is unknown threads by an older id in its References', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const from = sender();
    const first = mid('chain');
    await send({ from, to: to(ws), subject: 'Chain', text: 'Start of the chain.', messageId: first });
    await send({ from: sender('colleague'), to: to(ws), subject: 'Fwd', text: 'Forwarded on behalf.', inReplyTo: mid('unknown'), references: [first, mid('unknown2')] });
    const cases = await casesOf(ws);
    expect(cases).toHaveLength(1);
    expect((await logOf(ws, cases[0]!.id)).at(-1)).toMatchObject({ kind: 'customer_message', details: expect.objectContaining({ threadedBy: 'headers' }) });
  });

  it('the same sender within the window joins their open case; a case waiting for them resumes', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const from = sender();
    await send({ from, to: to(ws), subject: 'Wrong size', text: 'I got size 42 instead of 44.', messageId: mid('e') });
    const [created] = await casesOf(ws);
    const agent = t.auth(ws.keys.agent);
    const waiting = await t.app.inject({ method: 'POST', url: `/api/complaints/${created!.id}/actions`, headers: agent, payload: { action: 'wait_for_customer', note: 'Which colour?' } });
    expect(waiting.statusCode, waiting.body).toBe(200);
    await send({ from, to: to(ws), subject: 'one more thing', text: 'Blue, please.', messageId: mid('f') });
    expect(await casesOf(ws)).toHaveLength(1);
    const log = await logOf(ws, created!.id);
    expect(log.slice(-2).map((e) => [e.kind, e.action, e.to_state])).toEqual([['customer_message', null, null], ['transition', 'customer_replied', 'acknowledged']]);
    expect(log.at(-2)!.details).toMatchObject({ threadedBy: 'sender' });
  });

  it('keeps images and PDFs of a mail, with checksums, and drops programs and web pages', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
    await send({
      from: sender(), to: to(ws), subject: 'Photos', text: 'See the photos.', messageId: mid('g'),
      attachments: [
        { filename: 'damage.png', content: png },
        { filename: 'invoice.pdf', content: Buffer.from('%PDF-1.4\n%…\n') },
        { filename: 'photo.jpg.exe', content: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100)]) },
        { filename: 'page.html', content: Buffer.from('<html><script>alert(1)</script></html>'), contentType: 'text/plain' },
      ],
    });
    const [created] = await casesOf(ws);
    const thread = await t.app.inject({ method: 'GET', url: `/api/complaints/${created!.id}/thread`, headers: t.auth(ws.keys.analyst) });
    expect(thread.statusCode, thread.body).toBe(200);
    const { attachments, messages } = thread.json();
    expect(attachments.map((a: { fileName: string; contentType: string; source: string }) => [a.fileName, a.contentType, a.source])).toEqual([
      ['damage.png', 'image/png', 'email'], ['invoice.pdf', 'application/pdf', 'email'],
    ]);
    expect(attachments[0].sha256).toBe((await import('node:crypto')).createHash('sha256').update(png).digest('hex'));
    expect(messages.map((m: { direction: string }) => m.direction)).toEqual(['inbound', 'outbound']);
  });

  it('refuses mail to unknown workspaces at RCPT, and keeps workspaces apart', async () => {
    const a = await t.createWorkspace({ country: 'IR' });
    const b = await t.createWorkspace({ country: 'IR' });
    await expect(send({ from: sender(), to: 'complaints+no-such-workspace@intake.example.test', subject: 'x', text: 'hello there' })).rejects.toMatchObject({ responseCode: 550 });
    await expect(send({ from: sender(), to: `someone@intake.example.test`, subject: 'x', text: 'hello there' })).rejects.toMatchObject({ responseCode: 550 });
    const from = sender();
    const first = mid('iso');
    await send({ from, to: to(b), subject: 'In B', text: 'A complaint for B.', messageId: first });
    const [inB] = await casesOf(b);
    // The same customer writes to A quoting B's code and replying to B's thread: A gets a case of its own.
    await send({ from, to: to(a), subject: `Re: ${inB!.tracking_code}`, text: 'For A this time.', inReplyTo: first, references: [first], messageId: mid('iso2') });
    const inA = await casesOf(a);
    expect(inA).toHaveLength(1);
    expect(inA[0]!.id).not.toBe(inB!.id);
    expect((await logOf(b, inB!.id)).filter((e) => e.kind === 'customer_message')).toHaveLength(0);
    // A workspace that turned e-mail intake off is refused like an unknown one.
    const off = await t.app.inject({ method: 'PATCH', url: '/api/complaint-intake/settings', headers: t.auth(a.keys.manager), payload: { emailEnabled: false } });
    expect(off.statusCode, off.body).toBe(200);
    await expect(send({ from, to: to(a), subject: 'again', text: 'hello again' })).rejects.toMatchObject({ responseCode: 550 });
  });

  it('survives garbage: binary, broken MIME, huge headers, no sender, oversized mail; and still takes the next good mail', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const raw = async (bytes: Buffer | string, from = sender('raw')) => transport().sendMail({ envelope: { from, to: [to(ws)] }, raw: bytes });
    const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    await expect(raw(random)).rejects.toMatchObject({ responseCode: 550 });
    await expect(raw('Subject: nobody\r\n\r\nno from header\r\n', '')).rejects.toMatchObject({ responseCode: 550 });
    await expect(raw('From: not an address\r\nSubject: x\r\n\r\nbody\r\n')).rejects.toMatchObject({ responseCode: 550 });
    expect(await casesOf(ws)).toHaveLength(0);
    // Broken MIME from a real sender is taken for what can be read of it.
    await raw('Content-Type: multipart/mixed; boundary="x"\r\nFrom: <broken@mail.example.test>\r\nSubject: =?utf-8?B?!!!?=\r\n\r\n--x\r\nContent-Type: text/plain; charset=no-such-charset\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@@not base64@@@\r\n--x\r\nContent-Type: application/octet-stream\r\n');
    await raw(`From: <huge@mail.example.test>\r\nSubject: ${'h'.repeat(150_000)}\r\nX-Long: ${'y'.repeat(50_000)}\r\n\r\nbody\r\n`);
    await expect(raw(`From: <big@mail.example.test>\r\nSubject: big\r\n\r\n${'z'.repeat(MAX_BYTES + 10)}\r\n`)).rejects.toMatchObject({ responseCode: 552 });
    expect((await casesOf(ws)).map((c) => c.contact_email).sort()).toEqual(['broken@mail.example.test', 'huge@mail.example.test']);
    // An auto-reply never opens a case (no acknowledgement loops).
    await send({ from: sender('auto'), to: to(ws), subject: 'Out of office', text: 'I am away until Monday.', headers: { 'Auto-Submitted': 'auto-replied' } });
    const before = await casesOf(ws);
    for (const c of before) {
      expect(c.description.length).toBeLessThanOrEqual(10_000);
      expect(c.channel).toBe('email');
    }
    expect(before.map((c) => c.contact_email)).not.toContain(expect.stringMatching(/^auto-/));
    const good = sender('good');
    await send({ from: good, to: to(ws), subject: 'After the storm', text: 'This one is real.' });
    expect((await casesOf(ws)).map((c) => c.contact_email)).toContain(good);
  });

  it('holds a sender to a number of mails an hour (450, try later)', async () => {
    const ws = await t.createWorkspace({ country: 'IR' });
    const from = sender('flood');
    for (let i = 0; i < PER_SENDER; i++) await send({ from, to: to(ws), subject: `n ${i}`, text: `message ${i}` });
    await expect(send({ from, to: to(ws), subject: 'one too many', text: 'more' })).rejects.toMatchObject({ responseCode: 450 });
    // They all joined the first case by the time window.
    expect(await casesOf(ws)).toHaveLength(1);
  });
});

describe('intake addresses and config', () => {
  it('keeps what a reply adds, not the history it quotes', () => {
    expect(withoutQuotedReply('Photos attached.\n\nOn Mon, 1 Dec 2026 at 10:00, Care <care@shop.example> wrote:\n> We received your complaint')).toBe('Photos attached.');
    expect(withoutQuotedReply('عکس‌ها پیوست است.\n\nدر تاریخ ۱۰ آذر، پشتیبانی نوشت:\n> شکایت شما دریافت شد')).toBe('عکس‌ها پیوست است.');
    expect(withoutQuotedReply('الصور مرفقة.\n\nفي ١ ديسمبر، كتب الدعم:\n> استلمنا شكواك')).toBe('الصور مرفقة.');
    expect(withoutQuotedReply('Thanks\n-----Original Message-----\nFrom: x')).toBe('Thanks');
    expect(withoutQuotedReply('> only a quote\n> nothing new')).toBe('> only a quote\n> nothing new');
    expect(withoutQuotedReply('No quote here.\nSecond line.')).toBe('No quote here.\nSecond line.');
    expect(withoutQuotedReply('سلام\nدر نامه‌ی قبلی نوشتم:\nسفارش ۱۲ خراب بود')).toBe('سلام\nدر نامه‌ی قبلی نوشتم:\nسفارش ۱۲ خراب بود');
  });


  it('takes complaints+<slug>@ an intake domain only', () => {
    expect(slugOfRecipient('complaints+shop-1@in.example.com', [])).toBe('shop-1');
    expect(slugOfRecipient('Complaints+Shop-1@IN.example.com', ['in.example.com'])).toBe('shop-1');
    expect(slugOfRecipient('complaints+shop-1@other.example.com', ['in.example.com'])).toBeUndefined();
    expect(slugOfRecipient('support@in.example.com', [])).toBeUndefined();
    expect(slugOfRecipient('complaints+../x@in.example.com', [])).toBeUndefined();
  });

  it('is off unless a port is set; domains are a checked list', () => {
    expect(loadConfig({ VAFA_DATA_DIR: '/tmp' }, { secretKey: Buffer.alloc(32) }).emailIntake).toBeUndefined();
    expect(loadConfig({ VAFA_SMTP_INTAKE_PORT: '2525', VAFA_SMTP_INTAKE_DOMAINS: 'In.Example.com, b.example' }, { secretKey: Buffer.alloc(32) }).emailIntake).toEqual({
      port: 2525, host: '0.0.0.0', maxMessageBytes: 25 * 1024 * 1024, domains: ['in.example.com', 'b.example'],
    });
    expect(() => loadConfig({ VAFA_SMTP_INTAKE_PORT: '2525', VAFA_SMTP_INTAKE_DOMAINS: 'not a domain' }, { secretKey: Buffer.alloc(32) })).toThrow(/VAFA_SMTP_INTAKE_DOMAINS/);
  });

  it('a port that is taken stops the listener from starting with an error, not a crash later', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const second = new EmailIntakeListener({ database: t.database, log: t.vafa.http!.log as never, config: { port, host: '127.0.0.1', maxMessageBytes: MAX_BYTES, domains: [] } });
    await expect(second.start()).rejects.toThrow(/EADDRINUSE/);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  });
});
