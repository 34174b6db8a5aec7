// API calls of the preventive-action board, the recurring-problem alerts and the ISO 10002
// clause 8 reports. Shapes come from @vafa/contracts as types only.
import type { z } from 'zod';
import type {
  ComplaintChannel, CreatePreventiveAction, HandlingTimeReport, PreventiveActionStatus, PreventiveActionView, RecurrenceAlertPage,
  RecurrenceAlertView, ReopenReport, ReportGranularity, RootCauseReport, SatisfactionReport, SlaReport, UpdatePreventiveAction, UpdateRecurrenceAlert,
  VolumeReport,
} from '@vafa/contracts';
import { request } from '../../lib/api.ts';

export type PreventiveAction = PreventiveActionView;
export type PreventiveStatus = PreventiveActionStatus;
export type PreventiveInput = z.input<typeof CreatePreventiveAction>;
export type PreventivePatch = z.input<typeof UpdatePreventiveAction>;
export type Alert = RecurrenceAlertView;
export type AlertPatch = z.input<typeof UpdateRecurrenceAlert>;
export type Granularity = ReportGranularity;

export const PREVENTIVE_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const satisfies readonly PreventiveStatus[];

export interface ReportFilters {
  from: string;
  to: string;
  granularity: Granularity;
  team?: string;
  category?: string;
  channel?: ComplaintChannel;
}

type Query = Record<string, string | undefined>;
const q = (f: ReportFilters): Query => ({ from: f.from, to: f.to, granularity: f.granularity, team: f.team, category: f.category, channel: f.channel });

/** Every page of a cursor list (boards show all actions and alerts at once; there are few). */
async function all<T>(path: string, query: Query = {}): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await request<{ items: T[]; nextCursor: string | null }>('GET', path, undefined, { ...query, cursor, limit: '200' });
    items.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return items;
}

export const insightsApi = {
  actions: () => all<PreventiveAction>('/api/complaints/preventive-actions'),
  createAction: (body: PreventiveInput) => request<PreventiveAction>('POST', '/api/complaints/preventive-actions', body),
  updateAction: (id: string, patch: PreventivePatch) => request<PreventiveAction>('PATCH', `/api/complaints/preventive-actions/${id}`, patch),
  deleteAction: (id: string) => request<void>('DELETE', `/api/complaints/preventive-actions/${id}`),

  alerts: (status?: Alert['status']) => request<RecurrenceAlertPage>('GET', '/api/complaints/recurrence-alerts', undefined, { status, limit: 100 }),
  updateAlert: (id: string, patch: AlertPatch) => request<Alert>('PATCH', `/api/complaints/recurrence-alerts/${id}`, patch),

  volume: (f: ReportFilters) => request<VolumeReport>('GET', '/api/complaints/reports/volume', undefined, q(f)),
  reopen: (f: ReportFilters) => request<ReopenReport>('GET', '/api/complaints/reports/reopen-rate', undefined, q(f)),
  times: (f: ReportFilters) => request<HandlingTimeReport>('GET', '/api/complaints/reports/handling-times', undefined, q(f)),
  sla: (f: ReportFilters) => request<SlaReport>('GET', '/api/complaints/reports/sla', undefined, q(f)),
  satisfaction: (f: ReportFilters) => request<SatisfactionReport>('GET', '/api/complaints/reports/satisfaction', undefined, q(f)),
  rootCauses: (f: ReportFilters) => request<RootCauseReport>('GET', '/api/complaints/reports/root-causes', undefined, q(f)),
};

export const insightsKeys = {
  actions: ['complaints', 'prevention', 'actions'] as const,
  alerts: ['complaints', 'prevention', 'alerts'] as const,
  report: (name: string, f: ReportFilters) => ['complaints', 'reports', name, f] as const,
};
