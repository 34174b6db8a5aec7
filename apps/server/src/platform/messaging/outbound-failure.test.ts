import { describe, expect, it } from 'vitest';
import { OutboundRefused, OutboundUnreachable } from '../net/index.ts';
import { smtpOutcome } from './email.channel.ts';
import { fetchFailureOutcome } from './outbound-failure.ts';

// What a failed connection becomes: codes for the message log and the test action, with the
// remote end's words kept out (they may be a banner read off an internal port).

const nodemailerError = (code: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { code, ...extra });

describe('smtpOutcome', () => {
  it.each([
    [nodemailerError('EPROTOCOL', 'Invalid greeting. response=SSH-2.0-OpenSSH_9.6: SSH-2.0-OpenSSH_9.6'), 'smtp_protocol'],
    [nodemailerError('ESOCKET', 'connect ECONNREFUSED 127.0.0.1:2525'), 'smtp_connection'],
    [nodemailerError('ETIMEDOUT', 'Greeting never received'), 'outbound_timeout'],
    [nodemailerError('ETIMEDOUT', 'Connection timeout'), 'outbound_timeout'],
    [nodemailerError('EDNS', 'getaddrinfo ENOTFOUND smtp.nowhere.test'), 'outbound_unreachable'],
    [nodemailerError('EAUTH', 'Invalid login: 535 5.7.8 Authentication credentials invalid', { responseCode: 535, response: '535 5.7.8 secret-ish text' }), 'smtp_auth_failed'],
    [nodemailerError('ETLS', 'Error initiating TLS - unable to verify the first certificate'), 'tls_failed'],
    [new OutboundRefused('metadata', '169.254.169.254'), 'outbound_refused'],
    [new OutboundUnreachable('smtp.nowhere.test', 'ENOTFOUND'), 'outbound_unreachable'],
  ])('%s → %s, with no remote text', (err, reason) => {
    const outcome = smtpOutcome(err);
    expect(outcome.kind === 'sent' ? null : outcome.reason).toBe(reason);
    const detail = outcome.kind === 'sent' ? undefined : outcome.detail;
    expect(detail ?? '').not.toMatch(/SSH|ECONNREFUSED|secret|certificate|127\.0\.0\.1/);
  });

  it('keeps a reply about the message (a 4xx or 5xx to MAIL, RCPT or DATA) as the server said it', () => {
    expect(smtpOutcome(nodemailerError('EENVELOPE', "Can't send mail - all recipients were rejected", { responseCode: 550, response: '550 No such user here' })))
      .toEqual({ kind: 'permanent', reason: 'smtp_550', detail: '550 No such user here' });
    expect(smtpOutcome(nodemailerError('EMESSAGE', 'Message failed', { responseCode: 451, response: '451 Greylisted' }))).toMatchObject({ kind: 'retry', reason: 'smtp_451' });
  });
});

describe('fetchFailureOutcome', () => {
  it('names guard refusals, timeouts, TLS failures and network errors by code only', () => {
    expect(fetchFailureOutcome('webhook', new OutboundRefused('loopback', '127.0.0.1'))).toEqual({ kind: 'permanent', reason: 'outbound_refused', detail: 'loopback' });
    expect(fetchFailureOutcome('sms', Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }))).toEqual({ kind: 'retry', reason: 'sms_timeout' });
    const tls = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }) });
    expect(fetchFailureOutcome('webhook', tls)).toEqual({ kind: 'retry', reason: 'tls_failed', detail: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:80'), { code: 'ECONNREFUSED' }) });
    expect(fetchFailureOutcome('webhook', refused)).toEqual({ kind: 'retry', reason: 'webhook_network', detail: 'ECONNREFUSED' });
  });
});
