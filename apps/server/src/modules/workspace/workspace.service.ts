import { randomUUID } from 'node:crypto';
import type { WorkspaceView } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { defaultWeekend } from '../../platform/i18n/locale.ts';
import { Problem, postgresErrorCode } from '../../platform/http/problem.ts';
import type { BusinessCalendar } from '../../platform/time/business-hours.ts';
import { findWorkspace, insertWorkspace, type WorkspaceRow } from './workspace.repo.ts';

/** Sensible defaults per country: time zone, weekend (CLDR), calendar and currency. */
const COUNTRY_DEFAULTS: Record<string, { timeZone: string; calendar: string; currency: string }> = {
  IR: { timeZone: 'Asia/Tehran', calendar: 'persian', currency: 'IRR' },
  SA: { timeZone: 'Asia/Riyadh', calendar: 'islamic-umalqura', currency: 'SAR' },
  AE: { timeZone: 'Asia/Dubai', calendar: 'gregory', currency: 'AED' },
};

const OFFICE_HOURS = [{ from: '09:00', to: '17:00' }];

function businessHoursFor(weekend: number[]): Record<string, { from: string; to: string }[]> {
  const hours: Record<string, { from: string; to: string }[]> = {};
  for (let day = 0; day < 7; day++) hours[String(day)] = weekend.includes(day) ? [] : OFFICE_HOURS;
  return hours;
}

export async function createWorkspace(
  tx: Executor,
  input: { name: string; slug: string; defaultLanguage: string; defaultCountry: string },
): Promise<WorkspaceRow> {
  const defaults = COUNTRY_DEFAULTS[input.defaultCountry] ?? { timeZone: 'UTC', calendar: 'gregory', currency: 'USD' };
  const weekendDays = defaultWeekend(input.defaultCountry);
  try {
    return await insertWorkspace(tx, {
      id: randomUUID(),
      slug: input.slug,
      name: input.name,
      defaultLanguage: input.defaultLanguage,
      defaultCountry: input.defaultCountry,
      calendar: defaults.calendar,
      timeZone: defaults.timeZone,
      currency: defaults.currency,
      weekendDays,
      businessHours: businessHoursFor(weekendDays),
      irrDisplay: 'toman',
    });
  } catch (err) {
    if (postgresErrorCode(err) === '23505') throw new Problem(409, 'conflict', {}, [{ field: 'slug', code: 'taken', message: 'taken' }]);
    throw err;
  }
}

export function presentWorkspace(row: WorkspaceRow): WorkspaceView {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    defaultLanguage: row.defaultLanguage as WorkspaceView['defaultLanguage'],
    calendar: row.calendar as WorkspaceView['calendar'],
    timeZone: row.timeZone,
    defaultCountry: row.defaultCountry,
    weekendDays: row.weekendDays,
    businessHours: row.businessHours as WorkspaceView['businessHours'],
    holidays: row.holidays,
    currency: row.currency,
    irrDisplay: row.irrDisplay as WorkspaceView['irrDisplay'],
    requireTwoFactor: row.requireTwoFactor,
  };
}

export interface WorkspaceSettings {
  id: string;
  /** the sender's name in messages */
  name: string;
  irrDisplay: 'rial' | 'toman';
  defaultCountry: string;
  currency: string;
  timeZone: string;
  calendar: string;
  defaultLanguage: string;
  /** opening hours, weekend and holidays in the workspace time zone, for business-hour clocks */
  businessCalendar: BusinessCalendar;
}

const settingsCache = new Map<string, { value: WorkspaceSettings; until: number }>();

/** Settings other modules read on hot paths (phone country, currency), cached for 10 s. */
export async function workspaceSettings(db: Executor, tenantId: string): Promise<WorkspaceSettings> {
  const hit = settingsCache.get(tenantId);
  if (hit && hit.until > Date.now()) return hit.value;
  const row = await findWorkspace(db, tenantId);
  if (!row) throw new Problem(404, 'not_found');
  const value = {
    id: row.id, name: row.name, irrDisplay: row.irrDisplay === 'rial' ? 'rial' as const : 'toman' as const, defaultCountry: row.defaultCountry, currency: row.currency, timeZone: row.timeZone, calendar: row.calendar, defaultLanguage: row.defaultLanguage,
    businessCalendar: {
      timeZone: row.timeZone,
      businessHours: row.businessHours as BusinessCalendar['businessHours'],
      weekendDays: row.weekendDays,
      holidays: row.holidays,
    },
  };
  settingsCache.set(tenantId, { value, until: Date.now() + 10_000 });
  return value;
}

export function forgetWorkspaceSettings(tenantId: string): void {
  settingsCache.delete(tenantId);
}
