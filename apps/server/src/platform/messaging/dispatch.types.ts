import type { Executor } from '../db/connect.ts';
import type { MessageChannel } from './outbox.ts';

/** A message a dispatcher has claimed (status 'sending', leased) and is about to review and send. */
export interface ClaimedMessage {
  tenantId: string;
  id: string;
  customerId: string | null;
  channel: MessageChannel;
  /** e-mail address, E.164 phone, or webhook endpoint id */
  recipient: string;
  locale: string;
  subject: string | null;
  bodyText: string;
  bodyHtml: string | null;
  payload: Record<string, unknown> | null;
  purpose: 'automated' | 'transactional';
  /** attempts so far, including this one */
  attempts: number;
  origin: Record<string, unknown>;
}

/** What the guard decides for one claimed message. */
export type Verdict = { kind: 'send' } | { kind: 'defer'; until: Date; reason: string } | { kind: 'suppress'; reason: string; detail?: string };

/** Implemented by modules/engagement (consent, quiet hours, caps); the platform only asks. */
export interface DispatchGuard {
  /** a verdict per message id; a message missing from the map is sent */
  review(db: Executor, tenantId: string, messages: ClaimedMessage[], now: Date): Promise<Map<string, Verdict>>;
}

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'dead' | 'suppressed';

export interface StatusChange {
  id: string;
  customerId: string | null;
  channel: MessageChannel;
  status: 'sent' | 'delivered' | 'failed' | 'dead' | 'suppressed';
  /** stable code: smtp_550, sms_411, webhook_410, no_consent, undelivered... */
  reason: string | null;
  at: Date;
  origin: Record<string, unknown>;
}

/** Called in the transaction that records the change (engagement puts it on the timeline and publishes events). */
export type StatusListener = (tx: Executor, tenantId: string, changes: StatusChange[]) => Promise<void>;

/** What one channel made of one send. */
export type SendOutcome =
  | { kind: 'sent'; provider: string; providerMessageId: string | null }
  /** worth trying again later (4xx SMTP, timeouts, 5xx HTTP) */
  | { kind: 'retry'; reason: string; detail?: string }
  /** will never work as addressed (5xx SMTP, invalid number, endpoint gone): dead at once */
  | { kind: 'permanent'; reason: string; detail?: string };

/** A channel adapter: sends one claimed message; settings are looked up per workspace inside. */
export interface ChannelSender {
  send(message: ClaimedMessage): Promise<SendOutcome>;
  /** closes pooled connections */
  close(): Promise<void>;
}

/** Lets every message through: for tests and tools that have no policy to apply. */
export const allowAllGuard: DispatchGuard = {
  review: async () => new Map(),
};
