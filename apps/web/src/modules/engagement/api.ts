// API calls for follow-ups, the message log and messaging settings (the engagement module).
// Shapes come from @vafa/contracts as types only.
import type { z } from 'zod';
import type {
  CreatedWebhookEndpoint, CreateWebhookEndpoint, EmailChannelSettings, EmailChannelView, FollowupDetailView, FollowupMetricsView,
  FollowupOutcome, FollowupPriority, FollowupStatus, FollowupView, MessageChannelName, MessageDetailView, MessageStatus, MessageView,
  MessagesPerDayView, MessagingPolicy, OpenFollowupInput, SmsChannelSettings, SmsChannelView, TestMessageResult, UpdateFollowup, WebhookEndpointView,
} from '@vafa/contracts';
import { request, type Page } from '../../lib/api.ts';

export type Followup = FollowupView;
export type FollowupDetail = FollowupDetailView;
export type FollowupMetrics = FollowupMetricsView;
export type Outcome = FollowupOutcome;
export type Priority = FollowupPriority;
export type FollowupState = FollowupStatus;
export type NewFollowup = z.input<typeof OpenFollowupInput>;
export type FollowupPatch = z.input<typeof UpdateFollowup>;
export type Message = MessageView;
export type MessageDetail = MessageDetailView;
export type Status = MessageStatus;
export type ChannelName = MessageChannelName;
export type EmailChannel = EmailChannelView;
export type EmailSettings = z.input<typeof EmailChannelSettings>;
export type SmsChannel = SmsChannelView;
export type SmsSettings = z.input<typeof SmsChannelSettings>;
export type Policy = MessagingPolicy;
export type Endpoint = WebhookEndpointView;
export type NewEndpoint = CreatedWebhookEndpoint;
export type TestResult = TestMessageResult;

export const OUTCOMES = ['reached', 'no_answer', 'resolved', 'escalated'] as const satisfies readonly Outcome[];
// In their own small module: the message log's route checks its address with them on the first screen.
export { MESSAGE_CHANNELS, MESSAGE_STATUSES } from './messages-search.ts';

export interface FollowupFilters {
  assignee?: 'me' | 'unassigned' | string;
  status?: FollowupState;
  overdue?: boolean;
  customerId?: string;
}

export interface MessageFilters {
  status?: Status;
  channel?: ChannelName;
  customerId?: string;
}

export const engagementApi = {
  followups: (filters: FollowupFilters, cursor?: string, limit = 50) =>
    request<Page<Followup>>('GET', '/api/followups', undefined, {
      assignee: filters.assignee, status: filters.status, customerId: filters.customerId,
      overdue: filters.overdue === undefined ? undefined : String(filters.overdue), cursor, limit,
    }),
  customerFollowups: (customerId: string, status?: FollowupState) =>
    request<Page<Followup>>('GET', `/api/customers/${customerId}/followups`, undefined, { status, limit: 50 }),
  followup: (id: string) => request<FollowupDetail>('GET', `/api/followups/${id}`),
  openFollowup: (body: NewFollowup) => request<FollowupDetail>('POST', '/api/followups', body),
  recordAttempt: (id: string, outcome: Outcome, note?: string) =>
    request<FollowupDetail>('POST', `/api/followups/${id}/attempts`, { outcome, ...(note ? { note } : {}) }),
  updateFollowup: (id: string, patch: FollowupPatch) => request<FollowupDetail>('PATCH', `/api/followups/${id}`, patch),
  followupMetrics: (from?: string, to?: string) => request<FollowupMetrics>('GET', '/api/followups/metrics', undefined, { from, to }),

  messages: (filters: MessageFilters, cursor?: string, limit = 50) =>
    request<Page<Message>>('GET', '/api/messages', undefined, { ...filters, cursor, limit }),
  message: (id: string) => request<MessageDetail>('GET', `/api/messages/${id}`),
  messagesPerDay: () => request<MessagesPerDayView>('GET', '/api/messages/per-day'),
  retryMessage: (id: string) => request<MessageDetail>('POST', `/api/messages/${id}/retry`),

  emailChannel: () => request<EmailChannel>('GET', '/api/messaging/channels/email'),
  saveEmailChannel: (body: EmailSettings) => request<EmailChannel>('PUT', '/api/messaging/channels/email', body),
  smsChannel: () => request<SmsChannel>('GET', '/api/messaging/channels/sms'),
  saveSmsChannel: (body: SmsSettings) => request<SmsChannel>('PUT', '/api/messaging/channels/sms', body),
  testChannel: (channel: 'email' | 'sms', to: string) => request<TestResult>('POST', `/api/messaging/channels/${channel}/test`, { to }),

  webhookEndpoints: () => request<{ items: Endpoint[] }>('GET', '/api/webhooks'),
  createWebhookEndpoint: (body: z.input<typeof CreateWebhookEndpoint>) => request<NewEndpoint>('POST', '/api/webhooks', body),
  deleteWebhookEndpoint: (id: string) => request<void>('DELETE', `/api/webhooks/${id}`),

  policy: () => request<Policy>('GET', '/api/messaging/policy'),
  savePolicy: (body: Policy) => request<Policy>('PUT', '/api/messaging/policy', body),
};
