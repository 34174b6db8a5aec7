import { MessageStatus, type MessagesPerDayQuery, type MessagesPerDayView } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { metricsPeriod } from './metrics-period.ts';
import { messagesPerDay as countPerDay } from './messaging.repo.ts';

/** Messages created per day of the workspace's time zone, by status now (for the message log's chart). */
export async function messagesPerDay(db: Executor, tenantId: string, query: MessagesPerDayQuery, now = new Date()): Promise<MessagesPerDayView> {
  const { from, to } = metricsPeriod(query, now);
  const { timeZone } = await workspaceSettings(db, tenantId);
  const days = await countPerDay(db, tenantId, from, to, timeZone);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    daily: days.map(({ day, counts }) => ({
      day,
      ...Object.fromEntries(MessageStatus.options.map((status) => [status, counts[status] ?? 0])) as Record<MessageStatus, number>,
    })),
  };
}
