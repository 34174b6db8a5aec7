import { CalendarDateTime, fromDate, toZoned } from '@internationalized/date';
import type { Executor } from '../../platform/db/connect.ts';
import type { ClaimedMessage, DispatchGuard, Verdict } from '../../platform/messaging/dispatch.types.ts';
import { minutesOf } from '../../platform/time/business-hours.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { capCounts, guardCustomers, policyOf, type GuardCustomer, type PolicyRow } from './messaging.repo.ts';

/** Channels that reach a person and so answer to that person's consent and the sending policy. */
const PERSONAL_CHANNELS = new Set(['email', 'sms']);

function knownTimeZone(tz: string | null): boolean {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * When quiet hours (local `from`..`to`, possibly wrapping midnight) hold `now` in `timeZone`,
 * the instant they end; otherwise null. Equal from and to means no quiet hours.
 */
export function quietHoursEnd(now: Date, timeZone: string, from: string, to: string): Date | null {
  const start = minutesOf(from);
  const end = minutesOf(to);
  if (start === end) return null;
  const local = fromDate(now, timeZone);
  const minute = local.hour * 60 + local.minute;
  const quiet = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!quiet) return null;
  // Before `to` on the same local day (after midnight, or a non-wrapping window); else tomorrow's.
  const day = minute < end ? local : local.add({ days: 1 });
  const wake = new CalendarDateTime(day.year, day.month, day.day, Math.floor(end / 60), end % 60);
  return toZoned(wake, timeZone).toDate();
}

function consentVerdict(customer: GuardCustomer, channel: string): Verdict | null {
  const consent = (customer.consent as Record<string, { granted?: unknown; source?: unknown } | undefined>)[channel];
  if (consent?.granted === true) return null;
  // A withdrawal by the unsubscribe link is worth telling apart from never having asked.
  return { kind: 'suppress', reason: consent?.source === 'unsubscribe' ? 'unsubscribed' : 'no_consent' };
}

/**
 * Consent, quiet hours and frequency caps, enforced at dispatch so no UI or rule can bypass
 * them. Decision on purposes: consent binds every message to a person, transactional ones
 * included (a withdrawn channel is withdrawn); quiet hours and the cap apply to automated
 * messages only, since a transactional one (a receipt, a password reset, a test the admin asked
 * for) is expected now and is an answer to the customer's own act. Webhooks reach systems, not
 * people: no customer checks. Set-based: one query for the batch's customers, one for cap counts.
 */
export const dispatchGuard: DispatchGuard = {
  async review(db: Executor, tenantId: string, messages: ClaimedMessage[], now: Date): Promise<Map<string, Verdict>> {
    const verdicts = new Map<string, Verdict>();
    const personal = messages.filter((m) => m.customerId !== null && PERSONAL_CHANNELS.has(m.channel));
    if (personal.length === 0) return verdicts;

    const customerIds = [...new Set(personal.map((m) => m.customerId!))];
    const customers = await guardCustomers(db, tenantId, customerIds);
    const automated = personal.filter((m) => m.purpose === 'automated');
    let policy: PolicyRow | null = null;
    let workspaceZone = 'UTC';
    let counts = new Map<string, number>();
    if (automated.length > 0) {
      policy = await policyOf(db, tenantId);
      workspaceZone = (await workspaceSettings(db, tenantId)).timeZone;
      const since = new Date(now.getTime() - policy.capPeriodHours * 3_600_000);
      counts = await capCounts(db, tenantId, [...new Set(automated.map((m) => m.customerId!))], since, messages.map((m) => m.id));
    }

    for (const message of personal) {
      const customer = customers.get(message.customerId!);
      if (!customer) {
        verdicts.set(message.id, { kind: 'suppress', reason: 'unknown_customer' });
        continue;
      }
      if (customer.erasedAt) {
        verdicts.set(message.id, { kind: 'suppress', reason: 'customer_erased' });
        continue;
      }
      if (customer.mergedInto) {
        verdicts.set(message.id, { kind: 'suppress', reason: 'customer_merged', detail: `merged into ${customer.mergedInto}` });
        continue;
      }
      const refused = consentVerdict(customer, message.channel);
      if (refused) {
        verdicts.set(message.id, refused);
        continue;
      }
      if (message.purpose !== 'automated' || !policy) continue;

      const zone = knownTimeZone(customer.timeZone) ? customer.timeZone! : workspaceZone;
      const until = quietHoursEnd(now, zone, policy.quietFrom, policy.quietTo);
      if (until) {
        verdicts.set(message.id, { kind: 'defer', until, reason: 'quiet_hours' });
        continue;
      }
      // Messages this batch lets through count too, so ten at once to one customer cannot all pass.
      const sent = counts.get(customer.id) ?? 0;
      if (sent >= policy.capCount) {
        verdicts.set(message.id, {
          kind: 'suppress', reason: 'frequency_cap', detail: `${sent} automated messages in the last ${policy.capPeriodHours} h (cap ${policy.capCount})`,
        });
        continue;
      }
      counts.set(customer.id, sent + 1);
    }
    return verdicts;
  },
};
