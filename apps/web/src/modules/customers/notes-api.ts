// API calls for notes and hand-logged interactions on a customer's timeline, and who may make
// them (mirroring the server's access.ts so the UI hides what would be refused).
import type { z } from 'zod';
import type { EditLoggedTouchpoint, LogTouchpoint, TimelineItemView } from '@vafa/contracts';
import { request, type Session } from '../../lib/api.ts';

export type TimelineEntry = TimelineItemView;
export type LoggedInteraction = z.input<typeof LogTouchpoint>;
export type InteractionPatch = z.input<typeof EditLoggedTouchpoint>;

export const LOGGED_KINDS = ['call', 'visit', 'message', 'chat', 'social'] as const;
export type LoggedKind = (typeof LOGGED_KINDS)[number];
export const JOURNEY_STAGES = ['pre-sale', 'sale', 'after-sale', 'non-sale'] as const;
export const TOUCH_CHANNELS = ['phone', 'call_center', 'store', 'web', 'app', 'sms', 'email', 'whatsapp', 'instagram', 'telegram', 'live_chat', 'pos', 'other'] as const;
/** Where each kind of contact usually happens, so the form starts on the likely channel. */
export const USUAL_CHANNEL: Record<LoggedKind, (typeof TOUCH_CHANNELS)[number]> = {
  call: 'phone', visit: 'store', message: 'sms', chat: 'live_chat', social: 'instagram',
};

export const notesApi = {
  addNote: (customerId: string, text: string) => request<TimelineEntry>('POST', `/api/customers/${customerId}/notes`, { text }),
  editNote: (customerId: string, noteId: string, text: string) => request<TimelineEntry>('PATCH', `/api/customers/${customerId}/notes/${noteId}`, { text }),
  deleteNote: (customerId: string, noteId: string) => request<void>('DELETE', `/api/customers/${customerId}/notes/${noteId}`),
  logInteraction: (customerId: string, body: LoggedInteraction) => request<TimelineEntry>('POST', `/api/customers/${customerId}/touchpoints`, body),
  editInteraction: (customerId: string, id: string, patch: InteractionPatch) => request<TimelineEntry>('PATCH', `/api/customers/${customerId}/touchpoints/${id}`, patch),
  deleteInteraction: (customerId: string, id: string) => request<void>('DELETE', `/api/customers/${customerId}/touchpoints/${id}`),
};

type Role = Session['role'];
/** Write notes and log interactions (interactions:write). */
export const canWriteTimeline = (role: Role) => role !== 'analyst';
/** Change or remove other people's entries (interactions:moderate). */
export const canModerateTimeline = (role: Role) => role === 'owner' || role === 'admin' || role === 'manager';

/** Notes and logged contacts written by a member or a key; Vafa's own entries are never changed by hand. */
export function isHandWritten(entry: Pick<TimelineEntry, 'kind' | 'author'>): boolean {
  return entry.author !== null && (entry.kind === 'note' || (LOGGED_KINDS as readonly string[]).includes(entry.kind));
}

export function mayChange(entry: Pick<TimelineEntry, 'kind' | 'author'>, session: Pick<Session, 'role' | 'account'>): boolean {
  if (!isHandWritten(entry) || !canWriteTimeline(session.role)) return false;
  return canModerateTimeline(session.role) || (entry.author!.type === 'user' && entry.author!.id === session.account.id);
}
