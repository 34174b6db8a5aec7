// The message log's filters in the URL (?status=dead&customer=…), checked for the route, which is
// part of the first screen's code: so this file imports no API code, only types.
import type { ChannelName, Status } from './api.ts';

export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'failed', 'dead', 'suppressed'] as const satisfies readonly Status[];
export const MESSAGE_CHANNELS = ['email', 'sms', 'webhook'] as const satisfies readonly ChannelName[];

export interface MessagesSearch {
  status?: Status;
  channel?: ChannelName;
  /** a customer's id */
  customer?: string;
}

/**
 * The route's `validateSearch`: values it does not know become `undefined`, so an old or mistyped
 * link still opens the log. (Every key is returned: the router lays the result over the raw ones.)
 */
export function parseMessagesSearch(raw: Record<string, unknown>): MessagesSearch {
  return {
    status: (MESSAGE_STATUSES as readonly unknown[]).includes(raw.status) ? (raw.status as Status) : undefined,
    channel: (MESSAGE_CHANNELS as readonly unknown[]).includes(raw.channel) ? (raw.channel as ChannelName) : undefined,
    customer: typeof raw.customer === 'string' && raw.customer ? raw.customer : undefined,
  };
}
