// The public complaint form's write path: a filing is checked and given its id and tracking code
// before any transaction (so a bad phone refuses that filing alone), then stored acknowledged with
// its two log lines, its SLA index row and its two events, in one statement and the commit once this
// process has compiled the workspace's SLA settings (the statement checks they still hold). Concurrent filings of a workspace are
// written together (group commit); each filing still gets its own answer, and only after the
// transaction holding it has committed.
import { randomUUID } from 'node:crypto';
import type { ComplaintReceipt, FileComplaint, Locale } from '@vafa/contracts';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { sql } from 'drizzle-orm';
import { eventsInsert, publishEvents } from '../../platform/events/outbox.ts';
import { Problem } from '../../platform/http/problem.ts';
import { normalisePhone } from '../customers/index.ts';
import { findWorkspaceBySlug, workspaceSettings } from '../workspace/index.ts';
import { storeAttachments, type IncomingFile } from './attachments.service.ts';
import { nextState } from './case-lifecycle.ts';
import { caseStatusWords } from './case-status.words.ts';
import { settingsStampExpression, slaIndexRowsSelect } from './complaint-sla.repo.ts';
import { newCasesSlaRows, refreshNewCasesSla, slaConfigToCheckInPassing, type SlaConfig } from './complaint-sla.service.ts';
import * as repo from './complaint.repo.ts';
import { TrackingCodeExhaustedError, formatTrackingCodeFor, newTrackingCode, type TrackingCode } from './tracking-code.ts';

// The filing acknowledges at once: the lifecycle must allow the system to, from 'received'.
const ACKNOWLEDGED = (() => {
  const outcome = nextState('received', 'acknowledge', { actor: 'system', escalatedFrom: null, waitingFrom: null });
  if (!outcome.ok) throw new Error('the lifecycle no longer lets the system acknowledge a received case');
  return outcome;
})();

/**
 * Workspace ids by slug, for the public form (every filing names its workspace by slug). A slug
 * never changes and a workspace is never deleted, so an entry cannot go stale; the minute's life
 * only bounds that assumption. Unknown slugs are not kept: a workspace created a moment ago is
 * found at once.
 */
const SLUG_TTL_MS = 60_000;
const SLUGS_MAX = 10_000;
const workspaceIds = new Map<string, { id: string; until: number }>();

export async function workspaceIdBySlug(db: Executor, slug: string): Promise<string | undefined> {
  const hit = workspaceIds.get(slug);
  if (hit && hit.until > Date.now()) return hit.id;
  const row = await findWorkspaceBySlug(db, slug);
  if (!row) return undefined;
  if (workspaceIds.size >= SLUGS_MAX) workspaceIds.clear();
  workspaceIds.set(slug, { id: row.id, until: Date.now() + SLUG_TTL_MS });
  return row.id;
}

/** A filing checked and ready to store, with what its receipt needs. */
export interface PreparedFiling {
  tenantId: string;
  language: Locale;
  row: repo.FiledCase;
}

/** Checks a filing and gives it its id, tracking code and instant; throws the filing's own 404 or 422. */
export async function prepareFiling(db: Executor, input: FileComplaint, locale: Locale, now = new Date()): Promise<PreparedFiling> {
  const tenantId = await workspaceIdBySlug(db, input.workspace);
  if (!tenantId) throw new Problem(404, 'not_found');
  const settings = await workspaceSettings(db, tenantId);
  const language = input.language ?? locale;
  return {
    tenantId,
    language,
    row: {
      id: randomUUID(), trackingCode: newTrackingCode(), contactName: input.name,
      contactPhone: input.phone ? normalisePhone(input.phone, settings.defaultCountry, 'contactPhone') : null,
      contactEmail: input.email ?? null, language, category: input.category ?? null, description: input.description, at: now,
    },
  };
}

/**
 * A prepared filing taken on another channel than the public page: the embeddable widget, whose
 * form leaves the name optional (an empty name is none). Same checks, same write, same events.
 */
export function onChannel(filing: PreparedFiling, channel: 'web' | 'widget'): PreparedFiling {
  if (channel === 'web') return filing;
  return { ...filing, row: { ...filing.row, channel, contactName: filing.row.contactName || null } };
}

const MAX_CODE_ATTEMPTS = 5;

/**
 * Stores filings of one workspace in the caller's transaction: each case acknowledged, its log,
 * `complaint.received` and `complaint.state_changed` (in that order per case). A filing whose
 * tracking code the unique index reports taken gets a fresh code and is tried again (and only
 * then). Answers the receipts in the filings' order. Anything a public filing sets off belongs
 * here and in recordFilingsAtOnce: the single and the grouped path run one or the other.
 */
export async function recordFilings(tx: Executor, tenantId: string, filings: PreparedFiling[]): Promise<ComplaintReceipt[]> {
  let pending = filings.map((f) => f.row);
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > MAX_CODE_ATTEMPTS) throw new TrackingCodeExhaustedError(MAX_CODE_ATTEMPTS);
    const stored = await repo.insertFiledCases(tx, tenantId, pending);
    pending = pending.filter((row) => !stored.has(row.id));
    for (const row of pending) row.trackingCode = newTrackingCode();
  }
  // The SLA index row with its clocks, as every other intake writes it (the insert trigger's row
  // only marks the case due for the scan).
  await refreshNewCasesSla(tx, tenantId, filings.map(({ row }) => repo.filedCaseRows(tenantId, row)), latestOf(filings));
  await publishEvents(tx, tenantId, filingEvents(filings));
  return receiptsOf(filings);
}

/** Not every filing was stored by recordFilingsAtOnce: its transaction must roll back. */
export class NotAtOnce extends Error {
  constructor() {
    super('the SLA settings changed, or a tracking code was taken: the filings go the long way');
  }
}

/**
 * recordFilings in one statement, with SLA settings compiled before (slaConfigToCheckInPassing):
 * the cases, their log, their SLA index rows and their events, written only if the settings'
 * stamp is still the one they were compiled from. Throws NotAtOnce, for the caller to roll back
 * and take recordFilings, when the stamp moved or a tracking code was taken.
 */
export async function recordFilingsAtOnce(tx: Executor, tenantId: string, filings: PreparedFiling[], config: SlaConfig): Promise<ComplaintReceipt[]> {
  const now = latestOf(filings);
  const stored = await repo.insertFiledCases(tx, tenantId, filings.map((f) => f.row), {
    onlyIf: sql`${settingsStampExpression(tenantId)} = ${config.tablesStamp}`,
    slaRows: slaIndexRowsSelect(newCasesSlaRows(config, filings.map(({ row }) => repo.filedCaseRows(tenantId, row)), now)),
    events: eventsInsert(tenantId, filingEvents(filings)),
  });
  if (stored.size < filings.length) throw new NotAtOnce();
  return receiptsOf(filings);
}

const latestOf = (filings: PreparedFiling[]) => new Date(Math.max(...filings.map(({ row }) => row.at.getTime())));

/** Ids and codes only: subscribers that need the words read the case. */
function filingEvents(filings: PreparedFiling[]): { topic: string; payload: Record<string, unknown> }[] {
  return filings.flatMap(({ row }) => {
    const occurredAt = row.at.toISOString();
    return [
      { topic: 'complaint.received', payload: { caseId: row.id, customerId: null, channel: row.channel ?? 'web', severity: 'medium', assigneeId: null, relatedResponseId: null, occurredAt } },
      { topic: 'complaint.state_changed', payload: { caseId: row.id, customerId: null, action: 'acknowledge', from: ACKNOWLEDGED.from, to: ACKNOWLEDGED.to, actorType: 'system', occurredAt } },
    ];
  });
}

function receiptsOf(filings: PreparedFiling[]): ComplaintReceipt[] {
  return filings.map(({ row, language }) => ({
    trackingCode: row.trackingCode,
    trackingCodeDisplay: formatTrackingCodeFor(row.trackingCode as TrackingCode, language),
    status: { state: ACKNOWLEDGED.to, ...caseStatusWords(ACKNOWLEDGED.to, language) },
  }));
}

interface Waiting {
  filing: PreparedFiling;
  resolve(receipt: ComplaintReceipt): void;
  reject(error: unknown): void;
}

/**
 * Group commit for the public form, as the touchpoint coalescer does for ingest. At low load a
 * filing is written alone at once; filings that arrive while a transaction for their workspace is
 * in flight wait and go together in the next one (one statement and the commit: recordFilingsAtOnce).
 * A receipt is answered only after its transaction committed, so
 * an acknowledged case survives a crash. A group whose transaction fails is retried one filing per
 * transaction, so one filing's error never fails its neighbours.
 */
export class PublicFilingCoalescer {
  private readonly queues = new Map<string, { waiting: Waiting[]; inFlight: number }>();
  /** Filings taken, groups begun (first tries; the one-by-one fallback not counted), groups stored in one statement. */
  readonly stats = { filings: 0, groups: 0, atOnce: 0 };

  constructor(
    private readonly database: Database,
    private readonly options: { maxGroup: number; maxInFlight: number } = { maxGroup: 200, maxInFlight: 2 },
  ) {}

  /** Checks the filing (its 404 or 422 thrown here), then stores it with whatever else is waiting; `channel` names where it came from. */
  async file(input: FileComplaint, locale: Locale, channel: 'web' | 'widget' = 'web'): Promise<ComplaintReceipt> {
    const filing = onChannel(await prepareFiling(this.database.db, input, locale), channel);
    let queue = this.queues.get(filing.tenantId);
    if (!queue) {
      queue = { waiting: [], inFlight: 0 };
      this.queues.set(filing.tenantId, queue);
    }
    this.stats.filings++;
    const receipt = new Promise<ComplaintReceipt>((resolve, reject) => queue!.waiting.push({ filing, resolve, reject }));
    this.drain(filing.tenantId);
    return receipt;
  }

  private drain(tenantId: string): void {
    const queue = this.queues.get(tenantId);
    if (!queue) return;
    while (queue.waiting.length > 0 && queue.inFlight < this.options.maxInFlight) {
      const group = queue.waiting.splice(0, this.options.maxGroup);
      queue.inFlight++;
      this.stats.groups++;
      void this.commit(tenantId, group).finally(() => {
        queue.inFlight--;
        if (queue.waiting.length === 0 && queue.inFlight === 0) this.queues.delete(tenantId);
        else this.drain(tenantId);
      });
    }
  }

  /**
   * A group's transaction: one statement and the commit when this process has compiled the
   * workspace's SLA settings before (the statement checks they still hold), else (and when the
   * statement stored nothing) the long way, which compiles them.
   */
  private async store(tenantId: string, filings: PreparedFiling[]): Promise<ComplaintReceipt[]> {
    const { db } = this.database;
    const config = slaConfigToCheckInPassing(tenantId, await workspaceSettings(db, tenantId));
    if (config) {
      try {
        const receipts = await db.transaction((tx) => recordFilingsAtOnce(tx, tenantId, filings, config));
        this.stats.atOnce++;
        return receipts;
      } catch (error) {
        if (!(error instanceof NotAtOnce)) throw error;
      }
    }
    return db.transaction((tx) => recordFilings(tx, tenantId, filings));
  }

  private async commit(tenantId: string, group: Waiting[]): Promise<void> {
    try {
      const receipts = await this.store(tenantId, group.map((w) => w.filing));
      group.forEach((w, i) => w.resolve(receipts[i]!));
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      for (const waiting of group) {
        await this.store(tenantId, [waiting.filing])
          .then(([receipt]) => waiting.resolve(receipt!), waiting.reject);
      }
    }
  }
}

/**
 * A filing that brings files (photos of a receipt, a PDF): written alone, not grouped, the case and
 * its files in one transaction, answered after the commit. A file refused by its content, or too
 * many, refuses the filing: no case is stored without the files it was acknowledged with.
 */
export async function fileWithAttachments(database: Database, input: FileComplaint, files: IncomingFile[], locale: Locale): Promise<ComplaintReceipt> {
  const filing = await prepareFiling(database.db, input, locale);
  return database.db.transaction(async (tx) => {
    const [receipt] = await recordFilings(tx, filing.tenantId, [filing]);
    await storeAttachments(tx, filing.tenantId, filing.row.id, files, { source: 'customer', eventId: null, createdBy: null });
    return receipt!;
  });
}
