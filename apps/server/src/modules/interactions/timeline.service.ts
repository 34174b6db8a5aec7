import type { TimelinePage, TimelineQuery } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem } from '../../platform/http/problem.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { presentTimelineItems } from './timeline-item.presenter.ts';
import { timelineOf } from './touchpoint.repo.ts';

export async function customerTimeline(db: Executor, tenantId: string, customerId: string, query: TimelineQuery): Promise<TimelinePage> {
  const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (before === null) throw new Problem(400, 'invalid_cursor');
  const rows = await timelineOf(db, tenantId, customerId, { limit: query.limit + 1, kinds: query.kinds, before });
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: await presentTimelineItems(db, tenantId, page),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.cursorAt, last.id) : null,
  };
}
