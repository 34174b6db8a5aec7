// API calls of the finance report, the members list and the ledger explorer. Shapes come from
// @vafa/contracts as types only.
import type {
  LoyaltyFinanceReport, LoyaltyFinanceSettingsView, LoyaltyLedgerEntry, LoyaltyLedgerPage, LoyaltyMemberList, LoyaltyMemberRow, LoyaltyPointValue,
} from '@vafa/contracts';
import { request } from '../../lib/api.ts';

export type FinanceReport = LoyaltyFinanceReport;
export type MemberRow = LoyaltyMemberRow;
export type LedgerEntry = LoyaltyLedgerEntry;
export type PointValue = LoyaltyPointValue;
export type PeriodKind = 'month' | 'quarter' | 'year';

export interface Period {
  kind: PeriodKind;
  year: number;
  /** month 1–12 or quarter 1–4; null for a year */
  index: number | null;
}

export interface MemberFilter {
  q?: string;
  programId?: string;
  tierId?: string;
  sort: '-available' | 'available' | '-lastActivity' | 'lastActivity';
}

export interface LedgerFilter {
  customerId?: string;
  account?: string;
  kind?: string;
  from?: string;
  to?: string;
}

export interface Tier {
  id: string;
  name: { fa: string; ar: string; en: string };
}

const periodQuery = (p: Period) => ({ period: p.kind, year: p.year, ...(p.index === null ? {} : { index: p.index }) });

export const financeKeys = {
  report: (p: Period) => ['loyalty', 'finance', p.kind, p.year, p.index] as const,
  settings: ['loyalty', 'finance', 'settings'] as const,
  members: (f: MemberFilter) => ['loyalty', 'members', f] as const,
  ledger: (f: LedgerFilter) => ['loyalty', 'ledger', f] as const,
  tiers: (programId: string) => ['loyalty', 'tiers', programId] as const,
};

export const financeApi = {
  report: (p: Period) => request<FinanceReport>('GET', '/api/loyalty/finance/report', undefined, periodQuery(p)),
  /** The CSV's address, for a download link: labels in `lang`. */
  csvHref: (p: Period, lang: string) => `/api/loyalty/finance/report.csv?${new URLSearchParams({ ...Object.fromEntries(Object.entries(periodQuery(p)).map(([k, v]) => [k, String(v)])), lang })}`,
  settings: () => request<LoyaltyFinanceSettingsView>('GET', '/api/loyalty/finance/settings'),
  saveSettings: (pointValue: PointValue | null, idempotencyKey: string) =>
    request<LoyaltyFinanceSettingsView>('PUT', '/api/loyalty/finance/settings', { pointValue }, undefined, { 'Idempotency-Key': idempotencyKey }),
  members: (f: MemberFilter, cursor?: string) =>
    request<LoyaltyMemberList>('GET', '/api/loyalty/members', undefined, { ...f, ...(cursor ? { cursor } : {}), limit: 50 }),
  ledger: (f: LedgerFilter, cursor?: string) =>
    request<LoyaltyLedgerPage>('GET', '/api/loyalty/ledger', undefined, { ...f, ...(cursor ? { cursor } : {}), limit: 30 }),
  tiers: (programId: string) => request<{ items: Tier[] }>('GET', `/api/loyalty/programs/${programId}/tiers`),
};

/** The finance report and the point value: finance, owners and admins (the server's loyalty:finance). */
export const canSeeFinance = (role: string) => role === 'owner' || role === 'admin' || role === 'finance';
