import type { LoyaltyOrder, LoyaltyOrderBatchItem, LoyaltyOrderBatchResult, LoyaltyOrderView } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem, invalidField, notFound, problemBody } from '../../platform/http/problem.ts';
import type { Locale } from '../../platform/i18n/locale.ts';
import { workspaceSettings } from '../workspace/index.ts';
import { applyCaps, localIsoDay, priceLines, spendPoints } from './earn-rules.ts';
import { earnOrder, lotTimes, presentOrder, type OrderRow, type StoredLine } from './earning.service.ts';
import { LOYALTY_EVENTS, settleMembers, type LedgerContext } from './ledger.service.ts';
import * as repo from './orders-batch.repo.ts';
import { openMembers } from './ledger.repo.ts';
import { programForEarning, type Program } from './program.service.ts';

// Purchase events in bulk, as points of sale and shops send them. Each order earns exactly what
// POST /api/loyalty/orders would give it sent alone, in the batch's order (the daily cap counts
// the member's earlier orders of the batch), with the same keys, rows and outbox events; one
// refused order answers its own problem and the others still land. The work is done per batch,
// not per order, where that gives the same result: the programs and the workspace read once, the
// members locked in one statement, the facts the rules need in one, and the orders, entries,
// postings, lots, awards and events written in three multi-row statements. What cannot be
// computed ahead safely goes order by order through earnOrder itself, each in a savepoint:
// programs with tiers (an order can lift the member's tier and so the next order's multiplier),
// members owing points (each earning repays first), orders already stored (their first answer),
// and the rare claim lost to a concurrent request for the same external id.

export type BatchOutcome =
  | { outcome: 'created' | 'replayed'; order: LoyaltyOrderView }
  | { outcome: 'problem'; problem: Problem };

class ClaimLost extends Error {}

const pairKey = (programId: string, id: string) => `${programId}:${id}`;

const sameOrder = (view: LoyaltyOrderView, input: LoyaltyOrder) =>
  view.customerId === input.customerId && view.lines.length === input.lines.length &&
  view.lines.every((l, i) => l.id === input.lines[i]!.id && l.sku === (input.lines[i]!.sku ?? null) && l.category === (input.lines[i]!.category ?? null) && l.amount === input.lines[i]!.amount);

/** One order alone, as the single route earns it, in a savepoint: a refusal undoes only this order. */
async function earnAlone(tx: Executor, ctx: LedgerContext, input: LoyaltyOrder): Promise<BatchOutcome> {
  try {
    const { created, order } = await tx.transaction((sp) => earnOrder(sp, ctx, input));
    return { outcome: created ? 'created' : 'replayed', order };
  } catch (error) {
    if (error instanceof Problem) return { outcome: 'problem', problem: error };
    throw error;
  }
}

interface Planned {
  index: number;
  input: LoyaltyOrder;
  program: Program;
  row: OrderRow;
  day: string;
}

/**
 * Earns a batch of orders in the caller's transaction. The answer has one outcome per order, in
 * the batch's order.
 */
export async function earnOrderBatch(tx: Executor, ctx: LedgerContext, orders: LoyaltyOrder[]): Promise<BatchOutcome[]> {
  const outcomes: (BatchOutcome | undefined)[] = orders.map(() => undefined);
  const refuse = (i: number, problem: Problem) => { outcomes[i] = { outcome: 'problem', problem }; };

  // The programs, once each (usually the one active program).
  const programs = new Map<string, Program | Problem>();
  for (const order of orders) {
    const key = order.programId ?? '';
    if (programs.has(key)) continue;
    try {
      programs.set(key, await programForEarning(tx, ctx.tenantId, order.programId));
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      programs.set(key, error);
    }
  }
  const programOfOrder = (order: LoyaltyOrder) => programs.get(order.programId ?? '')!;
  orders.forEach((order, i) => {
    const program = programOfOrder(order);
    if (program instanceof Problem) return refuse(i, program);
    const ids = order.lines.map((l) => l.id);
    const repeated = ids.find((id, j) => ids.indexOf(id) !== j);
    if (repeated !== undefined) refuse(i, invalidField('lines', 'order_line_repeated', { id: repeated }));
  });

  // The members: opened on first earn, then locked in one statement in one order, their due work done first.
  const standingOf = (customers: repo.BatchCustomer[]) => {
    const byId = new Map(customers.map((c) => [c.customerId, c]));
    orders.forEach((order, i) => {
      if (outcomes[i]) return;
      const customer = byId.get(order.customerId);
      if (!customer || customer.erasedAt) refuse(i, notFound());
      else if (customer.mergedInto) refuse(i, new Problem(409, 'customer_merged'));
    });
    return byId;
  };
  const unlocked = standingOf(await repo.batchCustomers(tx, ctx.tenantId, [...new Set(orders.filter((_, i) => !outcomes[i]).map((o) => o.customerId))]));
  const opening = [...new Set(orders.filter((_, i) => !outcomes[i]).map((o) => o.customerId))];
  await openMembers(tx, ctx.tenantId, opening.filter((id) => unlocked.get(id)!.missing));
  const locked = await lockAllOrNone(tx, ctx, opening);
  // Read again under the lock: a customer erased or merged meanwhile earns nothing, as with the single route.
  standingOf(locked);
  const earning = [...new Set(orders.filter((_, i) => !outcomes[i]).map((o) => o.customerId))];
  const due = locked.filter((m) => m.due && earning.includes(m.customerId)).map((m) => m.customerId);
  // Booked as the system's due work, which it is; the earning only brings it forward (as memberForWrite does).
  if (due.length > 0) await settleMembers(tx, { ...ctx, source: 'system:due-work' }, due);

  const { timeZone } = await workspaceSettings(tx, ctx.tenantId);
  const day = localIsoDay(ctx.now, timeZone);
  const open = orders.map((o, i) => ({ o, i })).filter(({ i }) => !outcomes[i]);
  const facts = await repo.batchFacts(
    tx, ctx.tenantId, [...new Set(open.map(({ o }) => (programOfOrder(o) as Program).id))],
    open.map(({ o }) => ({ programId: (programOfOrder(o) as Program).id, externalId: o.externalId, customerId: o.customerId })), day,
  );

  // The rules, order by order in the batch's order, on what was read plus the batch's earlier orders.
  const alone: number[] = [];
  const repeats: { index: number; first: number }[] = [];
  const firstOf = new Map<string, number>();
  const planned: Planned[] = [];
  const earnedToday = new Map(facts.earnedOnDay);
  for (const { o: input, i } of open) {
    const program = programOfOrder(input) as Program;
    const key = pairKey(program.id, input.externalId);
    const first = firstOf.get(key);
    if (first !== undefined) { repeats.push({ index: i, first }); continue; }
    firstOf.set(key, i);
    // A referral code is attached as the single route attaches it, with its refusals.
    if (facts.programsWithTiers.has(program.id) || facts.owing.has(input.customerId) || facts.existing.has(key) || input.referralCode !== undefined) { alone.push(i); continue; }
    const { settings } = program;
    const lines = priceLines(settings, input.lines);
    const memberKey = pairKey(program.id, input.customerId);
    const before = settings.caps.perDay === null ? 0 : earnedToday.get(memberKey) ?? 0;
    const { points, capped } = applyCaps(spendPoints(settings.spend, lines), settings.caps, before);
    earnedToday.set(memberKey, (earnedToday.get(memberKey) ?? 0) + points);
    const times = points > 0 ? lotTimes(settings, ctx.now, timeZone) : { pendingUntil: null, expiresAt: null };
    const stored: StoredLine[] = lines.map((l) => ({ ...l, returned: 0 }));
    planned.push({
      index: i, input, program, day,
      row: {
        tenantId: ctx.tenantId, programId: program.id, externalId: input.externalId, customerId: input.customerId, programVersion: program.version, lines: stored,
        points, returnedPoints: 0, entryId: null, capped, pendingUntil: times.pendingUntil, expiresAt: times.expiresAt, createdAt: ctx.now,
      },
    });
  }

  if (planned.length > 0) {
    try {
      await tx.transaction((sp) => writePlanned(sp, ctx, planned));
      for (const p of planned) outcomes[p.index] = { outcome: 'created', order: presentOrder(p.row) };
    } catch (error) {
      // Someone else claimed one of these external ids meanwhile: the savepoint undid the lot; each goes alone.
      if (!(error instanceof ClaimLost)) throw error;
      alone.push(...planned.map((p) => p.index));
    }
  }
  for (const i of alone.sort((a, b) => a - b)) outcomes[i] = await earnAlone(tx, ctx, orders[i]!);
  // An external id sent twice in one batch: the second answers the first, as it would sent after it.
  for (const { index, first } of repeats) {
    const earlier = outcomes[first]!;
    const input = orders[index]!;
    if (earlier.outcome === 'problem') outcomes[index] = await earnAlone(tx, ctx, input);
    else if (sameOrder(earlier.order, input)) outcomes[index] = { outcome: 'replayed', order: earlier.order };
    else refuse(index, new Problem(409, 'external_id_conflict'));
  }
  return outcomes.map((o) => o!);
}

class Contended extends Error {
  constructor(readonly customerId: string) {
    super('member locked');
  }
}

/**
 * The batch's members locked all at once or not at all. Waiting in customer-id order while
 * holding the members before the one waited for (the plain way) is deadlock-free, but with 50
 * random members a batch a waiting batch holds up every batch that needs any of those: in the
 * bench most active backends were waiting on the member locks. So: take every lock that is free
 * (SKIP LOCKED) in a savepoint; if one is taken, give them all back, wait for that one holding
 * nothing, and try again. After a few rounds the plain ordered wait, which always ends.
 */
async function lockAllOrNone(tx: Executor, ctx: LedgerContext, customerIds: string[]): Promise<Awaited<ReturnType<typeof repo.lockBatchMembers>>> {
  for (let round = 0; round < 10; round++) {
    try {
      return await tx.transaction(async (sp) => {
        const rows = await repo.lockBatchMembers(sp, ctx.tenantId, customerIds, ctx.now, 'skip');
        if (rows.length === customerIds.length) return rows;
        const got = new Set(rows.map((r) => r.customerId));
        throw new Contended(customerIds.find((id) => !got.has(id))!);
      });
    } catch (error) {
      if (!(error instanceof Contended)) throw error;
      await tx.transaction(async (sp) => {
        await repo.waitForMember(sp, ctx.tenantId, error.customerId);
        throw error;
      }).catch((again: unknown) => {
        if (again !== error) throw again;
      });
    }
  }
  return repo.lockBatchMembers(tx, ctx.tenantId, customerIds, ctx.now, 'wait');
}

/** The planned orders' rows, as earnOrder writes them one by one: claim, credit, award, events. */
async function writePlanned(tx: Executor, ctx: LedgerContext, planned: Planned[]): Promise<void> {
  const claimed = await repo.claimOrders(tx, ctx.tenantId, planned.map((p) => p.row as repo.NewOrder), ctx.now);
  if (claimed.size !== planned.length) throw new ClaimLost();
  const entryKey = (p: Planned) => `earn:program:${p.program.id}:order:${p.input.externalId}`;
  const earning = planned.filter((p) => p.row.points > 0);
  const booked = await repo.bookCredits(tx, ctx.tenantId, ctx.source, earning.map((p) => ({
    key: entryKey(p), customerId: p.row.customerId, externalId: p.row.externalId, reason: p.program.name, points: p.row.points,
    pendingUntil: p.row.pendingUntil, expiresAt: p.row.expiresAt,
  })), ctx.now);
  // A claimed order whose ledger key was taken, or a posting without its account, is a bug here (as in earnOrder): fail loudly.
  if (booked.entries.size !== earning.length || booked.posted !== 4 * earning.length || booked.lots !== earning.length) {
    throw new Error(`batch of ${earning.length} credits booked ${booked.entries.size} entries, ${booked.posted} postings, ${booked.lots} lots`);
  }
  for (const p of earning) p.row.entryId = booked.entries.get(entryKey(p))!;
  const events = earning.map((p) => ({
    topic: LOYALTY_EVENTS.earned,
    payload: {
      customerId: p.row.customerId, entryId: p.row.entryId, points: p.row.points, qualifyingPoints: p.row.points, expiresAt: p.row.expiresAt?.toISOString() ?? null,
      pendingUntil: p.row.pendingUntil?.toISOString() ?? null, reason: p.program.name, externalId: p.row.externalId, programId: p.program.id,
    },
  }));
  await repo.finishOrders(tx, ctx.tenantId, planned.map((p) => ({
    programId: p.program.id, externalId: p.row.externalId, customerId: p.row.customerId, programVersion: p.row.programVersion, entryId: p.row.entryId,
    points: p.row.points, day: p.day,
  })), events, ctx.now);
}

/**
 * How many batches write at once in this process, and which: the rest wait their turn in memory.
 * A batch holds a database connection for 50-500 orders' work: with every connection of the pool
 * taken by batches, a checkout's redemption (one short transaction) would queue behind them all.
 * A few batches at a time already keep the database busy; the pool stays free for the short writes.
 *
 * A batch locks its members until it commits, so two batches of this process sharing a member
 * would only wait for each other in the database (with 50 random members of 5,000 a batch, two
 * share one about four times in ten). A free slot goes to the first waiting batch that shares no
 * member with the batches running; a batch passed over `patience` times goes next whatever it
 * shares (the database's member locks still order the two), so none waits for ever.
 */
export class BatchTurns {
  private readonly running = new Set<Turn>();
  private readonly waiting: Turn[] = [];
  constructor(private readonly slots: number, private readonly patience = 16) {}

  async run<T>(work: () => Promise<T>, members: Iterable<string> = []): Promise<T> {
    const turn: Turn = { members: new Set(members), passed: 0, start: () => undefined };
    const started = new Promise<void>((resolve) => { turn.start = resolve; });
    this.waiting.push(turn);
    this.admit();
    await started;
    try {
      return await work();
    } finally {
      this.running.delete(turn);
      this.admit();
    }
  }

  /** Batches running and waiting now (for tests and the bench). */
  get counts(): { running: number; waiting: number } {
    return { running: this.running.size, waiting: this.waiting.length };
  }

  private admit(): void {
    while (this.running.size < this.slots && this.waiting.length > 0) {
      const held = new Set<string>();
      for (const r of this.running) for (const m of r.members) held.add(m);
      let index = this.waiting.findIndex((w) => w.passed >= this.patience);
      if (index < 0) index = this.waiting.findIndex((w) => ![...w.members].some((m) => held.has(m)));
      if (index < 0) return;
      for (let i = 0; i < index; i++) this.waiting[i]!.passed++;
      const [turn] = this.waiting.splice(index, 1);
      this.running.add(turn!);
      turn!.start();
    }
  }
}

interface Turn {
  members: Set<string>;
  /** times a later batch went first */
  passed: number;
  start: () => void;
}

/** The answer: one item per order, in order, a refusal as the problem+json the single route would send. */
export function presentBatch(orders: LoyaltyOrder[], outcomes: BatchOutcome[], locale: Locale): LoyaltyOrderBatchResult {
  const results: LoyaltyOrderBatchItem[] = outcomes.map((o, index) => {
    const externalId = orders[index]!.externalId;
    if (o.outcome === 'problem') return { index, externalId, outcome: 'problem', status: o.problem.status, problem: problemBody(o.problem, locale) };
    return o.outcome === 'created' ? { index, externalId, outcome: 'created', status: 201, order: o.order } : { index, externalId, outcome: 'replayed', status: 200, order: o.order };
  });
  const count = (kind: BatchOutcome['outcome']) => outcomes.filter((o) => o.outcome === kind).length;
  return { created: count('created'), replayed: count('replayed'), failed: count('problem'), results };
}
