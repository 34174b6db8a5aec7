import {
  ComplaintAttachmentList, ComplaintAttachmentParams, ComplaintDetailView, ComplaintIntakeSettingsView, ComplaintThreadView, IdParams, MergeComplaint,
  UpdateComplaintIntakeSettings, COMPLAINT_ATTACHMENT_MAX_BYTES, COMPLAINT_ATTACHMENT_MAX_FILES, type ComplaintIntakeSettingsView as SettingsView,
} from '@vafa/contracts';
import { publicBaseUrl } from '../../platform/config.ts';
import type { Executor } from '../../platform/db/connect.ts';
import { notFound } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { recordAudit } from '../workspace/index.ts';
import { contentDisposition } from './attachment-type.ts';
import { readAttachmentUpload, storeAttachments } from './attachments.service.ts';
import { complaintThread, mergeComplaint, visibleCaseIds } from './case-merge.service.ts';
import * as repo from './complaint.repo.ts';
import * as intake from './complaint-intake.repo.ts';
import { intakeAddresses } from './email-intake.ts';

const UPLOAD_DESCRIPTION =
  `multipart/form-data with 1 to ${COMPLAINT_ATTACHMENT_MAX_FILES} \`files\` parts (each at most ${COMPLAINT_ATTACHMENT_MAX_BYTES / 1024 / 1024} MiB) and an optional \`note\`. ` +
  'Each file is checked by its content, not its name: JPEG, PNG, WebP, GIF, PDF and plain UTF-8 text are kept; programs, archives, HTML, SVG and anything ' +
  'else are refused with 422 `attachment_type_refused` (nothing of the upload is kept). Stored with its SHA-256 and logged on the case as a note.';

export function registerComplaintIntakeRoutes(app: App, deps: ModuleDeps): void {
  const { db } = deps.database;

  app.post('/api/complaints/:id/attachments', {
    config: { access: 'complaints:work' },
    schema: {
      tags: ['complaints'], summary: 'Attach files to a case', operationId: 'attachComplaintFiles', description: UPLOAD_DESCRIPTION,
      consumes: ['multipart/form-data'], multipart: { file: 'the files, each as a part named `files`', fields: { note: { description: 'a note logged with the files' } } },
      params: IdParams, problems: [409, 422], response: { 201: ComplaintAttachmentList },
    },
  }, async (req, reply) => {
    // Another workspace's case (or none) is a 404 whatever the body is.
    if (!(await repo.findCase(db, req.tenantId, req.params.id))) throw notFound();
    const upload = await readAttachmentUpload(req, ['note']);
    const actorId = `${req.actor!.kind}:${req.actor!.id}`;
    const result = await req.write(async (tx) => {
      const row = await repo.findCase(tx, req.tenantId, req.params.id, { lock: true });
      if (!row) throw notFound();
      const note = upload.fields.note?.trim().slice(0, 4000) || null;
      const eventId = await intake.appendEvent(tx, {
        tenantId: req.tenantId, caseId: row.id, at: new Date(), kind: 'note', action: 'attach', fromState: null, toState: null, note,
        actorType: req.actor!.role === 'agent' ? 'agent' : 'supervisor', actorId, details: { attachments: upload.files.length },
      });
      const items = await storeAttachments(tx, req.tenantId, row.id, upload.files, { source: 'agent', eventId, createdBy: actorId });
      await repo.updateCase(tx, req.tenantId, row.id, {}, new Date());
      return { status: 201, body: { items } };
    }, { bodyDigest: upload.digest });
    return sendWrite(reply, result);
  });

  app.get('/api/complaints/:id/thread', {
    config: { access: 'complaints:read' },
    schema: {
      tags: ['complaints'], summary: 'The e-mails, SMS and attachments of a case and of the cases merged into it', operationId: 'getComplaintThread',
      params: IdParams, response: { 200: ComplaintThreadView },
    },
  }, async (req) => complaintThread(db, req.tenantId, req.params.id));

  app.get('/api/complaints/:id/attachments/:attachmentId', {
    config: { access: 'complaints:read' },
    schema: {
      tags: ['complaints'], summary: 'Download an attachment of a case (or of a case merged into it)', operationId: 'downloadComplaintAttachment',
      description: 'Always a download (Content-Disposition: attachment) with the type detected from the content, under a sandboxing Content-Security-Policy.',
      params: ComplaintAttachmentParams, produces: ['*/*'],
    },
  }, async (req, reply) => {
    if (!(await repo.findCase(db, req.tenantId, req.params.id))) throw notFound();
    const row = await intake.attachmentContent(db, req.tenantId, await visibleCaseIds(db, req.tenantId, req.params.id), req.params.attachmentId);
    if (!row) throw notFound();
    return reply
      .header('content-type', row.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : row.contentType)
      .header('content-disposition', contentDisposition(row.fileName))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, no-store')
      .header('digest', `sha-256=${Buffer.from(row.sha256, 'hex').toString('base64')}`)
      .send(row.content);
  });

  app.post('/api/complaints/:id/merge', {
    config: { access: 'complaints:manage' },
    schema: {
      tags: ['complaints'], summary: 'Merge this duplicate case into another open case', operationId: 'mergeComplaint',
      description: 'A supervisor\'s decision: this case is closed as merged (logged on both cases, audited), its messages and attachments are shown with the other case (GET /api/complaints/{into}/thread), its tracking code leads to the other case on the tracking page, and replies to its e-mails thread there. 422 `merge_into_itself` or `unknown_complaint` (including a case of another workspace); 409 `closed_case`, `merge_target_closed`, `complaint_already_merged`. Answers the surviving case.',
      params: IdParams, body: MergeComplaint, problems: [409, 422], response: { 200: ComplaintDetailView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => ({ status: 200, body: await mergeComplaint(tx, req.tenantId, req.actor!, req.params.id, req.body, req.ip) }));
    return sendWrite(reply, result);
  });

  const settingsView = async (executor: Executor, tenantId: string): Promise<SettingsView> => {
    const settings = await intake.intakeSettings(executor, tenantId);
    const slug = await intake.workspaceSlug(executor, tenantId);
    const base = publicBaseUrl(deps.config);
    return {
      ...settings, emailAddresses: slug ? intakeAddresses(slug, deps.config.emailIntake) : [],
      widgetTag: `<script src="${base}/widget/v1.js" data-complaints="${slug ?? ''}" async></script>`, widgetDemoUrl: `${base}/widget/demo?complaints=${slug ?? ''}`,
    };
  };

  app.get('/api/complaint-intake/settings', {
    config: { access: 'complaints:read' },
    schema: {
      tags: ['complaints'], summary: 'How this workspace takes complaints by e-mail and SMS', operationId: 'getComplaintIntakeSettings',
      response: { 200: ComplaintIntakeSettingsView },
    },
  }, async (req) => settingsView(db, req.tenantId));

  app.patch('/api/complaint-intake/settings', {
    config: { access: 'complaints:manage' },
    schema: {
      tags: ['complaints'], summary: 'Turn complaint intake by e-mail, SMS or the embeddable widget on or off; set the thread window', operationId: 'updateComplaintIntakeSettings',
      body: UpdateComplaintIntakeSettings, response: { 200: ComplaintIntakeSettingsView },
    },
  }, async (req, reply) => {
    const result = await req.write(async (tx) => {
      const current = await intake.intakeSettings(tx, req.tenantId);
      const next = {
        emailEnabled: req.body.emailEnabled ?? current.emailEnabled, smsEnabled: req.body.smsEnabled ?? current.smsEnabled,
        threadWindowHours: req.body.threadWindowHours ?? current.threadWindowHours,
        widgetEnabled: req.body.widgetEnabled ?? current.widgetEnabled,
      };
      await intake.saveIntakeSettings(tx, req.tenantId, next);
      await recordAudit(tx, req.tenantId, req.actor, { action: 'complaints.intake_settings_changed', targetType: 'workspace', targetId: req.tenantId, ip: req.ip, details: next });
      return { status: 200, body: await settingsView(tx, req.tenantId) };
    });
    return sendWrite(reply, result);
  });
}
