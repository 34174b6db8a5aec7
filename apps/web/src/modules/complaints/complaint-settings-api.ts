// API calls of the complaint settings screen: SLA policies, the SLA calendar (work week, half-days,
// holidays and their corrections), teams, the root-cause taxonomy, the closed loop and intake.
// Shapes come from @vafa/contracts as types only.
import type { z } from 'zod';
import type {
  ComplaintIntakeSettingsView, ComplaintSettings, RewardView, ComplaintSettingsView, ComplaintTeamList, ComplaintTeamView, CreateComplaintTeam, CreateRootCause,
  CreateSlaPolicy, RecurrenceSettings, RootCauseList, RootCauseView, SlaCalendarSettings, SlaCalendarView, SlaHolidayList, SlaPolicyList, SlaPolicyView,
  UpdateComplaintIntakeSettings, UpdateComplaintTeam, UpdateRootCause, UpdateSlaPolicy, WeekHours,
} from '@vafa/contracts';
import { request } from '../../lib/api.ts';

export type SlaPolicy = SlaPolicyView;
export type SlaPolicyInput = z.input<typeof CreateSlaPolicy>;
export type SlaPolicyPatch = z.input<typeof UpdateSlaPolicy>;
export type SlaCalendar = SlaCalendarView;
export type SlaCalendarInput = z.input<typeof SlaCalendarSettings>;
export type HolidayList = SlaHolidayList;
export type Week = WeekHours;
export type Team = ComplaintTeamView;
export type TeamInput = z.input<typeof CreateComplaintTeam>;
export type TeamPatch = z.input<typeof UpdateComplaintTeam>;
export type Cause = RootCauseView;
export type CauseInput = z.input<typeof CreateRootCause>;
export type CausePatch = z.input<typeof UpdateRootCause>;
export type LoopSettings = ComplaintSettingsView;
export type LoopSettingsInput = ComplaintSettings;
export type IntakeSettings = ComplaintIntakeSettingsView;
export type IntakePatch = z.input<typeof UpdateComplaintIntakeSettings>;
export type Recurrence = RecurrenceSettings;

export const SERVQUAL = ['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy'] as const;
export type Dimension = (typeof SERVQUAL)[number];

const BASE = '/api/complaints/settings';

export const settingsApi = {
  policies: () => request<SlaPolicyList>('GET', `${BASE}/sla-policies`),
  createPolicy: (body: SlaPolicyInput) => request<SlaPolicy>('POST', `${BASE}/sla-policies`, body),
  updatePolicy: (id: string, patch: SlaPolicyPatch) => request<SlaPolicy>('PATCH', `${BASE}/sla-policies/${id}`, patch),
  deletePolicy: (id: string) => request<void>('DELETE', `${BASE}/sla-policies/${id}`),

  calendar: () => request<SlaCalendar>('GET', `${BASE}/calendar`),
  saveCalendar: (body: SlaCalendarInput) => request<SlaCalendar>('PUT', `${BASE}/calendar`, body),
  holidays: (year: number) => request<HolidayList>('GET', `${BASE}/holidays`, undefined, { year }),

  teams: () => request<ComplaintTeamList>('GET', `${BASE}/teams`),
  createTeam: (body: TeamInput) => request<Team>('POST', `${BASE}/teams`, body),
  updateTeam: (id: string, patch: TeamPatch) => request<Team>('PATCH', `${BASE}/teams/${id}`, patch),
  deleteTeam: (id: string) => request<void>('DELETE', `${BASE}/teams/${id}`),

  causes: () => request<RootCauseList>('GET', '/api/complaints/root-causes', undefined, { includeArchived: 'true' }),
  createCause: (body: CauseInput) => request<Cause>('POST', '/api/complaints/root-causes', body),
  updateCause: (code: string, patch: CausePatch) => request<Cause>('PATCH', `/api/complaints/root-causes/${code}`, patch),

  loop: () => request<LoopSettings>('GET', '/api/complaint-settings'),
  saveLoop: (body: LoopSettingsInput) => request<LoopSettings>('PUT', '/api/complaint-settings', body),

  /** the discount coupons a goodwill coupon can give (loyalty's rewards, archived ones left out) */
  couponRewards: async () => (await request<{ items: RewardView[] }>('GET', '/api/loyalty/rewards', undefined, { all: 'true' })).items
    .filter((r) => r.kind === 'discount_coupon' && !r.archived),

  intake: () => request<IntakeSettings>('GET', '/api/complaint-intake/settings'),
  saveIntake: (patch: IntakePatch) => request<IntakeSettings>('PATCH', '/api/complaint-intake/settings', patch),

  recurrence: () => request<Recurrence>('GET', '/api/complaints/recurrence-settings'),
  saveRecurrence: (body: Recurrence) => request<Recurrence>('PUT', '/api/complaints/recurrence-settings', body),
};

export const settingsKeys = {
  policies: ['complaints', 'settings', 'policies'] as const,
  calendar: ['complaints', 'settings', 'calendar'] as const,
  holidays: (year: number) => ['complaints', 'settings', 'holidays', year] as const,
  teams: ['complaints', 'settings', 'teams'] as const,
  causes: ['complaints', 'settings', 'causes'] as const,
  loop: ['complaints', 'settings', 'loop'] as const,
  intake: ['complaints', 'settings', 'intake'] as const,
  couponRewards: ['complaints', 'settings', 'coupon-rewards'] as const,
  recurrence: ['complaints', 'settings', 'recurrence'] as const,
};
