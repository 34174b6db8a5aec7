// The whole e-mail round trip on a running instance: VAFA_SMTP_INTAKE_PORT makes the worker start
// the listener; the dispatcher sends the acknowledgement to the customer's (sink) mailbox with the
// Message-ID intake remembered; the customer's client replies to what it received.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from '../../../test/eventually.ts';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { startSmtpSink, type SmtpSink } from '../../../test/smtp-sink.ts';
import type { EmailIntakeListener } from './email-intake.ts';

let t: TestApp;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ role: 'all', env: { VAFA_SMTP_INTAKE_PORT: '0', VAFA_SMTP_INTAKE_HOST: '127.0.0.1', VAFA_SMTP_INTAKE_DOMAINS: 'intake.example.test', VAFA_OUTBOUND_ALLOW: '127.0.0.1' } });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await sink?.close();
});

it('a configured instance listens, acknowledges by mail, and threads the reply the customer sends to that acknowledgement', async () => {
  const listener = t.vafa.background.find((w) => w.name === 'complaints.email-intake') as EmailIntakeListener | undefined;
  expect(listener?.port).toBeGreaterThan(0);
  const ws = await t.createWorkspace({ country: 'AE', language: 'en' });
  const owner = t.auth(ws.keys.owner);
  const channel = await t.app.inject({ method: 'PUT', url: '/api/messaging/channels/email', headers: owner, payload: { host: sink.host, port: sink.port, fromAddress: `care@${ws.slug}.example.test`, fromName: 'Care' } });
  expect(channel.statusCode, channel.body).toBe(200);
  const settings = (await t.app.inject({ method: 'GET', url: '/api/complaint-intake/settings', headers: owner })).json();
  expect(settings.emailAddresses).toEqual([`complaints+${ws.slug}@intake.example.test`]);

  const customer = nodemailer.createTransport({ host: '127.0.0.1', port: listener!.port, secure: false, ignoreTLS: true });
  const customerAddress = `layla-${ws.slug}@mail.example.test`;
  await customer.sendMail({ from: customerAddress, to: settings.emailAddresses[0], subject: 'Damaged sofa', text: 'The sofa arrived with a torn cushion.' });
  const [ack] = await eventually(async () => sink.messages.filter((m) => m.to.includes(customerAddress)).length === 1 && sink.messages.filter((m) => m.to.includes(customerAddress)), 'the acknowledgement mail');
  const { rows: [created] } = await t.database.pool.query('SELECT id, tracking_code FROM complaint_cases WHERE tenant_id = $1', [ws.tenantId]);
  expect(ack!.subject).toContain(created.tracking_code.slice(0, 4));

  // The customer's mail client replies to what it received, keeping its Message-ID in the headers.
  await customer.sendMail({ from: customerAddress, to: settings.emailAddresses[0], subject: `Re: ${ack!.subject}`, text: 'Photos to follow.', inReplyTo: ack!.messageId, references: [ack!.messageId] });
  const { rows: cases } = await t.database.pool.query('SELECT id FROM complaint_cases WHERE tenant_id = $1', [ws.tenantId]);
  expect(cases).toHaveLength(1);
  const { rows: log } = await t.database.pool.query("SELECT note, details FROM complaint_case_events WHERE tenant_id = $1 AND case_id = $2 AND kind = 'customer_message'", [ws.tenantId, created.id]);
  expect(log).toEqual([expect.objectContaining({ note: 'Photos to follow.', details: expect.objectContaining({ threadedBy: 'headers' }) })]);
});
