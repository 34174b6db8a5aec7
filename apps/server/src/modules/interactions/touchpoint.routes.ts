import {
  BatchResultView, IdParams, OrderPage, OrderView, PageQuery, RecordTouchpoint, RecordTouchpointBatch, TimelinePage, TimelineQuery,
  TouchpointView, type BatchEventResult,
} from '@vafa/contracts';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/http/access.ts';
import { Problem, type FieldError } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import { localise } from '../../platform/i18n/messages.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { getOrder, listCustomerOrders } from './order.service.ts';
import { TouchpointCoalescer } from './touchpoint.coalescer.ts';
import { customerTimeline } from './timeline.service.ts';
import {
  getTouchpoint, presentTouchpoint, recordTouchpoints, requireCustomer, type RecordOutcome, type TouchpointToRecord,
} from './touchpoint.service.ts';

const sourceOf = (actor: Actor) => `${actor.kind}:${actor.id}`;

function batchError(request: FastifyRequest, problem: Problem): NonNullable<BatchEventResult['error']> {
  return {
    code: problem.code,
    detail: localise(problem.code, request.locale, problem.params),
    ...(problem.fieldErrors.length > 0
      ? { errors: problem.fieldErrors.map(({ wording: _wording, ...e }) => ({ ...e, message: e.message === e.code ? localise(e.code, request.locale, problem.params) : e.message })) }
      : {}),
  };
}

export function registerTouchpointRoutes(app: App, deps: ModuleDeps): void {
  const db = deps.database.db;
  const coalescer = new TouchpointCoalescer(deps.database);

  app.post('/api/touchpoints', {
    config: { access: 'interactions:write' },
    schema: {
      tags: ['interactions'],
      summary: 'Record a touchpoint',
      operationId: 'recordTouchpoint',
      problems: [409],
      description:
        'Records one event on a customer\'s timeline. Re-sending an event with an `externalId` that was already recorded is harmless: ' +
        'the answer is 200 with the touchpoint recorded first. Order kinds (`order.placed`, `order.delivered`, `order.returned`) carry ' +
        '`order` and create or update that order; events for one order may arrive in any order. A customer given by `id` must exist; ' +
        'one given by externalId/phone/email is created when nobody matches.',
      body: RecordTouchpoint,
      response: { 200: TouchpointView, 201: TouchpointView },
    },
  }, async (req, reply) => {
    // Without an Idempotency-Key (the event's externalId already makes re-sends harmless),
    // concurrent single events are group-committed; with one, the key needs its own transaction.
    if (req.headers['idempotency-key'] === undefined) {
      const outcome = await coalescer.record(req.tenantId, sourceOf(req.actor!), req.body);
      if (outcome.status === 'rejected') throw outcome.problem;
      if (outcome.status === 'created') return reply.code(201).send(presentTouchpoint(outcome.touchpoint, outcome.order));
      return reply.code(200).send(await getTouchpoint(db, req.tenantId, outcome.id));
    }
    const result = await req.write(async (tx) => {
      const [outcome] = await recordTouchpoints(tx, req.tenantId, [req.body], { source: sourceOf(req.actor!) });
      if (outcome!.status === 'rejected') throw outcome!.problem;
      if (outcome!.status === 'created') return { status: 201, body: presentTouchpoint(outcome!.touchpoint, outcome!.order) };
      return { status: 200, body: await getTouchpoint(tx, req.tenantId, outcome!.id) };
    });
    return sendWrite(reply, result);
  });

  app.post('/api/touchpoints/batch', {
    config: { access: 'interactions:write' },
    schema: {
      tags: ['interactions'],
      summary: 'Record up to 1,000 touchpoints',
      operationId: 'recordTouchpoints',
      description:
        'Each entry of `events` is a RecordTouchpoint. A malformed envelope (not an object, unknown fields, no events, more than ' +
        '1,000, an entry that is not an object) is refused whole with 400 and nothing is written. Otherwise every event is validated ' +
        'and recorded on its own: the answer is 200 with one result per event, in order, `created`, `duplicate` (its externalId was ' +
        'recorded before, or earlier in this batch; `id` is the first one) or `rejected` with a problem `code` and field errors.',
      body: RecordTouchpointBatch,
      response: { 200: BatchResultView },
    },
  }, async (req, reply) => {
    const parsed = req.body.events.map((event) => RecordTouchpoint.safeParse(event));
    const result = await req.write(async (tx) => {
      const valid: { index: number; event: TouchpointToRecord }[] = [];
      const results: BatchEventResult[] = parsed.map((p, index) => {
        if (p.success) {
          valid.push({ index, event: p.data });
          return { index, status: 'rejected' };
        }
        const errors: FieldError[] = p.error.issues.map((issue) => ({ field: issue.path.join('.'), code: issue.code, message: issue.message }));
        return { index, status: 'rejected', error: batchError(req, new Problem(400, 'validation_failed', {}, errors)) };
      });
      const outcomes = await recordTouchpoints(tx, req.tenantId, valid.map((v) => v.event), { source: sourceOf(req.actor!) });
      outcomes.forEach((outcome: RecordOutcome, i) => {
        const index = valid[i]!.index;
        if (outcome.status === 'created') results[index] = { index, status: 'created', id: outcome.touchpoint.id };
        else if (outcome.status === 'duplicate') results[index] = { index, status: 'duplicate', id: outcome.id };
        else results[index] = { index, status: 'rejected', error: batchError(req, outcome.problem) };
      });
      const count = (status: BatchEventResult['status']) => results.filter((r) => r.status === status).length;
      return { status: 200, body: { created: count('created'), duplicates: count('duplicate'), rejected: count('rejected'), results } };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/customers/:id/timeline', {
    config: { access: 'interactions:read' },
    schema: {
      tags: ['interactions'],
      summary: "A customer's timeline, newest first",
      description: 'Touchpoints in time order (newest first) with order details for order kinds, who recorded each (a member or an API key, by today\'s name) and what they wrote (`text`, from `data.note`); pass `nextCursor` back as `cursor`. `kinds` filters, e.g. `note,call`.',
      params: IdParams,
      querystring: TimelineQuery,
      response: { 200: TimelinePage },
    },
  }, async (req) => {
    await requireCustomer(db, req.tenantId, req.params.id);
    return customerTimeline(db, req.tenantId, req.params.id, req.query);
  });

  app.get('/api/customers/:id/orders', {
    config: { access: 'interactions:read' },
    schema: {
      tags: ['interactions'],
      summary: "A customer's orders, newest first",
      params: IdParams,
      querystring: PageQuery,
      response: { 200: OrderPage },
    },
  }, async (req) => {
    await requireCustomer(db, req.tenantId, req.params.id);
    return listCustomerOrders(db, req.tenantId, req.params.id, req.query);
  });

  app.get('/api/orders/:id', {
    config: { access: 'interactions:read' },
    schema: { tags: ['interactions'], summary: 'An order, with whether its delivery promise was kept', params: IdParams, response: { 200: OrderView } },
  }, async (req) => getOrder(db, req.tenantId, req.params.id));
}
