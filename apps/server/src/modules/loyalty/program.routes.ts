import { z } from 'zod';
import {
  CreateLoyaltyProgram, LoyaltyDraftSimulation, LoyaltyOrder, LoyaltyOrderBatch, LoyaltyOrderBatchResult, LoyaltyOrderParams, LoyaltyOrderReturn, LoyaltyOrderReturnView, LoyaltyOrderView, LoyaltyProgramList, LoyaltyProgramParams,
  LoyaltyProgramVersionList, LoyaltyProgramView, LoyaltySimulation, LoyaltySimulationView, UpdateLoyaltyProgram, Uuid,
} from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { earnOrder, getOrder, returnOrder } from './earning.service.ts';
import { BatchTurns, earnOrderBatch, presentBatch, type BatchOutcome } from './orders-batch.service.ts';
import { OrderGroups } from './order-groups.ts';
import { simulateOrder } from './simulation.service.ts';
import { archiveProgram, createProgram, getProgram, listProgramVersions, listPrograms, updateProgram } from './program.service.ts';
import { ledgerContext } from './ledger.routes.ts';
import type { LedgerContext } from './ledger.service.ts';
import type { Database } from '../../platform/db/connect.ts';
import { Problem } from '../../platform/http/problem.ts';

const OrderQuery = z.strictObject({ programId: Uuid.optional() });

interface GroupedOrder {
  ctx: LedgerContext;
  input: LoyaltyOrder;
}

/** One order in its own transaction, its refusal as an outcome (as a batch answers it). */
async function earnedAlone(db: Database['db'], ctx: LedgerContext, input: GroupedOrder['input']): Promise<BatchOutcome> {
  try {
    const { created, order } = await db.transaction((tx) => earnOrder(tx, ctx, input));
    return { outcome: created ? 'created' : 'replayed', order };
  } catch (error) {
    if (error instanceof Problem) return { outcome: 'problem', problem: error };
    throw error;
  }
}

const groupsOfApp = new WeakMap<App, OrderGroups<GroupedOrder, BatchOutcome>>();

/** The single-order route's groups of an app, to watch them in tests. */
export function orderGroupsOf(app: App): { readonly counts: { waiting: number; running: number }; readonly groupSizes: readonly number[] } | undefined {
  return groupsOfApp.get(app);
}

export function registerLoyaltyProgramRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/loyalty/programs', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'], summary: 'The workspace\'s loyalty programs', operationId: 'listLoyaltyPrograms',
      description: 'Active and archived programs, oldest first, each with its current settings and version.',
      response: { 200: LoyaltyProgramList },
    },
  }, async (req) => listPrograms(db, req.tenantId));

  app.post('/api/loyalty/programs', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'], summary: 'Create a points program', operationId: 'createLoyaltyProgram',
      description: 'Earning rules (spend ratio with its rounding, category and SKU multipliers in percent, caps per order and per day), the pending days of an order\'s points, the expiry policy and the events that earn points. A rolling expiry must outlast the pending days (422 `expiry_within_pending`). Version 1; audited.',
      problems: [422], body: CreateLoyaltyProgram, response: { 201: LoyaltyProgramView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await createProgram(tx, req.tenantId, req.actor!, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/programs/:programId', {
    config: { access: 'loyalty:read' },
    schema: { tags: ['loyalty'], summary: 'One loyalty program', operationId: 'getLoyaltyProgram', params: LoyaltyProgramParams, response: { 200: LoyaltyProgramView } },
  }, async (req) => getProgram(db, req.tenantId, req.params.programId));

  app.patch('/api/loyalty/programs/:programId', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'], summary: 'Change a program: name, status or its settings as a whole', operationId: 'updateLoyaltyProgram',
      description: 'Made against `version`, the one read: another change since is 409 `program_version_conflict`. Writes the next version (the old stays readable under /versions); orders already earned keep the rules they earned by, also for their returns. Audited.',
      problems: [409, 422], params: LoyaltyProgramParams, body: UpdateLoyaltyProgram, response: { 200: LoyaltyProgramView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await updateProgram(tx, req.tenantId, req.actor!, req.params.programId, req.body, new Date()) }));
    return sendWrite(reply, result);
  });

  app.delete('/api/loyalty/programs/:programId', {
    config: { access: 'loyalty:manage' },
    schema: {
      tags: ['loyalty'], summary: 'Archive a program', operationId: 'archiveLoyaltyProgram',
      description: 'It earns nothing more; the points it gave stay, and its versions and awards stay readable. Audited.',
      params: LoyaltyProgramParams, response: { 200: LoyaltyProgramView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await archiveProgram(tx, req.tenantId, req.actor!, req.params.programId, new Date()) }));
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/programs/:programId/versions', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'], summary: 'Every version of a program\'s settings, newest first', operationId: 'listLoyaltyProgramVersions',
      params: LoyaltyProgramParams, response: { 200: LoyaltyProgramVersionList },
    },
  }, async (req) => listProgramVersions(db, req.tenantId, req.params.programId));

  const simulateDescription = 'What an order would earn, computed by the same rules as a real order (POST /api/loyalty/orders) and writing nothing: each line\'s multiplier, the exact points before rounding, the rounded points before and after the caps (with a customer, the daily cap counts what they already earned in the program today), until when the points would be pending and when they would expire. Repeated line ids: 422 `order_line_repeated`; sent settings are checked as a save checks them (422 `expiry_within_pending`, `event_rule_repeated`…); an unknown customer: 422 `unknown_customer`.';
  app.post('/api/loyalty/programs/:programId/simulate', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'], summary: 'Simulate an order in a program: "this order would earn…"', operationId: 'simulateLoyaltyOrder',
      description: `${simulateDescription} Without \`settings\`: the program's saved ones; with them: settings not yet saved, tried before saving.`,
      problems: [409, 422], params: LoyaltyProgramParams, body: LoyaltySimulation, response: { 200: LoyaltySimulationView },
    },
  }, async (req) => simulateOrder(db, req.tenantId, req.params.programId, req.body, new Date()));

  app.post('/api/loyalty/programs/simulate', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'], summary: 'Simulate an order in a program being created', operationId: 'simulateLoyaltyDraftOrder',
      description: `${simulateDescription} The settings are the draft's; no daily cap is counted (the program has earned nothing yet).`,
      problems: [409, 422], body: LoyaltyDraftSimulation, response: { 200: LoyaltySimulationView },
    },
  }, async (req) => simulateOrder(db, req.tenantId, null, req.body, new Date()));

  // Single orders with an Idempotency-Key run alone (the key's record is theirs); the rest are
  // earned in groups when they arrive faster than one at a time (order-groups.ts). Each takes at
  // most an eighth of the pool.
  const singleSlots = Math.max(2, Math.floor(deps.config.dbPoolSize / 8));
  const orderTurns = new BatchTurns(singleSlots);
  const orderGroups = new OrderGroups<GroupedOrder, BatchOutcome>({
    one: async (_key, { ctx, input }) => earnedAlone(db, ctx, input),
    many: async (_key, items) => {
      const ctx = { ...items[0]!.ctx, now: new Date() };
      return db.transaction((tx) => earnOrderBatch(tx, ctx, items.map((i) => i.input)));
    },
  }, singleSlots);
  groupsOfApp.set(app, orderGroups);
  app.post('/api/loyalty/orders', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: ['loyalty'], summary: 'Earn points on an order (checkout, point of sale)', operationId: 'earnLoyaltyOrder',
      description: 'Points by the program\'s rules: every line\'s amount (minor units) times its SKU\'s or category\'s multiplier, the order\'s sum times the spend ratio, rounded once by the program\'s mode, then the per-order cap and what is left of the member\'s daily cap. The points are pending for the program\'s `pendingDays` (returnable), then unlocked by the hourly due work. The external id is the key: the same order again answers the first with 200, also when sent concurrently; the same id with another customer or other lines is 409 `external_id_conflict`. No `programId`: the workspace\'s only active program (422 `program_required` when several, `no_active_program` when none).',
      problems: [409, 422], body: LoyaltyOrder, response: { 200: LoyaltyOrderView, 201: LoyaltyOrderView },
    },
  }, async (req, reply) => {
    if (req.headers['idempotency-key'] === undefined) {
      // The external id is the key: the order can be earned in a group with others (order-groups.ts).
      const ctx = ledgerContext(req);
      const outcome = await orderGroups.submit(`${ctx.tenantId}:${ctx.source}`, req.body.customerId, { ctx, input: req.body });
      if (outcome.outcome === 'problem') throw outcome.problem;
      return reply.code(outcome.outcome === 'created' ? 201 : 200).send(outcome.order);
    }
    const result = await orderTurns.run(() => req.write(async (tx) => {
      const outcome = await earnOrder(tx, ledgerContext(req), req.body);
      return { status: outcome.created ? 201 : 200, body: outcome.order };
    }), [req.body.customerId]);
    return sendWrite(reply, result);
  });

  // Earning takes a quarter of the pool at most (single orders and batches a quarter each), so a
  // checkout's redemption always finds a connection and the database a short queue.
  const batchTurns = new BatchTurns(Math.max(2, Math.floor(deps.config.dbPoolSize / 4)));
  app.post('/api/loyalty/orders/batch', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: ['loyalty'], summary: 'Earn points on many orders at once (a point of sale\'s or a shop\'s purchase events)', operationId: 'earnLoyaltyOrderBatch',
      description: 'Up to 500 orders, each earned exactly as POST /api/loyalty/orders would earn it sent alone, in the batch\'s order: the same rules, caps (the daily cap counts the member\'s earlier orders in the batch), external-id key and events. The answer is 200 with one result per order, in order: `created` (201) or `replayed` (200, the first answer: the order was already earned, here or earlier in the batch) with the order, or `problem` with the status and problem the single route would answer (`order_line_repeated`, `program_required`, `not_found` for an unknown customer, `external_id_conflict`…). A refused order writes nothing and the others still land. With an Idempotency-Key the whole answer is replayed.',
      body: LoyaltyOrderBatch, response: { 200: LoyaltyOrderBatchResult },
    },
  }, async (req, reply) => {
    const result = await batchTurns.run(() => req.write(async (tx) => ({
      status: 200, body: presentBatch(req.body.orders, await earnOrderBatch(tx, ledgerContext(req), req.body.orders), req.locale),
    })), req.body.orders.map((o) => o.customerId));
    return sendWrite(reply, result);
  });

  app.get('/api/loyalty/orders/:externalId', {
    config: { access: 'loyalty:read' },
    schema: {
      tags: ['loyalty'], summary: 'An order earned on, with its lines and what was returned', operationId: 'getLoyaltyOrder',
      params: LoyaltyOrderParams, querystring: OrderQuery, response: { 200: LoyaltyOrderView },
    },
  }, async (req) => getOrder(db, req.tenantId, req.params.externalId, req.query.programId));

  app.post('/api/loyalty/orders/:externalId/returns', {
    config: { access: 'loyalty:write' },
    schema: {
      tags: ['loyalty'], summary: 'Return an order, in full or by lines', operationId: 'returnLoyaltyOrder',
      description: 'The order keeps what its remaining lines would have earned under the rules it earned by (never more than it was given); the rest is taken back from its pending points first, then from available points. Points already spent are not taken (the balance never goes negative): `unrecovered` says how many. Keyed by `returnId`: the same return again answers the first; with other lines, 409 `return_id_conflict`. Unknown line: 422 `order_line_unknown`; more than is left of a line: 422 `return_exceeds_line`; nothing left to return: 409 `nothing_to_return`. An order of a customer since merged into another: the points are taken back from the record that survived (through every later merge), where the merge moved them.',
      problems: [409, 422], params: LoyaltyOrderParams, body: LoyaltyOrderReturn, response: { 200: LoyaltyOrderReturnView, 201: LoyaltyOrderReturnView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const outcome = await returnOrder(tx, ledgerContext(req), req.params.externalId, req.body);
      return { status: outcome.created ? 201 : 200, body: outcome.result };
    });
    return sendWrite(reply, result);
  });
}
