import { CreateSurvey, IdParams, SurveyDefinition, SurveyExportQuery, SurveyListQuery, SurveyTemplateList, SurveyView, pageOf, NoContent } from '@vafa/contracts';
import { csvDownloadHeaders } from '../../platform/csv/csv-writer.ts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { recordAudit } from '../workspace/index.ts';
import { exportFilter, surveyResponsesCsv } from './survey-export.service.ts';
import { presentSurvey } from './survey.present.ts';
import * as surveys from './survey.service.ts';
import { surveyTemplates } from './survey.templates.ts';

const DRAFT_RULES =
  'The draft is checked as a whole; each problem is a field error with its path (422): `duplicate_question_id`, `show_if_unknown_question`, ' +
  '`show_if_later_question` (branching may only test an earlier question), `show_if_incompatible` (the operator or value does not fit that ' +
  'question: numbers within its scale for lte/gte/eq/neq, its option ids for `in`, no value for `answered`), `labels_count_mismatch` ' +
  '(one label per scale point), `rating_range_invalid` (min < max, at most 11 points), `duplicate_option_id`, `max_choices_exceeds_options`, ' +
  '`missing_translation` (every text a respondent sees, in every language the survey lists, e.g. `questions.2.title.ar`), ' +
  '`default_language_not_listed`, `duplicate_language`, `duplicate_hidden_field`. Once published, a question id keeps its type ' +
  '(`question_type_changed`) and its scale (`question_scale_changed`), so earlier answers keep their meaning.';

export function registerSurveyRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.get('/api/surveys', {
    config: { access: 'surveys:read' },
    schema: {
      tags: ['surveys'],
      summary: 'Surveys, most recently changed first',
      description: '`responseCount` counts completed responses. Pass `nextCursor` back as `cursor` for the next page.',
      querystring: SurveyListQuery,
      response: { 200: pageOf(SurveyView) },
    },
  }, async (req) => {
    const { rows, nextCursor } = await surveys.listSurveyPage(db, req.tenantId, req.query);
    return { items: rows.map(presentSurvey), nextCursor };
  });

  app.post('/api/surveys', {
    config: { access: 'surveys:write' },
    schema: {
      tags: ['surveys'],
      summary: 'Create a survey (a draft) from a template or a definition',
      description:
        'With `definition`, that is the draft (`template` only records where it came from). With `template` alone, the template in ' +
        '`languages` (default: the workspace language; the first is the default language). Neither: 422 `survey_definition_required`. ' +
        `The survey gets its public link's token at once. ${DRAFT_RULES}`,
      problems: [422],
      body: CreateSurvey,
      response: { 201: SurveyView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: presentSurvey(await surveys.createSurvey(tx, req.tenantId, req.actor, req.body)) }));
    return sendWrite(reply, result);
  });

  app.get('/api/survey-templates', {
    config: { access: 'surveys:read' },
    schema: {
      tags: ['surveys'],
      summary: 'Survey templates in Persian, Arabic and English',
      description: 'Each definition lists all three languages, the reader\'s first; POST /api/surveys with `template` (and `languages`) to start from one.',
      response: { 200: SurveyTemplateList },
    },
  }, async (req) => ({ items: surveyTemplates(req.locale) }));

  app.get('/api/surveys/:id', {
    config: { access: 'surveys:read' },
    schema: {
      tags: ['surveys'],
      summary: 'One survey: its draft, status and live version',
      description: '`version` is the published version respondents answer (0 before the first publish); `draftChanged` says the draft differs from it (always true before the first publish).',
      params: IdParams,
      response: { 200: SurveyView },
    },
  }, async (req) => presentSurvey(await surveys.getSurvey(db, req.tenantId, req.params.id)));

  app.patch('/api/surveys/:id', {
    config: { access: 'surveys:write' },
    schema: {
      tags: ['surveys'],
      summary: 'Replace the draft',
      description: `The whole definition. A live survey keeps answering its published version until the draft is published. ${DRAFT_RULES}`,
      problems: [422],
      params: IdParams,
      body: SurveyDefinition,
      response: { 200: SurveyView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: presentSurvey(await surveys.updateDraft(tx, req.tenantId, req.params.id, req.body)) }));
    return sendWrite(reply, result);
  });

  app.post('/api/surveys/:id/publish', {
    config: { access: 'surveys:write' },
    schema: {
      tags: ['surveys'],
      summary: 'Publish the draft as a new version and make the survey live (audited)',
      description: 'Earlier answers keep the version they were given against. An unchanged draft adds no version; a closed survey goes live again.',
      problems: [422],
      params: IdParams,
      response: { 200: SurveyView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: presentSurvey(await surveys.publishSurvey(tx, req.tenantId, req.actor, req.params.id, req.ip)) }));
    return sendWrite(reply, result);
  });

  app.post('/api/surveys/:id/close', {
    config: { access: 'surveys:write' },
    schema: {
      tags: ['surveys'],
      summary: 'Stop taking answers (audited)',
      description: 'A draft cannot be closed (409 `survey_not_published`); closing a closed survey changes nothing.',
      problems: [409],
      params: IdParams,
      response: { 200: SurveyView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: presentSurvey(await surveys.closeSurvey(tx, req.tenantId, req.actor, req.params.id, req.ip)) }));
    return sendWrite(reply, result);
  });

  app.post('/api/surveys/:id/reopen', {
    config: { access: 'surveys:write' },
    schema: {
      tags: ['surveys'],
      summary: 'Take answers again on the live version (audited)',
      problems: [409],
      params: IdParams,
      response: { 200: SurveyView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: presentSurvey(await surveys.reopenSurvey(tx, req.tenantId, req.actor, req.params.id, req.ip)) }));
    return sendWrite(reply, result);
  });

  app.post('/api/surveys/:id/duplicate', {
    config: { access: 'surveys:write' },
    schema: {
      tags: ['surveys'],
      summary: 'Copy a survey into a new draft',
      description: 'The same questions and settings (the draft), its own public link, no answers.',
      params: IdParams,
      response: { 201: SurveyView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: presentSurvey(await surveys.duplicateSurvey(tx, req.tenantId, req.actor, req.params.id, req.locale)) }));
    return sendWrite(reply, result);
  });

  app.delete('/api/surveys/:id', {
    config: { access: 'surveys:write' },
    schema: {
      tags: ['surveys'],
      summary: 'Delete a survey nobody has answered (audited)',
      description: 'A survey with responses (even partial ones) is kept: 409 `survey_has_responses`; close it instead.',
      problems: [409],
      params: IdParams,
      response: { 204: NoContent.describe('Deleted') },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await surveys.deleteSurvey(tx, req.tenantId, req.actor, req.params.id, req.ip);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  app.get('/api/surveys/:id/export.csv', {
    config: { access: 'surveys:export' },
    schema: {
      tags: ['surveys'],
      summary: 'Completed responses as CSV (UTF-8 with BOM), streamed (audited)',
      description:
        'One row per completed response the responses list gives under the same filters (`channel`, a score range on `question`, `hasText`, `tag`, ' +
        '`segmentId`, `stage`, and `from`/`to` as days of the workspace, inclusive, or as instants, [`from`, `to`)), oldest first: response id, submitted time (UTC), version, channel, ' +
        'language, customer id (no such column for an anonymous survey), the hidden fields, then one column per question of every published ' +
        'version (SERVQUAL: desired, adequate and perceived; choices: the labels joined with " | "; "other" text in its own column), ' +
        'headers and labels in `lang` (default: the reader\'s language).',
      operationId: 'exportSurveyResponsesCsv',
      params: IdParams,
      querystring: SurveyExportQuery,
      produces: ['text/csv'],
    },
  }, async (req, reply) => {
    const survey = await surveys.getSurvey(db, req.tenantId, req.params.id);
    const filter = await exportFilter(db, req.tenantId, survey.id, req.query);
    const lang = req.query.lang ?? req.locale;
    // Answers can carry personal data: the audit entry exists before the first byte leaves.
    await recordAudit(db, req.tenantId, req.actor, {
      action: 'survey.exported', targetType: 'survey', targetId: survey.id, ip: req.ip, details: { format: 'csv', lang, ...req.query },
    });
    const stream = await surveyResponsesCsv(deps.database, req.tenantId, survey, lang, filter);
    return reply.headers(csvDownloadHeaders(`survey-${survey.id}.csv`)).send(stream);
  });
}
