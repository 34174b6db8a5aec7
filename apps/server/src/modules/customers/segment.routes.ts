import { z } from 'zod';
import {
  CreateSegment, CustomerView, IdParams, PageQuery, PreviewSegment, SegmentPreview, SegmentView, UpdateSegment, pageOf,
} from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { pageFrom } from './customer.cursor.ts';
import { presentCustomer } from './customer.present.ts';
import { listCustomerRows } from './customer.service.ts';
import * as segments from './segment.service.ts';

export function registerSegmentRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/segments', {
    config: { access: 'segments:read' },
    schema: { tags: ['segments'], summary: 'Saved segments', response: { 200: z.object({ items: z.array(SegmentView) }) } },
  }, async (req) => ({ items: (await segments.listSegments(db, req.tenantId)).map(segments.presentSegment) }));

  app.post('/api/segments', {
    config: { access: 'segments:write' },
    schema: { tags: ['segments'], summary: 'Save a rule-based segment', body: CreateSegment, response: { 201: SegmentView } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: segments.presentSegment(await segments.createSegment(tx, req.tenantId, req.actor, req.body)) }));
    return sendWrite(reply, result);
  });

  app.post('/api/segments/preview', {
    config: { access: 'segments:read' },
    schema: { tags: ['segments'], summary: 'Count and sample the customers that rules match, without saving', body: PreviewSegment, response: { 200: SegmentPreview } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await segments.previewSegment(tx, req.tenantId, req.body.rules) }));
    return sendWrite(reply, result);
  });

  app.get('/api/segments/:id', {
    config: { access: 'segments:read' },
    schema: { tags: ['segments'], summary: 'One segment', params: IdParams, response: { 200: SegmentView } },
  }, async (req) => segments.presentSegment(await segments.getSegment(db, req.tenantId, req.params.id)));

  app.patch('/api/segments/:id', {
    config: { access: 'segments:write' },
    schema: { tags: ['segments'], summary: "Rename a segment or change its rules", params: IdParams, body: UpdateSegment, response: { 200: SegmentView } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: segments.presentSegment(await segments.updateSegment(tx, req.tenantId, req.params.id, req.body)) }));
    return sendWrite(reply, result);
  });

  app.delete('/api/segments/:id', {
    config: { access: 'segments:write' },
    schema: { tags: ['segments'], summary: 'Delete a segment', params: IdParams },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await segments.deleteSegment(tx, req.tenantId, req.params.id);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/segments/:id/members', {
    config: { access: 'segments:read' },
    schema: {
      tags: ['segments'],
      summary: "The segment's live customers now, newest first",
      params: IdParams,
      querystring: PageQuery,
      response: { 200: pageOf(CustomerView) },
    },
  }, async (req) => {
    const predicate = await segments.savedSegmentRulesPredicate(db, req.tenantId, req.params.id);
    const rows = await listCustomerRows(db, req.tenantId, { ...req.query, state: 'live' }, predicate);
    return pageFrom(rows, req.query.limit, presentCustomer);
  });
}
