import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { publicBaseUrl } from '../config.ts';
import type { Database, Executor } from '../db/connect.ts';
import type { BackgroundWorker, ModuleDeps } from '../module.ts';
import type { OutboundAllowList } from '../net/index.ts';
import type { ChannelSender, ClaimedMessage, DispatchGuard, SendOutcome, StatusChange, StatusListener, Verdict } from './dispatch.types.ts';
import { EmailChannel, type ChannelContext } from './email.channel.ts';
import type { MessageChannel } from './outbox.ts';
import type { Secrets } from './sealed.ts';
import { SmsChannel } from './sms.channel.ts';
import { WebhookChannel } from './webhook.channel.ts';

export interface DispatcherOptions {
  database: Database;
  log: Logger;
  guard: DispatchGuard;
  onStatus: StatusListener;
  secrets: Secrets;
  /** base of unsubscribe links and SMS status callbacks, e.g. https://cx.example.com */
  publicUrl: string;
  /** internal hosts channels may reach (config.outboundAllow); none when absent */
  outboundAllow?: OutboundAllowList;
  clock?: { now(): Date };
  /** messages claimed per round trip */
  batchSize?: number;
  /** sends in flight at once, across channels and workspaces */
  concurrency?: number;
  /** how long a claim lasts; after it, another dispatcher may take the message (a crashed one's) */
  leaseMs?: number;
  /** idle poll interval */
  pollMs?: number;
  /** attempts before a message is dead */
  maxAttempts?: number;
  /** first retry delay; doubles per attempt, with jitter, up to retryMaxMs */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** per-send network timeout */
  sendTimeoutMs?: number;
  /** only these workspaces (tests; pinning a dispatcher to tenants) */
  tenants?: string[];
  /** replace channel adapters (tools that send elsewhere) */
  channels?: Partial<Record<MessageChannel, ChannelSender>>;
}

export const DISPATCH_DEFAULTS = {
  batchSize: 500,
  concurrency: 64,
  leaseMs: 120_000,
  pollMs: 250,
  maxAttempts: 8,
  retryBaseMs: 30_000,
  retryMaxMs: 6 * 3_600_000,
  sendTimeoutMs: 15_000,
} as const;

/** A message's next state, as the dispatcher records it. */
type Result =
  | { kind: 'sent'; message: ClaimedMessage; provider: string; providerMessageId: string | null; at: Date }
  | { kind: 'failed' | 'dead' | 'suppressed'; message: ClaimedMessage; reason: string; detail: string | null; nextAt: Date | null; at: Date }
  /** back to queued without counting an attempt: the guard deferred it, the rate limit held it, or we stopped first */
  | { kind: 'queued'; message: ClaimedMessage; reason: string | null; nextAt: Date; at: Date };

type ClaimedRow = {
  tenant_id: string;
  id: string;
  customer_id: string | null;
  channel: MessageChannel;
  recipient: string;
  locale: string;
  subject: string | null;
  body_text: string;
  body_html: string | null;
  payload: Record<string, unknown> | null;
  purpose: 'automated' | 'transactional';
  attempts: number;
  origin: Record<string, unknown>;
};

/** Exponential backoff with jitter: base·2^(attempt-1), capped, then somewhere in its upper half. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * Moves messages from the outbox to their channels.
 *
 * One loop claims due messages in batches (`FOR UPDATE SKIP LOCKED`, status → sending with a
 * lease; a lapsed lease is a crashed dispatcher's and is taken over), asks the guard, holds
 * back what the workspace send rate does not allow, and hands the rest to a bounded pool of
 * sends. Results are recorded in set-based batches, each in one transaction with the status
 * listener. Claiming, sending and recording overlap, so the database round trips are not
 * paid per message.
 *
 * Dispatch is idempotent per message: only queued/failed (or lapsed sending) messages are
 * claimed, a result is recorded only by the claim that produced it (same attempt number),
 * and the message id travels as Message-ID / localid / webhook-id. A crash after the
 * provider accepted but before the result was recorded sends again after the lease, with
 * the same id.
 */
export class MessageDispatcher implements BackgroundWorker {
  readonly name = 'message-dispatcher';
  private readonly options: Required<Omit<DispatcherOptions, 'tenants' | 'channels' | 'clock' | 'outboundAllow'>> & Pick<DispatcherOptions, 'tenants'>;
  private readonly clock: { now(): Date };
  private readonly channels: Record<MessageChannel, ChannelSender>;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** claimed and cleared to send, not started */
  private pending: ClaimedMessage[] = [];
  private active = 0;
  private idle: (() => void) | undefined;
  private results: Result[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly rate = new Map<string, { checkedAt: number; limit: number; used: number }>();

  constructor(options: DispatcherOptions) {
    this.options = { ...DISPATCH_DEFAULTS, ...options };
    this.clock = options.clock ?? { now: () => new Date() };
    const context: ChannelContext = {
      db: options.database.db, secrets: options.secrets, publicUrl: options.publicUrl.replace(/\/+$/, ''), log: options.log, timeoutMs: this.options.sendTimeoutMs, outboundAllow: options.outboundAllow,
    };
    this.channels = {
      email: options.channels?.email ?? new EmailChannel(context),
      sms: options.channels?.sms ?? new SmsChannel(context),
      webhook: options.channels?.webhook ?? new WebhookChannel(context),
    };
  }

  async start(): Promise<void> {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops claiming, hands back what was claimed but not started, lets in-flight sends finish and records them. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    const now = this.clock.now();
    for (const message of this.pending.splice(0)) this.results.push({ kind: 'queued', message, reason: null, nextAt: now, at: now });
    if (this.active > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    await this.flush();
    await Promise.all(Object.values(this.channels).map((channel) => channel.close()));
  }

  /** Wakes an idle dispatcher now (e.g. after queueing in this process). */
  poke(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        // Keep one batch ready behind the one being sent, no more: claims are leased.
        if (this.pending.length < this.options.batchSize) claimed = await this.claimAndReview();
      } catch (err) {
        this.options.log.error({ err }, 'message dispatch failed; retrying');
      }
      if (!this.running) break;
      if (claimed > 0 && this.pending.length < this.options.batchSize) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, claimed > 0 ? 5 : this.options.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Claims one batch, asks the guard and the rate limit, queues the sends. Returns how many were claimed. */
  async claimAndReview(): Promise<number> {
    const now = this.clock.now();
    const lease = new Date(now.getTime() + this.options.leaseMs);
    const tenants = this.options.tenants;
    // A claimed message's next_attempt_at is its lease end, so one index range finds both the
    // due messages and the lapsed claims of a dispatcher that died.
    const { rows } = await this.options.database.db.execute<ClaimedRow>(sql`
      WITH due AS (
        SELECT tenant_id, id FROM messages
        WHERE status IN ('queued', 'failed', 'sending') AND next_attempt_at <= ${now.toISOString()}::timestamptz
          ${tenants ? sql`AND tenant_id = ANY(${sql.param(tenants)}::uuid[])` : sql``}
        ORDER BY next_attempt_at
        LIMIT ${this.options.batchSize}
        FOR UPDATE SKIP LOCKED)
      UPDATE messages m
      SET status = 'sending', attempts = m.attempts + 1, lease_until = ${lease.toISOString()}::timestamptz,
          next_attempt_at = ${lease.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz
      FROM due WHERE m.tenant_id = due.tenant_id AND m.id = due.id
      RETURNING m.tenant_id, m.id, m.customer_id, m.channel, m.recipient, m.locale, m.subject, m.body_text, m.body_html,
                m.payload, m.purpose, m.attempts, m.origin`);
    if (rows.length === 0) return 0;
    const byTenant = new Map<string, ClaimedMessage[]>();
    for (const row of rows) {
      const message: ClaimedMessage = {
        tenantId: row.tenant_id,
        id: row.id,
        customerId: row.customer_id,
        channel: row.channel,
        recipient: row.recipient,
        locale: row.locale,
        subject: row.subject,
        bodyText: row.body_text,
        bodyHtml: row.body_html,
        payload: row.payload,
        purpose: row.purpose,
        attempts: Number(row.attempts),
        origin: row.origin,
      };
      // A message whose claims keep lapsing (its send crashes the process?) stops somewhere.
      if (message.attempts > this.options.maxAttempts) {
        this.results.push({ kind: 'dead', message, reason: 'max_attempts', detail: 'claimed too often without a result', nextAt: null, at: now });
        continue;
      }
      const list = byTenant.get(message.tenantId) ?? [];
      list.push(message);
      byTenant.set(message.tenantId, list);
    }
    await Promise.all([...byTenant].map(([tenantId, messages]) => this.review(tenantId, messages, now)));
    this.pump();
    this.scheduleFlush();
    return rows.length;
  }

  private async review(tenantId: string, messages: ClaimedMessage[], now: Date): Promise<void> {
    let verdicts: Map<string, Verdict>;
    try {
      verdicts = await this.options.guard.review(this.options.database.db, tenantId, messages, now);
    } catch (err) {
      // Without a verdict nothing is sent; the messages wait a little and are reviewed again.
      this.options.log.error({ err, tenantId }, 'dispatch guard failed; deferring');
      const nextAt = new Date(now.getTime() + 30_000);
      for (const message of messages) this.results.push({ kind: 'queued', message, reason: 'guard_error', nextAt, at: now });
      return;
    }
    const cleared: ClaimedMessage[] = [];
    for (const message of messages) {
      const verdict = verdicts.get(message.id) ?? { kind: 'send' };
      if (verdict.kind === 'send') cleared.push(message);
      else if (verdict.kind === 'defer') this.results.push({ kind: 'queued', message, reason: verdict.reason, nextAt: verdict.until, at: now });
      else this.results.push({ kind: 'suppressed', message, reason: verdict.reason, detail: verdict.detail ?? null, nextAt: null, at: now });
    }
    if (cleared.length === 0) return;
    const allowed = await this.allowance(tenantId, now, cleared.length);
    this.pending.push(...cleared.slice(0, allowed));
    const held = cleared.slice(allowed);
    if (held.length > 0) {
      // Spread what is over the limit across the coming minute(s) instead of retrying all at once.
      const { limit } = this.rate.get(tenantId)!;
      held.forEach((message, i) => {
        const nextAt = new Date(now.getTime() + 1_000 + Math.floor(((i + 1) / Math.max(1, limit)) * 60_000));
        this.results.push({ kind: 'queued', message, reason: 'rate_limited', nextAt, at: now });
      });
    }
  }

  /**
   * How many of `wanted` sends the workspace's rate (messages_policies.rate_per_minute, sends
   * in any process) allows now. Approximate: it counts what was recorded as sent in the last
   * minute (refreshed from the database at most once a second) plus what this process started
   * since; sends other processes have started but not recorded are not seen.
   */
  private async allowance(tenantId: string, now: Date, wanted: number): Promise<number> {
    let state = this.rate.get(tenantId);
    if (!state || now.getTime() - state.checkedAt > 1_000) {
      const { rows } = await this.options.database.db.execute<{ limit: number | null; used: number }>(sql`
        SELECT (SELECT rate_per_minute FROM messaging_policies WHERE tenant_id = ${tenantId}) AS limit,
               (SELECT count(*)::int FROM messages WHERE tenant_id = ${tenantId} AND sent_at > ${now.toISOString()}::timestamptz - interval '1 minute') AS used`);
      state = { checkedAt: now.getTime(), limit: rows[0]?.limit ?? DEFAULT_RATE_PER_MINUTE, used: Number(rows[0]?.used ?? 0) };
      this.rate.set(tenantId, state);
    }
    const allowed = Math.max(0, Math.min(wanted, state.limit - state.used));
    state.used += allowed;
    return allowed;
  }

  private pump(): void {
    while (this.active < this.options.concurrency && this.pending.length > 0) {
      const message = this.pending.shift()!;
      this.active += 1;
      void this.sendOne(message).finally(() => {
        this.active -= 1;
        if (this.active === 0) this.idle?.();
        this.pump();
        // Refill as soon as the ready batch drains, not at the next poll.
        if (this.pending.length < this.options.batchSize) this.wake?.();
      });
    }
  }

  private async sendOne(message: ClaimedMessage): Promise<void> {
    let outcome: SendOutcome;
    try {
      outcome = await this.channels[message.channel].send(message);
    } catch (err) {
      outcome = { kind: 'retry', reason: 'send_error', detail: (err as Error).message };
    }
    const at = this.clock.now();
    if (outcome.kind === 'sent') {
      this.results.push({ kind: 'sent', message, provider: outcome.provider, providerMessageId: outcome.providerMessageId, at });
    } else if (outcome.kind === 'permanent' || message.attempts >= this.options.maxAttempts) {
      this.results.push({ kind: 'dead', message, reason: outcome.reason, detail: outcome.detail ?? null, nextAt: null, at });
    } else {
      const nextAt = new Date(at.getTime() + retryDelayMs(message.attempts, this.options.retryBaseMs, this.options.retryMaxMs));
      this.results.push({ kind: 'failed', message, reason: outcome.reason, detail: outcome.detail ?? null, nextAt, at });
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.results.length >= 500) {
      void this.flush();
      return;
    }
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, 20);
  }

  /** Records buffered results, one flush at a time. */
  private flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    this.flushing = this.flushing.then(async () => {
      while (this.results.length > 0) {
        const batch = this.results.splice(0, 1_000);
        await this.recordWithRetry(batch);
      }
    });
    return this.flushing;
  }

  /**
   * Three tries with the status listener, then three without it: better a missing timeline
   * entry than a lapsed lease and the same message sent twice.
   */
  private async recordWithRetry(batch: Result[]): Promise<void> {
    for (let attempt = 1; attempt <= 6; attempt++) {
      try {
        await recordResults(this.options.database.db, batch, attempt <= 3 ? this.options.onStatus : undefined);
        return;
      } catch (err) {
        this.options.log.error({ err, attempt }, attempt < 3 ? 'recording message results failed; retrying' : 'recording message results failed; retrying without the status listener');
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
    this.options.log.error({ messages: batch.length }, 'cannot record message results; their leases will lapse and they will be sent again');
  }
}

/** The schema default of messaging_policies.rate_per_minute, for workspaces without a row. */
const DEFAULT_RATE_PER_MINUTE = 6000;

/**
 * Writes results in one statement (unnest) and tells the listener, in one transaction. A
 * result counts only if the message is still held by the claim that produced it: a message
 * whose lease lapsed and was claimed again has a higher attempt number.
 */
async function recordResults(db: Database['db'], results: Result[], onStatus: StatusListener | undefined): Promise<void> {
  if (results.length === 0) return;
  const col = <T>(pick: (r: Result) => T) => sql.param(results.map(pick));
  await db.transaction(async (tx) => {
    const { rows } = await tx.execute<{ tenant_id: string; id: string }>(sql`
      UPDATE messages m SET
        status = r.status,
        attempts = CASE WHEN r.status = 'queued' THEN greatest(m.attempts - 1, 0) ELSE m.attempts END,
        reason = r.reason, detail = r.detail,
        next_attempt_at = coalesce(r.next_at, m.next_attempt_at),
        lease_until = NULL,
        provider = coalesce(r.provider, m.provider),
        provider_message_id = coalesce(r.provider_message_id, m.provider_message_id),
        sent_at = coalesce(r.sent_at, m.sent_at),
        updated_at = r.at
      FROM unnest(${col((r) => r.message.tenantId)}::uuid[], ${col((r) => r.message.id)}::uuid[], ${col((r) => r.message.attempts)}::int[],
                  ${col((r) => r.kind)}::text[], ${col((r) => (r.kind === 'sent' ? null : r.reason))}::text[],
                  ${col((r) => (r.kind === 'sent' || r.kind === 'queued' ? null : r.detail?.slice(0, 2000) ?? null))}::text[],
                  ${col((r) => (r.kind === 'sent' ? null : r.nextAt?.toISOString() ?? null))}::timestamptz[],
                  ${col((r) => (r.kind === 'sent' ? r.provider : null))}::text[], ${col((r) => (r.kind === 'sent' ? r.providerMessageId : null))}::text[],
                  ${col((r) => (r.kind === 'sent' ? r.at.toISOString() : null))}::timestamptz[], ${col((r) => r.at.toISOString())}::timestamptz[])
           AS r(tenant_id, id, attempts, status, reason, detail, next_at, provider, provider_message_id, sent_at, at)
      WHERE m.tenant_id = r.tenant_id AND m.id = r.id AND m.status = 'sending' AND m.attempts = r.attempts
      RETURNING m.tenant_id, m.id`);
    if (!onStatus) return;
    const recorded = new Set(rows.map((r) => `${r.tenant_id}:${r.id}`));
    const byTenant = new Map<string, StatusChange[]>();
    for (const r of results) {
      if (r.kind === 'queued' || !recorded.has(`${r.message.tenantId}:${r.message.id}`)) continue;
      const change: StatusChange = { id: r.message.id, customerId: r.message.customerId, channel: r.message.channel, status: r.kind, reason: r.kind === 'sent' ? null : r.reason, at: r.at, origin: r.message.origin };
      byTenant.set(r.message.tenantId, [...(byTenant.get(r.message.tenantId) ?? []), change]);
    }
    for (const [tenantId, changes] of byTenant) await onStatus(tx, tenantId, changes);
  });
}

/**
 * Records providers' delivery reports (final states only) for messages of one workspace that
 * were sent: delivered, or failed with the provider's reason. A failure the provider reports
 * is final for that send; it is not retried automatically (retryMessage can). Returns how
 * many messages changed; reports for unknown ids or repeated reports change nothing.
 */
export async function recordDeliveryReports(
  db: Executor,
  tenantId: string,
  reports: { providerMessageId: string; status: 'delivered' | 'failed'; reason?: string }[],
  onStatus: StatusListener,
): Promise<number> {
  if (reports.length === 0) return 0;
  return db.transaction(async (tx) => {
    const { rows } = await tx.execute<{ id: string; customer_id: string | null; channel: MessageChannel; status: 'delivered' | 'failed'; reason: string | null; origin: Record<string, unknown>; at: Date | string }>(sql`
      UPDATE messages m SET
        status = r.status,
        reason = r.reason,
        delivered_at = CASE WHEN r.status = 'delivered' THEN clock_timestamp() ELSE m.delivered_at END,
        next_attempt_at = CASE WHEN r.status = 'failed' THEN 'infinity'::timestamptz ELSE m.next_attempt_at END,
        updated_at = clock_timestamp()
      FROM unnest(${sql.param(reports.map((r) => r.providerMessageId))}::text[], ${sql.param(reports.map((r) => r.status))}::text[],
                  ${sql.param(reports.map((r) => r.reason ?? (r.status === 'failed' ? 'undelivered' : null)))}::text[]) AS r(provider_message_id, status, reason)
      WHERE m.tenant_id = ${tenantId} AND m.provider_message_id = r.provider_message_id AND m.status = 'sent'
      RETURNING m.id, m.customer_id, m.channel, m.status, m.reason, m.origin, m.updated_at AS at`);
    if (rows.length > 0) {
      await onStatus(
        tx,
        tenantId,
        rows.map((r) => ({ id: r.id, customerId: r.customer_id, channel: r.channel, status: r.status, reason: r.reason, at: new Date(r.at), origin: r.origin })),
      );
    }
    return rows.length;
  });
}

/**
 * Puts a dead or failed message back in the queue to go now, with its attempts reset (the
 * "retry" button). Returns false if the workspace has no such message in those states.
 */
export async function retryMessage(db: Executor, tenantId: string, id: string): Promise<boolean> {
  const { rows } = await db.execute<{ id: string }>(sql`
    UPDATE messages SET status = 'queued', attempts = 0, next_attempt_at = clock_timestamp(), lease_until = NULL,
      reason = NULL, detail = NULL, updated_at = clock_timestamp()
    WHERE tenant_id = ${tenantId} AND id = ${id} AND status IN ('dead', 'failed')
    RETURNING id`);
  return rows.length > 0;
}

/** The dispatcher a worker process runs, built from the process's config; engagement supplies the policy and the listener. */
export function createMessageDispatcher(deps: ModuleDeps, policy: { guard: DispatchGuard; onStatus: StatusListener }): MessageDispatcher {
  return new MessageDispatcher({ database: deps.database, log: deps.log, guard: policy.guard, onStatus: policy.onStatus, secrets: deps.config, publicUrl: publicBaseUrl(deps.config), outboundAllow: deps.config.outboundAllow });
}

/** Sends one message through a workspace's channel now, outside the outbox (the "send a test" button). */
export async function sendTestMessage(
  deps: { database: Database; secrets: Secrets; publicUrl: string; log: Logger; outboundAllow?: OutboundAllowList },
  tenantId: string,
  message: { channel: 'email' | 'sms'; recipient: string; locale?: string; subject?: string; bodyText: string; bodyHtml?: string },
): Promise<SendOutcome> {
  const context: ChannelContext = { db: deps.database.db, secrets: deps.secrets, publicUrl: deps.publicUrl.replace(/\/+$/, ''), log: deps.log, timeoutMs: 15_000, outboundAllow: deps.outboundAllow };
  const channel = message.channel === 'email' ? new EmailChannel(context) : new SmsChannel(context);
  try {
    return await channel.send({
      tenantId,
      id: randomUUID(),
      customerId: null,
      channel: message.channel,
      recipient: message.recipient,
      locale: message.locale ?? 'en',
      subject: message.subject ?? null,
      bodyText: message.bodyText,
      bodyHtml: message.bodyHtml ?? null,
      payload: null,
      purpose: 'transactional',
      attempts: 1,
      origin: { test: true },
    });
  } finally {
    await channel.close();
  }
}
