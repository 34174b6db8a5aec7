import type { Executor } from '../../platform/db/connect.ts';
import { publishEvents } from '../../platform/events/outbox.ts';
import type { StatusChange, StatusListener } from '../../platform/messaging/dispatch.types.ts';
import { recordTouchpoints, updateTouchpointData, type TouchpointToRecord } from '../interactions/index.ts';

/** The statuses that first put a message on the timeline: it went out, or it never will. */
const FIRST_ENTRY = new Set<StatusChange['status']>(['sent', 'suppressed', 'dead']);

const TOPIC: Record<StatusChange['status'], string> = {
  sent: 'message.sent',
  delivered: 'message.delivered',
  failed: 'message.failed',
  dead: 'message.failed',
  suppressed: 'message.suppressed',
};

export const messageExternalId = (messageId: string) => `message:${messageId}`;

function originRef(origin: Record<string, unknown>, key: string): Record<string, string> {
  const value = origin[key];
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? { [key]: value } : {};
}

function timelineEntry(change: StatusChange): TouchpointToRecord {
  return {
    customer: { id: change.customerId! },
    kind: `message.${change.channel}`,
    channel: change.channel,
    stage: 'non-sale',
    occurredAt: change.at,
    externalId: messageExternalId(change.id),
    data: {
      messageId: change.id,
      status: change.status,
      ...(change.reason ? { reason: change.reason } : {}),
      ...originRef(change.origin, 'templateId'),
      ...originRef(change.origin, 'ruleId'),
    },
  };
}

/**
 * Puts message status on the customer's timeline and tells the rest of the system, in the
 * transaction that records the change. A message's first terminal-ish change (sent,
 * suppressed, dead) records its timeline entry; later ones (delivered, a failure reported after
 * sending, sent on a manual retry) update that entry's status. Timeline entries are what the
 * business did, not the customer: they neither move last_seen_at nor publish
 * touchpoint.recorded (an automation on touchpoints must not fire on its own messages).
 *
 * Events: message.sent, message.delivered, message.suppressed, and message.failed for a
 * failure (`status` 'failed' may still be retried; 'dead' is final).
 */
export const recordMessageStatus: StatusListener = async (tx: Executor, tenantId: string, changes: StatusChange[]) => {
  if (changes.length === 0) return;
  const personal = changes.filter((c) => c.customerId !== null);
  const entries = personal.filter((c) => FIRST_ENTRY.has(c.status));
  const outcomes = entries.length > 0
    ? await recordTouchpoints(tx, tenantId, entries.map(timelineEntry), { source: 'engagement', activity: false, publishEvents: false })
    : [];
  const created = new Set(entries.filter((_, i) => outcomes[i]?.status === 'created').map((c) => c.id));
  const updates = personal
    .filter((c) => !created.has(c.id))
    .map((c) => ({ externalId: messageExternalId(c.id), patch: { status: c.status, reason: c.reason } }));
  if (updates.length > 0) await updateTouchpointData(tx, tenantId, updates);

  await publishEvents(tx, tenantId, changes.map((c) => ({
    topic: TOPIC[c.status],
    payload: { messageId: c.id, customerId: c.customerId, channel: c.channel, status: c.status, reason: c.reason, origin: c.origin },
  })));
};
