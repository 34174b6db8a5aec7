// Files on a complaint case: checked by content, fingerprinted, stored in PostgreSQL with the
// message they came with. Agents upload on a case; the tracking page (customers) and the e-mail
// intake call storeAttachments with what they received.
import { COMPLAINT_ATTACHMENT_MAX_BYTES, COMPLAINT_ATTACHMENT_MAX_FILES, type ComplaintAttachmentSource, type ComplaintAttachmentView } from '@vafa/contracts';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { Executor } from '../../platform/db/connect.ts';
import { Problem } from '../../platform/http/problem.ts';
import { multipartBoundary, multipartMalformed, multipartProblem } from '../../platform/http/multipart.ts';
import * as intake from './complaint-intake.repo.ts';
import { safeAttachmentName, sha256Hex, sniffAttachmentType, type AttachmentRefusal } from './attachment-type.ts';

/** What a case may hold in all, so one case cannot fill the database. */
export const COMPLAINT_ATTACHMENTS_PER_CASE = 50;

export interface IncomingFile {
  fileName?: string | undefined;
  content: Buffer;
}

const refused = (index: number, reason: AttachmentRefusal) => {
  const code = reason === 'too_large' ? 'attachment_too_large' : 'attachment_type_refused';
  return new Problem(reason === 'too_large' ? 413 : 422, code, { reason }, [{ field: `files[${index}]`, code: reason, message: code }]);
};

export const presentAttachment = (row: intake.AttachmentMeta): ComplaintAttachmentView => ({
  id: row.id, caseId: row.caseId, fileName: row.fileName, contentType: row.contentType as ComplaintAttachmentView['contentType'],
  sizeBytes: row.sizeBytes, sha256: row.sha256, source: row.source as ComplaintAttachmentSource, eventId: row.eventId, createdAt: row.createdAt.toISOString(),
});

/**
 * Stores files on a case in the caller's transaction, after checking each by its content (see
 * attachment-type.ts), its size and the counts. A refused file refuses the whole call (4xx,
 * nothing stored) unless `skipRefused` (the e-mail intake keeps the message and drops the file).
 * Exported through the module for the tracking page's "add information".
 */
export async function storeAttachments(
  tx: Executor, tenantId: string, caseId: string, files: IncomingFile[],
  options: { source: ComplaintAttachmentSource; eventId: number | null; createdBy: string | null; skipRefused?: boolean },
): Promise<ComplaintAttachmentView[]> {
  if (files.length === 0) return [];
  if (files.length > COMPLAINT_ATTACHMENT_MAX_FILES && !options.skipRefused) {
    throw new Problem(422, 'too_many_attachments', { max: COMPLAINT_ATTACHMENT_MAX_FILES });
  }
  const rows: intake.NewAttachment[] = [];
  for (const [index, file] of files.slice(0, COMPLAINT_ATTACHMENT_MAX_FILES).entries()) {
    const type = sniffAttachmentType(file.content);
    if (!type.ok) {
      if (options.skipRefused) continue;
      throw refused(index, type.reason);
    }
    rows.push({
      // v7: time-ordered, so a mail's files list in the order they came.
      tenantId, id: uuidv7(), caseId, source: options.source, eventId: options.eventId, fileName: safeAttachmentName(file.fileName, type.contentType),
      contentType: type.contentType, sizeBytes: file.content.length, sha256: sha256Hex(file.content), content: file.content, createdBy: options.createdBy,
    });
  }
  const held = await intake.countAttachments(tx, tenantId, caseId);
  if (held + rows.length > COMPLAINT_ATTACHMENTS_PER_CASE) {
    if (options.skipRefused) rows.splice(Math.max(0, COMPLAINT_ATTACHMENTS_PER_CASE - held));
    else throw new Problem(422, 'too_many_attachments', { max: COMPLAINT_ATTACHMENTS_PER_CASE });
  }
  await intake.insertAttachments(tx, rows);
  const now = new Date();
  return rows.map((r) => presentAttachment({ ...r, eventId: r.eventId ?? null, createdBy: r.createdBy ?? null, createdAt: r.createdAt ?? now } as intake.AttachmentMeta));
}

export interface AttachmentUpload {
  files: IncomingFile[];
  fields: Record<string, string>;
  /** sha256 of the files and fields, for the Idempotency-Key fingerprint */
  digest: string;
}

/**
 * Reads a multipart upload of attachments into memory (at most COMPLAINT_ATTACHMENT_MAX_FILES
 * parts named `files`, each at most COMPLAINT_ATTACHMENT_MAX_BYTES) and the named text fields.
 * A body cut short, even between parts where busboy would end quietly, is a 400; one too big a 413.
 */
export async function readAttachmentUpload(request: FastifyRequest, allowedFields: readonly string[] = ['note']): Promise<AttachmentUpload> {
  if (!request.isMultipart()) throw new Problem(415, 'unsupported_media_type');
  const boundary = multipartBoundary(request.headers['content-type']);
  if (!boundary) throw multipartMalformed('the content type names no boundary');
  const maxBody = COMPLAINT_ATTACHMENT_MAX_FILES * (COMPLAINT_ATTACHMENT_MAX_BYTES + 4096) + 64 * 1024;
  if (Number(request.headers['content-length']) > maxBody) throw new Problem(413, 'body_too_large');

  const closing = Buffer.from(`--${boundary}--`);
  let tail = Buffer.alloc(0);
  let complete = false;
  const onData = (chunk: Buffer) => {
    if (complete) return;
    const seam = Buffer.concat([tail, chunk]);
    complete = seam.includes(closing);
    tail = seam.subarray(-(closing.length - 1));
  };
  const files: IncomingFile[] = [];
  const fields: Record<string, string> = {};
  try {
    const parts = request.parts({
      limits: { fileSize: COMPLAINT_ATTACHMENT_MAX_BYTES, files: COMPLAINT_ATTACHMENT_MAX_FILES + 1, fields: allowedFields.length + 1, fieldSize: 8192, parts: COMPLAINT_ATTACHMENT_MAX_FILES + allowedFields.length + 2 },
    })[Symbol.asyncIterator]();
    // Starting the iteration pipes the body into the parser; the watch listens from the same tick, before any chunk flows.
    const first = parts.next();
    request.raw.on('data', onData);
    for (let step = await first; !step.done; step = await parts.next()) {
      const part = step.value;
      if (part.type === 'file') {
        if (part.fieldname !== 'files') {
          part.file.resume();
          throw new Problem(400, 'validation_failed', {}, [{ field: part.fieldname, code: 'unrecognized_keys', message: `unexpected form field "${part.fieldname}"` }]);
        }
        const content = await part.toBuffer();
        if (part.file.truncated) throw refused(files.length, 'too_large');
        if (files.length >= COMPLAINT_ATTACHMENT_MAX_FILES) throw new Problem(422, 'too_many_attachments', { max: COMPLAINT_ATTACHMENT_MAX_FILES });
        files.push({ fileName: part.filename, content });
      } else {
        if (!allowedFields.includes(part.fieldname) || part.fieldname in fields || typeof part.value !== 'string' || part.valueTruncated) {
          throw new Problem(400, 'validation_failed', {}, [{ field: part.fieldname, code: 'unrecognized_keys', message: `unexpected or too long form field "${part.fieldname}"` }]);
        }
        fields[part.fieldname] = part.value;
      }
    }
    if (!complete) throw multipartMalformed('the body ends before its closing boundary');
  } catch (err) {
    const problem = multipartProblem(err);
    const e = err as { code?: string };
    if (e?.code === 'FST_FILES_LIMIT') throw new Problem(422, 'too_many_attachments', { max: COMPLAINT_ATTACHMENT_MAX_FILES });
    if (e?.code === 'FST_REQ_FILE_TOO_LARGE') throw refused(files.length, 'too_large');
    // A file part cut off mid-content ends its stream early.
    if (e?.code === 'ERR_STREAM_PREMATURE_CLOSE') throw multipartMalformed('the body ends inside a file');
    throw problem;
  } finally {
    request.raw.off('data', onData);
  }
  if (files.length === 0) throw new Problem(400, 'validation_failed', {}, [{ field: 'files', code: 'required', message: 'attach at least one file as the form field "files"' }]);
  const digest = sha256Hex(Buffer.concat([...files.flatMap((f) => [Buffer.from(`\0${f.fileName ?? ''}\0`), Buffer.from(sha256Hex(f.content))]), Buffer.from(JSON.stringify(fields))]));
  return { files, fields, digest };
}
