// The message log's filters in the URL (?status=dead&customer=…), checked for the route.
import { MESSAGE_CHANNELS, MESSAGE_STATUSES, type ChannelName, type Status } from './api.ts';

export interface MessagesSearch {
  status?: Status;
  channel?: ChannelName;
  /** a customer's id */
  customer?: string;
}

/** The route's `validateSearch`: unknown values are dropped, so an old or mistyped link still opens the log. */
export function parseMessagesSearch(raw: Record<string, unknown>): MessagesSearch {
  const search: MessagesSearch = {};
  if ((MESSAGE_STATUSES as readonly unknown[]).includes(raw.status)) search.status = raw.status as Status;
  if ((MESSAGE_CHANNELS as readonly unknown[]).includes(raw.channel)) search.channel = raw.channel as ChannelName;
  if (typeof raw.customer === 'string' && raw.customer) search.customer = raw.customer;
  return search;
}
