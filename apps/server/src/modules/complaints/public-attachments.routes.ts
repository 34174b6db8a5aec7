// The customers' uploads: filing a complaint with files, and sending files from the tracking page;
// and the public form's device and challenge. Each upload is read as a stream with the staff
// upload's limits (attachments.service.ts): a part too large is a 413 and a body cut short a 400
// before anything is written; the files are checked by content and stored with their case or
// message in one transaction, or not at all.
import { z } from 'zod';
import {
  AddCaseFiles, ComplaintReceipt, CustomerCaseView, FileComplaint, FilingRateProblem, PublicFilingForm, COMPLAINT_ATTACHMENT_MAX_BYTES, COMPLAINT_ATTACHMENT_MAX_FILES,
} from '@vafa/contracts';
import { Problem, type FieldError } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/server.ts';
import { sendWrite } from '../../platform/http/write.ts';
import type { ModuleDeps } from '../../platform/module.ts';
import { readAttachmentUpload } from './attachments.service.ts';
import { addCaseFiles } from './case-customer.service.ts';
import { fileWithAttachments } from './public-filing.ts';
import { decoyReceipt, filingGuardFor, isHoneypotFilled } from './public-filing-guard.ts';
import { publicUploadGate, type PublicUploadGate } from './public-upload-gate.ts';
import { TRACK_TRIES_PER_ADDRESS_PER_MINUTE, limitTriesOnCode } from './tracking-limits.ts';

const LIMITS = `1 to ${COMPLAINT_ATTACHMENT_MAX_FILES} \`files\` parts, each at most ${COMPLAINT_ATTACHMENT_MAX_BYTES / 1024 / 1024} MiB, checked by their content, not their names: JPEG, PNG, WebP, GIF, PDF and plain UTF-8 text are kept; programs, archives, HTML, SVG and anything else are refused with 422 \`attachment_type_refused\`, one too large with 413 \`attachment_too_large\`, a body cut short with 400 \`multipart_malformed\`; a case holds at most 50 files (422 \`too_many_attachments\`). Nothing of a refused upload is kept.`;
const FILING_FIELDS = ['workspace', 'name', 'phone', 'email', 'category', 'description', 'language', 'website', 'proof'] as const;
const CASE_FIELDS = ['workspace', 'code', 'verification', 'token', 'language', 'message'] as const;
const field = (description: string, required = false) => ({ description, required });

/** The form's text fields checked as the JSON route's body would be: 400 validation_failed naming each field. */
function parseFields<T extends z.ZodType>(schema: T, fields: Record<string, string>): z.infer<T> {
  const parsed = schema.safeParse(fields);
  if (parsed.success) return parsed.data;
  const errors: FieldError[] = parsed.error.issues.map((issue) => {
    const own = (issue as { params?: { code?: unknown } }).params?.code;
    return { field: ['body', ...issue.path.map(String)].join('.'), code: issue.code === 'custom' && typeof own === 'string' ? own : issue.code, message: issue.message };
  });
  throw new Problem(400, 'validation_failed', {}, errors);
}

export function registerPublicAttachmentRoutes(app: App, deps: ModuleDeps, gate: PublicUploadGate = publicUploadGate): void {
  const guard = filingGuardFor(deps);

  app.get('/api/public/complaints/form', {
    // No database work and no per-address cap (a shop's tablets share one address).
    config: { access: 'public', rateLimit: false },
    schema: {
      tags: ['complaints'], summary: 'The public complaint form\'s device and challenge', operationId: 'openComplaintForm',
      description: 'Sets the device cookie (a widget keeps `device` and sends it back as `X-Vafa-Device`) and answers a proof-of-work challenge when this device\'s next filing on the workspace would have to prove work (send `proof` = `<challenge>:<n>`, where SHA-256 of it starts with `bits` zero bits). Normally null.',
      querystring: z.strictObject({ workspace: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/) }),
      response: { 200: PublicFilingForm },
    },
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    return guard.form(req, reply, req.query.workspace);
  });

  app.post('/api/public/complaints/with-attachments', {
    // The device limits need the body's fields; the gate bounds what reading bodies may hold before that.
    config: { access: 'public', rateLimit: false },
    preHandler: [gate.enter],
    schema: {
      tags: ['complaints'], summary: 'A customer files a complaint with files', operationId: 'fileComplaintWithAttachments',
      description: `The public form's filing (as POST /api/public/complaints, its fields as form fields) with ${LIMITS} The case and its files are stored together, and the receipt is answered only after both are. Held to the same device limits and challenge (429 \`filing_challenge_required\`, \`too_many_filings\`); no per-address cap. Uploads read at once are bounded per process and per address: past that, 429 \`uploads_busy\` with Retry-After before the body is read.`,
      consumes: ['multipart/form-data'],
      multipart: {
        file: 'the files, each as a part named `files`',
        fields: {
          workspace: field('the workspace\'s slug', true), name: field('the complainant\'s name', true), phone: field('a phone (this or email)'), email: field('an e-mail (this or phone)'),
          category: field('a category'), description: field('what happened', true), language: field('fa, ar or en'), website: field('leave empty'), proof: field('the proof of work, when asked'),
        },
      },
      problems: [404, 422],
      response: { 201: ComplaintReceipt, 429: FilingRateProblem },
    },
  }, async (req, reply) => {
    const upload = await readAttachmentUpload(req, FILING_FIELDS);
    const input = parseFields(FileComplaint, upload.fields);
    if (isHoneypotFilled(input.website)) return reply.code(201).send(decoyReceipt(input.language ?? req.locale));
    const verdict = guard.check(req, reply, input);
    if (!verdict.ok) return verdict.reply;
    return reply.code(201).send(await fileWithAttachments(deps.database, input, upload.files, req.locale));
  });

  app.post('/api/public/complaints/case/attachments', {
    // Tracking's limits: the address's (the same key as tracking's) before the body is read, the code's once it is.
    config: { access: 'public', rateLimit: false },
    preHandler: [app.rateLimit({ max: TRACK_TRIES_PER_ADDRESS_PER_MINUTE, timeWindow: '1 minute', keyGenerator: (req) => `complaint-track:${req.ip}` }), gate.enter],
    schema: {
      tags: ['complaints'], summary: 'The customer sends files to their complaint', operationId: 'addComplaintFiles',
      description: `From the tracking page: the tracking code and its proof (\`verification\` or \`token\`, as for tracking; a miss is 404 \`complaint_not_found\`) and an optional \`message\` as form fields, with ${LIMITS} Logged on the case as the customer's message (a case waiting for the customer resumes); 409 \`closed_case\` on a closed case. Counted against tracking's limits per address and per code.`,
      consumes: ['multipart/form-data'],
      multipart: {
        file: 'the files, each as a part named `files`',
        fields: {
          workspace: field('the workspace\'s slug', true), code: field('the tracking code', true), verification: field('the phone\'s last 4 digits or the e-mail'),
          token: field('the tracking link\'s token'), language: field('fa, ar or en'), message: field('a message sent with the files'),
        },
      },
      problems: [404, 409, 422],
      response: { 200: CustomerCaseView },
    },
  }, async (req, reply) => {
    const upload = await readAttachmentUpload(req, CASE_FIELDS);
    limitTriesOnCode(reply, upload.fields.workspace, upload.fields.code);
    const input = parseFields(AddCaseFiles, upload.fields);
    const result = await req.write(async (tx) => ({ status: 200, body: await addCaseFiles(tx, deps.config, input, upload.files, req.locale) }), { bodyDigest: upload.digest });
    return sendWrite(reply, result);
  });

}
