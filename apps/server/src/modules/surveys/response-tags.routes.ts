import { sql } from 'drizzle-orm';
import { ResponseTagInput, ResponseTagParams, ResponseTagQuery, ResponseTagsView } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { invalidField, notFound } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { normaliseResponseTag } from './response-admin.service.ts';

/** An analyst's codes per answer stay few; more is a sign of a mistaken loop. */
export const MAX_RESPONSE_TAGS = 30;

const normaliseTag = normaliseResponseTag;

async function tagsOf(db: Executor, tenantId: string, surveyId: string, responseId: string, lock = false): Promise<string[]> {
  const found = await db.execute(sql`SELECT 1 FROM survey_responses WHERE tenant_id = ${tenantId} AND id = ${responseId} AND survey_id = ${surveyId} ${lock ? sql`FOR UPDATE` : sql``}`);
  if (found.rows.length === 0) throw notFound();
  const res = await db.execute(sql`SELECT tag FROM survey_response_tags WHERE tenant_id = ${tenantId} AND response_id = ${responseId} ORDER BY created_at, tag`);
  return res.rows.map((r) => String(r.tag));
}

/** Manual tags on one response (open-text coding); the responses list shows them. */
export function registerResponseTagRoutes(app: App, _deps: ModuleDeps): void {
  app.post('/api/surveys/:id/responses/:responseId/tags', {
    config: { access: 'surveys:tag' },
    schema: {
      tags: ['surveys'],
      summary: 'Tag a response',
      description: `Adds a tag (up to 60 characters; at most ${MAX_RESPONSE_TAGS} per response). Adding a tag it already has changes nothing.`,
      params: ResponseTagParams,
      body: ResponseTagInput,
      response: { 200: ResponseTagsView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const { id, responseId } = req.params;
      const tag = normaliseTag(req.body.tag);
      // the row lock keeps two concurrent adds from both passing the limit
      const tags = await tagsOf(tx, req.tenantId, id, responseId, true);
      if (!tags.includes(tag)) {
        if (tags.length >= MAX_RESPONSE_TAGS) throw invalidField('tag', 'survey_too_many_tags', { max: MAX_RESPONSE_TAGS });
        await tx.execute(sql`INSERT INTO survey_response_tags (tenant_id, response_id, tag, created_by)
          VALUES (${req.tenantId}, ${responseId}, ${tag}, ${`${req.actor!.kind}:${req.actor!.id}`}) ON CONFLICT DO NOTHING`);
      }
      return { status: 200, body: { responseId, tags: await tagsOf(tx, req.tenantId, id, responseId) } };
    });
    return sendWrite(reply, result);
  });

  app.delete('/api/surveys/:id/responses/:responseId/tags', {
    config: { access: 'surveys:tag' },
    schema: {
      tags: ['surveys'],
      summary: 'Remove a tag from a response',
      description: 'Removing a tag it does not have changes nothing.',
      params: ResponseTagParams,
      querystring: ResponseTagQuery,
      response: { 200: ResponseTagsView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const { id, responseId } = req.params;
      await tagsOf(tx, req.tenantId, id, responseId, true);
      await tx.execute(sql`DELETE FROM survey_response_tags WHERE tenant_id = ${req.tenantId} AND response_id = ${responseId} AND tag = ${normaliseTag(req.query.tag)}`);
      return { status: 200, body: { responseId, tags: await tagsOf(tx, req.tenantId, id, responseId) } };
    });
    return sendWrite(reply, result);
  });
}
