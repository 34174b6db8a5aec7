import {
  CustomerFollowupQuery, FollowupDetailView, FollowupMetricsQuery, FollowupMetricsView, FollowupPage, FollowupQuery, IdParams, OpenFollowupInput,
  RecordFollowupAttempt, UpdateFollowup,
} from '@vafa/contracts';
import { notFound } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { followupMetrics } from './followup.metrics.ts';
import { customerState } from './followup.repo.ts';
import { getFollowup, listFollowups, openFollowup, recordAttempt, updateFollowup } from './followup.service.ts';

export function registerFollowupRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/followups', {
    config: { access: 'followups:read' },
    schema: {
      tags: ['followups'],
      summary: 'A follow-up queue, soonest due first',
      description: 'Each item carries the customer\'s name, phone and language so an agent can call. An agent sees their own and the unassigned ones unless `assignee` says otherwise. Pass `nextCursor` back as `cursor`.',
      querystring: FollowupQuery,
      response: { 200: FollowupPage },
    },
  }, async (req) => listFollowups(db, req.tenantId, req.actor!, req.query));

  app.get('/api/followups/metrics', {
    config: { access: 'followups:read' },
    schema: {
      tags: ['followups'],
      summary: 'First-response and waiting times, outcomes and churn saved',
      description: 'Over the follow-ups opened in [from, to) (default: the last 30 days, at most 400 days): counts, first-response and waiting time in wall and business minutes (mean, p50, p90), outcomes, per assignee, and how many followed-up customers ordered again within 90 days.',
      querystring: FollowupMetricsQuery,
      response: { 200: FollowupMetricsView },
    },
  }, async (req) => followupMetrics(db, req.tenantId, req.query));

  app.get('/api/followups/:id', {
    config: { access: 'followups:read' },
    schema: { tags: ['followups'], summary: 'One follow-up with its attempts', params: IdParams, response: { 200: FollowupDetailView } },
  }, async (req) => getFollowup(db, req.tenantId, req.params.id));

  app.post('/api/followups', {
    config: { access: 'followups:manage' },
    schema: {
      tags: ['followups'],
      summary: 'Open a follow-up by hand',
      description: 'Due `dueInBusinessHours` of the workspace\'s opening hours from now (weekend and holidays skipped). Without `assigneeId` it goes round-robin to the agents; `null` leaves it unassigned.',
      body: OpenFollowupInput,
      response: { 201: FollowupDetailView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const { id } = await openFollowup(tx, req.tenantId, {
        customerId: req.body.customerId, reason: req.body.reason, dueInBusinessHours: req.body.dueInBusinessHours, priority: req.body.priority,
        source: { manual: true, actorId: `${req.actor!.kind}:${req.actor!.id}` },
        assigneeId: req.body.assigneeId ?? null, leaveUnassigned: req.body.assigneeId === null,
      });
      return { status: 201, body: await getFollowup(tx, req.tenantId, id) };
    });
    return sendWrite(reply, result);
  });

  app.post('/api/followups/:id/attempts', {
    config: { access: 'followups:work' },
    schema: {
      tags: ['followups'],
      summary: 'Record a call or message and its outcome',
      problems: [409],
      description: 'reached and resolved close the follow-up; no_answer keeps it open; escalated hands it to a manager as urgent. The first attempt is the first response. Agents act on their own and unassigned follow-ups only.',
      params: IdParams,
      body: RecordFollowupAttempt,
      response: { 200: FollowupDetailView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await recordAttempt(tx, req.tenantId, req.actor!, req.params.id, req.body) }));
    return sendWrite(reply, result);
  });

  app.patch('/api/followups/:id', {
    config: { access: 'followups:manage' },
    schema: { tags: ['followups'], summary: 'Reassign, reprioritise or move the due time', problems: [409], params: IdParams, body: UpdateFollowup, response: { 200: FollowupDetailView } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await updateFollowup(tx, req.tenantId, req.actor!, req.params.id, req.body, req.ip) }));
    return sendWrite(reply, result);
  });

  app.get('/api/customers/:id/followups', {
    config: { access: 'followups:read' },
    schema: { tags: ['followups'], summary: "A customer's follow-ups, soonest due first", params: IdParams, querystring: CustomerFollowupQuery, response: { 200: FollowupPage } },
  }, async (req) => {
    if (!(await customerState(db, req.tenantId, req.params.id))) throw notFound();
    return listFollowups(db, req.tenantId, req.actor!, { ...req.query, assignee: req.query.assignee ?? 'all', customerId: req.params.id });
  });
}
