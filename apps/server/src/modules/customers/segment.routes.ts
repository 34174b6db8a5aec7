import { z } from 'zod';
import {
  AddSegmentMembers, CreateSegment, CustomerView, IdParams, PreviewSegment, SegmentMemberParams, SegmentMembersQuery, SegmentPreview, SegmentView,
  UpdateSegment, pageOf, NoContent,
} from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { pageFrom } from './customer.cursor.ts';
import { presentCustomer } from './customer.present.ts';
import { listCustomerRows } from './customer.service.ts';
import { listedMembersPredicate } from './segment-match.ts';
import { addListedMembers, removeListedMember } from './segment-members.service.ts';
import * as segments from './segment.service.ts';

export function registerSegmentRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/segments', {
    config: { access: 'segments:read' },
    schema: { tags: ['segments'], summary: 'Saved segments', response: { 200: z.object({ items: z.array(SegmentView) }) } },
  }, async (req) => ({ items: (await segments.listSegments(db, req.tenantId)).map(segments.presentSegment) }));

  app.post('/api/segments', {
    config: { access: 'segments:write' },
    schema: {
      tags: ['segments'],
      summary: 'Save a segment',
      description: "Rules `{ \"match\": \"any\", \"conditions\": [] }` match no one, which makes a plain list: add its customers with POST /api/segments/{id}/members.",
      body: CreateSegment,
      response: { 201: SegmentView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: segments.presentSegment(await segments.createSegment(tx, req.tenantId, req.actor, req.body)) }));
    return sendWrite(reply, result);
  });

  app.post('/api/segments/preview', {
    config: { access: 'segments:read' },
    schema: {
      tags: ['segments'],
      summary: 'Count and sample the customers that rules match, without saving',
      description: "With `segmentId`, that saved segment's listed members count too, as they will once the rules are saved.",
      problems: [422],
      body: PreviewSegment,
      response: { 200: SegmentPreview },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await segments.previewSegment(tx, req.tenantId, req.body.rules, req.body.segmentId) }));
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
    schema: { tags: ['segments'], summary: 'Delete a segment', params: IdParams, response: { 204: NoContent.describe('Deleted') } },
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
      description: 'Members are the customers its rules match or that were added to it by hand; `listed=true` gives only the latter.',
      params: IdParams,
      querystring: SegmentMembersQuery,
      response: { 200: pageOf(CustomerView) },
    },
  }, async (req) => {
    const { listed, ...page } = req.query;
    let listing: Awaited<ReturnType<typeof listCustomerRows>>;
    if (listed === 'true') {
      await segments.getSegment(db, req.tenantId, req.params.id);
      listing = await listCustomerRows(db, req.tenantId, { ...page, state: 'live' }, listedMembersPredicate(req.tenantId, req.params.id));
    } else {
      // The customer list's segment filter, so the two agree on who is a member.
      listing = await listCustomerRows(db, req.tenantId, { ...page, segment: req.params.id, state: 'live' });
    }
    return pageFrom(listing.rows, req.query.limit, listing.order, presentCustomer);
  });

  app.post('/api/segments/:id/members', {
    config: { access: 'segments:write' },
    schema: {
      tags: ['segments'],
      summary: 'Add customers to a segment by hand',
      operationId: 'addSegmentMembers',
      description: 'They stay members whatever the rules say, until removed. Up to 1,000 live customers of this workspace; any other id refuses the whole request (422 `unknown_customers`). `added` counts those not listed before.',
      problems: [422],
      params: IdParams,
      body: AddSegmentMembers,
      response: { 200: z.object({ added: z.number().int().min(0) }) },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({
      status: 200,
      body: { added: await addListedMembers(tx, req.tenantId, req.actor!, req.params.id, req.body.customerIds, req.ip) },
    }));
    return sendWrite(reply, result);
  });

  app.delete('/api/segments/:id/members/:customerId', {
    config: { access: 'segments:write' },
    schema: {
      tags: ['segments'],
      summary: "Take a customer added by hand off a segment's list",
      operationId: 'removeSegmentMember',
      description: 'The customer stays a member if the rules match them. 404 when they were not added by hand.',
      params: SegmentMemberParams,
      response: { 204: NoContent.describe('Removed') },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await removeListedMember(tx, req.tenantId, req.actor!, req.params.id, req.params.customerId, req.ip);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });
}
