import type { Database } from '../../platform/db/connect.ts';
import { CALENDARS, daysInMonth, fromIsoDate, toIsoDate, type CalendarId } from '../../platform/i18n/calendar.ts';
import { minutesOf } from '../../platform/time/business-hours.ts';
import { ruleSetFor, runRulesForCustomer, toEngineRule, type EngineRule } from './automation.engine.ts';
import * as repo from './automation.repo.ts';

// Dated triggers: birthdays (in the calendar the customer gave them) and inactivity spells.

/**
 * Whether a birthday (Gregorian ISO, given by the customer in `calendar`) falls on the local
 * day `todayIso`: same month and day in that calendar, and a day the month lacks this year
 * (30 Esfand in a common year, day 30 in a 29-day Hijri month, 29 February) is kept on the
 * month's last day.
 */
export function isBirthdayOn(calendar: CalendarId, birthdayIso: string, todayIso: string): boolean {
  const born = fromIsoDate(birthdayIso, calendar);
  const today = fromIsoDate(todayIso, calendar);
  if (born.month !== today.month) return false;
  if (born.day === today.day) return true;
  const last = daysInMonth(calendar, today.year, today.month);
  return today.day === last && born.day > last;
}

/** The year, in the birthday's calendar, of the local day: the run's once-a-year key. */
export const calendarYear = (calendar: CalendarId, todayIso: string) => fromIsoDate(todayIso, calendar).year;

/**
 * Gregorian days from 1900 to `todayIso` whose (month, day) in `calendar` would be celebrated
 * on `todayIso`, for an indexed `birthday = ANY(…)` lookup (about 130 days per calendar).
 */
export function birthdayCandidates(calendar: CalendarId, todayIso: string): string[] {
  const today = fromIsoDate(todayIso, calendar);
  const last = daysInMonth(calendar, today.year, today.month);
  // On the month's last day, later days (that this year lacks) are celebrated too.
  const days = today.day === last ? Array.from({ length: 31 - last + 1 }, (_, i) => last + i) : [today.day];
  const firstYear = fromIsoDate('1900-01-01', calendar).year;
  const dates: string[] = [];
  for (let year = firstYear; year <= today.year; year++) {
    for (const day of days) {
      const iso = toIsoDate({ calendar, year, month: today.month, day });
      if (iso && iso <= todayIso) dates.push(iso);
    }
  }
  return dates;
}

/** The local calendar day (ISO) and minutes after midnight of an instant in a time zone. */
export function localDayAndMinutes(now: Date, timeZone: string): { day: string; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return { day: `${get('year')}-${get('month')}-${get('day')}`, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

function shiftDay(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Fires a tenant's birthday rules for customers whose local day (in their own time zone, else
 * the workspace's) is their birthday and whose local time is at or after the rule's `at`.
 * Local days anywhere are within a day of UTC's, so three candidate days cover every zone.
 */
export async function runBirthdayRules(database: Database, tenantId: string, rules: EngineRule[], now: Date): Promise<void> {
  const set = await ruleSetFor(database.db, tenantId);
  const utcDay = now.toISOString().slice(0, 10);
  const seen = new Set<string>();
  for (const calendar of CALENDARS) {
    const dates = new Set<string>();
    for (const shift of [-1, 0, 1]) for (const d of birthdayCandidates(calendar, shiftDay(utcDay, shift))) dates.add(d);
    const candidates = await repo.customersBornOn(database.db, tenantId, calendar, [...dates]);
    for (const customer of candidates) {
      if (seen.has(customer.id) || !customer.birthday) continue;
      seen.add(customer.id);
      const local = localDayAndMinutes(now, customer.timeZone ?? set.workspace.timeZone);
      if (!isBirthdayOn(calendar, customer.birthday, local.day)) continue;
      const due = rules.filter((r) => r.trigger.type === 'date' && local.minutes >= minutesOf(r.trigger.at));
      if (due.length === 0) continue;
      const year = calendarYear(calendar, local.day);
      await database.db.transaction((tx) => runRulesForCustomer(tx, set, due, customer, `birthday:${year}`, { type: 'birthday', calendar, year, payload: {} }, now));
    }
  }
}

const INACTIVE_BATCH = 500;

/** Fires inactivity rules for up to a batch of customers per rule whose spell has not fired yet. */
export async function runInactivityRule(database: Database, tenantId: string, rule: EngineRule, now: Date): Promise<number> {
  if (rule.trigger.type !== 'inactivity') return 0;
  const set = await ruleSetFor(database.db, tenantId);
  const before = new Date(now.getTime() - rule.trigger.days * 86_400_000);
  const customers = await repo.inactiveCustomers(database.db, tenantId, rule.id, before, INACTIVE_BATCH);
  for (const customer of customers) {
    const since = Math.floor(customer.lastSeenAt!.getTime() / 1000);
    await database.db.transaction((tx) => runRulesForCustomer(tx, set, [rule], customer, `inactive:${since}`, {
      type: 'inactivity', lastSeenAt: customer.lastSeenAt!.toISOString(), days: rule.trigger.type === 'inactivity' ? rule.trigger.days : 0, payload: {},
    }, now));
  }
  return customers.length;
}

/** One pass over every tenant's enabled date and inactivity rules (the hourly job). */
export async function runDatedTriggers(database: Database, now = new Date()): Promise<void> {
  const dated = (await repo.enabledRulesByTriggerType(database.db, 'date')).map((r) => ({ tenantId: r.tenantId, rule: toEngineRule(r) }));
  const byTenant = new Map<string, EngineRule[]>();
  for (const { tenantId, rule } of dated) byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), rule]);
  for (const [tenantId, rules] of byTenant) await runBirthdayRules(database, tenantId, rules, now);
  for (const row of await repo.enabledRulesByTriggerType(database.db, 'inactivity')) {
    await runInactivityRule(database, row.tenantId, toEngineRule(row), now);
  }
}

