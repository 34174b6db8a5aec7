import { OutboundRefused, OutboundUnreachable } from '../net/index.ts';
import type { SendOutcome } from './dispatch.types.ts';

/**
 * Reasons that mean the connection itself failed (as opposed to a server or provider that
 * answered and declined). The "send a test" action turns these into localised problems; their
 * `detail` is only ever one of our codes or an errno name, never text from the remote end, so
 * a settings form cannot be used to read banners off internal ports.
 */
export const CONNECT_FAILURES = new Set([
  'outbound_refused',
  'outbound_unreachable',
  'outbound_timeout',
  'tls_failed',
  'smtp_auth_failed',
  'smtp_protocol',
  'smtp_connection',
  'webhook_network',
  'webhook_timeout',
  'sms_network',
  'sms_timeout',
]);

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|EPROTO$)/;

/** The outcome for an error the outbound guard raised, or undefined for any other error. */
export function guardOutcome(err: unknown): SendOutcome | undefined {
  if (err instanceof OutboundRefused) return { kind: 'permanent', reason: 'outbound_refused', detail: err.reason };
  if (err instanceof OutboundUnreachable) return { kind: 'retry', reason: 'outbound_unreachable', detail: err.code };
  return undefined;
}

/**
 * What a failed fetch to a webhook or SMS provider means, as codes only: the guard's refusal,
 * a timeout, a TLS failure, or a network error named by its errno.
 */
export function fetchFailureOutcome(prefix: 'webhook' | 'sms', err: unknown): SendOutcome {
  const guarded = guardOutcome(err);
  if (guarded) return guarded;
  const e = err as Error & { cause?: { code?: string; cause?: { code?: string } } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return { kind: 'retry', reason: `${prefix}_timeout` };
  const code = e.cause?.code ?? e.cause?.cause?.code;
  if (code && TLS_CODE.test(code)) return { kind: 'retry', reason: 'tls_failed', detail: code };
  return { kind: 'retry', reason: `${prefix}_network`, detail: code && /^[A-Z0-9_]{2,40}$/.test(code) ? code : undefined };
}

/** The errno or nodemailer code of an SMTP failure, if it looks like one (never its message). */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? code : undefined;
}

/**
 * An SMTP failure before any reply about the message: nodemailer's connection-level codes
 * mapped to ours. A greeting that is not SMTP (an SSH or HTTP port) is `smtp_protocol`; the
 * banner it carried stays out of the outcome.
 */
export function smtpConnectionOutcome(err: unknown): SendOutcome {
  const guarded = guardOutcome(err);
  if (guarded) return guarded;
  const e = err as Error & { code?: string; responseCode?: number; cause?: { code?: string } };
  const code = errorCode(err);
  const socketCode = errorCode(e.cause) ?? (e as { errno?: unknown }).errno;
  if (code === 'EAUTH' || code === 'ENOAUTH') return { kind: 'permanent', reason: 'smtp_auth_failed', detail: e.responseCode ? String(e.responseCode) : undefined };
  // A greeting that never came is a timeout; one that came and was not SMTP is a protocol failure.
  if (code === 'ETIMEDOUT') return { kind: 'retry', reason: 'outbound_timeout', detail: code };
  if (code === 'EPROTOCOL' || /greeting/i.test(e.message ?? '')) return { kind: 'retry', reason: 'smtp_protocol', detail: code };
  if (code === 'ETLS' || (typeof socketCode === 'string' && TLS_CODE.test(socketCode)) || /certificate|TLS|SSL/i.test(e.message ?? '')) {
    return { kind: 'retry', reason: 'tls_failed', detail: code };
  }
  if (code === 'EDNS') return { kind: 'retry', reason: 'outbound_unreachable', detail: code };
  return { kind: 'retry', reason: 'smtp_connection', detail: code };
}
