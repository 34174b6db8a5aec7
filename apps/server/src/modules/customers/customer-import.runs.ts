import type { ImportPage } from '@vafa/contracts';
import { findImportRun, listImportRuns, presentImportRun, type ImportRun } from '../../platform/csv/import-runs.ts';
import type { Executor } from '../../platform/db/connect.ts';
import { notFound, Problem } from '../../platform/http/problem.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getImportRun(db: Executor, tenantId: string, id: string): Promise<ImportRun> {
  const run = await findImportRun(db, tenantId, id);
  if (!run) throw notFound();
  return run;
}

/** Newest first; the cursor is the last id of the page (ids are uuid v7, so time-ordered). */
export async function listImports(db: Executor, tenantId: string, query: { cursor?: string | undefined; limit: number }): Promise<ImportPage> {
  if (query.cursor !== undefined && !UUID.test(query.cursor)) throw new Problem(400, 'invalid_cursor');
  const runs = await listImportRuns(db, tenantId, { beforeId: query.cursor, limit: query.limit + 1 });
  const page = runs.slice(0, query.limit);
  return { items: page.map(presentImportRun), nextCursor: runs.length > query.limit ? page.at(-1)!.id : null };
}
