import { AddNote, IdParams, LoggedTouchpointParams, LogTouchpoint, NoteParams, EditLoggedTouchpoint, TimelineItemView, NoContent } from '@vafa/contracts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import { addNote, editEntry, logTouchpoint, removeEntry } from './timeline-entry.service.ts';

const WHO_MAY_CHANGE = 'Its author may change or remove it, and so may managers, admins and owners; the change is audited.';

/** Notes and hand-logged contacts on a customer's timeline (see timeline-entry.service.ts). */
export function registerTimelineEntryRoutes(app: App): void {
  app.post('/api/customers/:id/notes', {
    config: { access: 'interactions:write' },
    schema: {
      tags: ['interactions'],
      summary: 'Write a note on a customer\'s timeline',
      operationId: 'addCustomerNote',
      problems: [409],
      description: `The note is dated now and signed by the caller (the signed-in member, or the API key). It does not move the customer's lastSeenAt; it publishes touchpoint.recorded with kind \`note\`. ${WHO_MAY_CHANGE}`,
      params: IdParams,
      body: AddNote,
      response: { 201: TimelineItemView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await addNote(tx, req.tenantId, req.actor!, req.params.id, req.body.text) }));
    return sendWrite(reply, result);
  });

  app.patch('/api/customers/:id/notes/:noteId', {
    config: { access: 'interactions:write' },
    schema: {
      tags: ['interactions'],
      summary: 'Change the words of a note',
      operationId: 'editCustomerNote',
      problems: [409],
      description: WHO_MAY_CHANGE,
      params: NoteParams,
      body: AddNote,
      response: { 200: TimelineItemView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({
      status: 200,
      body: await editEntry(tx, req.tenantId, req.actor!, req.params.id, req.params.noteId, 'note', { text: req.body.text }, req.ip),
    }));
    return sendWrite(reply, result);
  });

  app.delete('/api/customers/:id/notes/:noteId', {
    config: { access: 'interactions:write' },
    schema: { tags: ['interactions'], summary: 'Remove a note', operationId: 'deleteCustomerNote', problems: [409], description: WHO_MAY_CHANGE, params: NoteParams, response: { 204: NoContent.describe('Deleted') } },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await removeEntry(tx, req.tenantId, req.actor!, req.params.id, req.params.noteId, 'note', req.ip);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });

  app.post('/api/customers/:id/touchpoints', {
    config: { access: 'interactions:write' },
    schema: {
      tags: ['interactions'],
      summary: 'Log a call, visit, message, chat or social contact by hand',
      operationId: 'logCustomerTouchpoint',
      problems: [409],
      description: `For contacts a person had with the customer: when it happened (not in the future), where, at which stage of the journey, and optionally what was said. It moves the customer's lastSeenAt and publishes touchpoint.recorded, so rules on interactions react to it. Integrations recording events in bulk use POST /api/touchpoints. ${WHO_MAY_CHANGE}`,
      params: IdParams,
      body: LogTouchpoint,
      response: { 201: TimelineItemView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 201, body: await logTouchpoint(tx, req.tenantId, req.actor!, req.params.id, req.body) }));
    return sendWrite(reply, result);
  });

  app.patch('/api/customers/:id/touchpoints/:touchpointId', {
    config: { access: 'interactions:write' },
    schema: {
      tags: ['interactions'],
      summary: 'Correct a logged contact',
      operationId: 'editCustomerTouchpoint',
      problems: [409],
      description: `Give only what changes; \`text: null\` removes what was said. Orders and what Vafa recorded itself (messages, follow-ups) answer 409. ${WHO_MAY_CHANGE}`,
      params: LoggedTouchpointParams,
      body: EditLoggedTouchpoint,
      response: { 200: TimelineItemView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({
      status: 200,
      body: await editEntry(tx, req.tenantId, req.actor!, req.params.id, req.params.touchpointId, 'logged', req.body, req.ip),
    }));
    return sendWrite(reply, result);
  });

  app.delete('/api/customers/:id/touchpoints/:touchpointId', {
    config: { access: 'interactions:write' },
    schema: {
      tags: ['interactions'], summary: 'Remove a logged contact', operationId: 'deleteCustomerTouchpoint', problems: [409],
      description: `Orders and what Vafa recorded itself answer 409. ${WHO_MAY_CHANGE}`, params: LoggedTouchpointParams,
      response: { 204: NoContent.describe('Deleted') },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      await removeEntry(tx, req.tenantId, req.actor!, req.params.id, req.params.touchpointId, 'logged', req.ip);
      return { status: 204, body: null };
    });
    return sendWrite(reply, result);
  });
}
