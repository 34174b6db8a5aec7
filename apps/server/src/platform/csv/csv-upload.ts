import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { Executor } from '../db/connect.ts';
import { jsonNestsDeeperThan } from '../http/json-depth.ts';
import { MULTIPART_BODY_LIMIT, multipartBoundary, multipartMalformed, multipartProblem } from '../http/multipart.ts';
import { Problem } from '../http/problem.ts';
import { sendWrite } from '../http/write.ts';
import type { BackgroundImports } from './background-imports.ts';
import { CsvFileError, openCsv } from './csv-reader.ts';
import { actorLabel } from './import-engine.ts';
import { createImportRun, presentImportRun } from './import-runs.ts';

export interface CsvUpload {
  /** where the file now lies, `<directory>/<id>.csv` */
  path: string;
  /** the name the user's file had */
  fileName: string;
  bytes: number;
  header: string[];
  /** the other form fields, by name */
  fields: Record<string, string>;
  /** sha256 of the file's content and the fields: what the upload is, for idempotency */
  digest: string;
  /** deletes the file (an upload refused, replayed or done with) */
  discard(): Promise<void>;
}

const MAX_FILE_NAME = 255;

/** 422 invalid_csv: the file as a whole cannot be imported. */
export function invalidCsv(reason: string): Problem {
  return new Problem(422, 'invalid_csv', { reason }, [{ field: 'file', code: 'invalid_csv', message: reason }]);
}

const unknownPart = (name: string) =>
  new Problem(400, 'validation_failed', {}, [{ field: name, code: 'unrecognized_keys', message: `unexpected form field "${name}"` }]);

/**
 * Watches the raw request while its parts are read: refuses it when it goes quiet for
 * `idleMs` (408), when the client leaves before the end, and when the body ends without its
 * closing boundary (400; busboy would end quietly or wait forever on some of those). Attach
 * only once the body is piped: a 'data' listener starts the flow.
 */
function watchUpload(raw: NodeJS.ReadableStream, boundary: string, idleMs: number) {
  const closing = Buffer.from(`--${boundary}--`);
  let tail = Buffer.alloc(0);
  let closed = false;
  let ended = false;
  let fail!: (problem: Problem) => void;
  const failure = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failure.catch(() => undefined);
  let failed: Problem | undefined;
  const stop = (problem: Problem) => {
    if (failed) return;
    failed = problem;
    fail(problem);
  };
  const cutShort = () => multipartMalformed('the body ends before its closing boundary');
  // After the body ended, a parser still busy an idle period later is stuck on what it got.
  const idle = setTimeout(() => stop(ended ? cutShort() : new Problem(408, 'upload_timeout', { seconds: Math.round(idleMs / 1000) })), idleMs);
  const overlap = closing.length - 1;
  const onData = (chunk: Buffer) => {
    idle.refresh();
    if (closed) return;
    // The delimiter may straddle two chunks: look in the chunk and across the seam, copying only the seam.
    closed = chunk.includes(closing) || Buffer.concat([tail, chunk.subarray(0, overlap)]).includes(closing);
    tail = Buffer.concat([tail, chunk.subarray(-overlap)]).subarray(-overlap);
  };
  const onEnd = () => {
    ended = true;
    if (!closed) stop(cutShort());
  };
  const onClose = () => {
    if (!ended) stop(multipartMalformed('the client closed the connection before the upload ended'));
  };
  raw.on('data', onData);
  raw.on('end', onEnd);
  raw.on('close', onClose);
  return {
    failure,
    get failed() {
      return failed;
    },
    /** whether the body's closing boundary (`--boundary--`) was received */
    get complete() {
      return closed;
    },
    release() {
      clearTimeout(idle);
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('close', onClose);
    },
  };
}

/**
 * Streams a multipart upload's `file` part to disk (never into memory) and collects the named
 * text fields. Refuses, with nothing left on disk and no descriptor open: a request that is not
 * multipart or has no boundary, a body over the limits, one cut short or idle for
 * `idleTimeoutMs`, a missing file, unknown parts, and a file that is not CSV text or holds no
 * data row. `digest` (sha256 of the file and fields) fingerprints the upload for idempotency.
 */
export async function receiveCsvUpload(
  request: FastifyRequest,
  target: { directory: string; id: string; fields: readonly string[]; idleTimeoutMs: number },
): Promise<CsvUpload> {
  if (!request.isMultipart()) throw new Problem(415, 'unsupported_media_type');
  const boundary = multipartBoundary(request.headers['content-type']);
  if (!boundary) throw multipartMalformed('the content type names no boundary');
  if (Number(request.headers['content-length']) > MULTIPART_BODY_LIMIT) throw new Problem(413, 'body_too_large');
  await fs.promises.mkdir(target.directory, { recursive: true });
  const finalPath = path.join(target.directory, `${target.id}.csv`);
  const partPath = `${finalPath}.part`;
  const discard = async () => {
    await fs.promises.rm(partPath, { force: true });
    await fs.promises.rm(finalPath, { force: true });
  };

  const fields: Record<string, string> = {};
  const digest = createHash('sha256');
  let fileName: string | undefined;
  let sink: fs.WriteStream | undefined;
  // Starting the iteration pipes the body into the parser; only then may the watch listen.
  const parts = request.parts()[Symbol.asyncIterator]();
  const first = parts.next();
  const watch = watchUpload(request.raw, boundary, target.idleTimeoutMs);
  const readParts = async () => {
    for (let step = await first; !step.done && !watch.failed; step = await parts.next()) {
      const part = step.value;
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || fileName !== undefined) {
          part.file.resume();
          throw unknownPart(part.fieldname);
        }
        // eslint-disable-next-line no-control-regex -- a name with control characters (NUL above all) cannot be stored
        fileName = (part.filename ?? '').replace(/[\u0000-\u001F\u007F]/g, '').slice(0, MAX_FILE_NAME) || 'upload.csv';
        sink = fs.createWriteStream(partPath);
        part.file.on('data', (chunk: Buffer) => digest.update(chunk));
        await pipeline(part.file, sink);
        if (part.file.truncated) throw new Problem(413, 'body_too_large');
      } else {
        if (!target.fields.includes(part.fieldname) || part.fieldname in fields) throw unknownPart(part.fieldname);
        if (part.valueTruncated || typeof part.value !== 'string') {
          throw new Problem(400, 'validation_failed', {}, [{ field: part.fieldname, code: 'too_big', message: 'value too long' }]);
        }
        fields[part.fieldname] = part.value;
      }
    }
  };
  const reading = readParts();
  // Refused early (idle, client gone), the reader may still settle later; nothing awaits it then.
  reading.catch(() => undefined);
  try {
    await Promise.race([reading, watch.failure]);
    // busboy may end quietly on a body cut off between parts; the closing boundary is the proof of a whole body.
    if (!watch.complete) throw multipartMalformed('the body ends before its closing boundary');
    if (fileName === undefined) throw new Problem(400, 'validation_failed', {}, [{ field: 'file', code: 'required', message: 'attach the CSV as the form field "file"' }]);

    const { size } = await fs.promises.stat(partPath);
    const header = await readHeader(partPath);
    await fs.promises.rename(partPath, finalPath);
    for (const name of Object.keys(fields).sort()) digest.update(`\0${name}\0${fields[name]}`);
    return { path: finalPath, fileName, bytes: size, header, fields, digest: digest.digest('hex'), discard };
  } catch (err) {
    // The descriptor goes now, not when (if ever) the rest of the body arrives.
    (sink as fs.WriteStream | undefined)?.destroy();
    await discard();
    throw multipartProblem(err);
  } finally {
    watch.release();
  }
}

/** Removes partial uploads older than `olderThanMs` under `<dataDir>/imports/<tenant>/` (left by a crash or a kill). */
export async function sweepAbandonedUploads(importsDir: string, olderThanMs: number, now = Date.now()): Promise<number> {
  let removed = 0;
  const tenants = await fs.promises.readdir(importsDir, { withFileTypes: true }).catch(() => []);
  for (const tenant of tenants.filter((d) => d.isDirectory())) {
    const dir = path.join(importsDir, tenant.name);
    for (const name of await fs.promises.readdir(dir).catch(() => [] as string[])) {
      if (!name.endsWith('.part')) continue;
      const file = path.join(dir, name);
      const stat = await fs.promises.stat(file).catch(() => undefined);
      // A live upload in another process touches its file at least once per idle period.
      if (stat && now - stat.mtimeMs > olderThanMs) {
        await fs.promises.rm(file, { force: true });
        removed++;
      }
    }
  }
  return removed;
}

/** The header of a CSV file, after checking that it is CSV text with at least one data row. */
async function readHeader(file: string): Promise<string[]> {
  try {
    const csv = await openCsv(fs.createReadStream(file));
    try {
      if ((await csv.nextRecords()) === null) throw invalidCsv('the file has a header but no rows');
      return csv.header;
    } finally {
      csv.close();
    }
  } catch (err) {
    if (err instanceof CsvFileError) throw invalidCsv(err.reason);
    throw err;
  }
}

/**
 * A JSON form field read with a zod schema: 400 validation_failed with the field's path on
 * bad JSON or a value the schema refuses; undefined when the field was not sent.
 */
export function readJsonField<S extends z.ZodType>(fields: Record<string, string>, name: string, schema: S): z.infer<S> | undefined {
  const text = fields[name];
  if (text === undefined || text.trim() === '') return undefined;
  if (jsonNestsDeeperThan(text)) throw new Problem(400, 'validation_failed', {}, [{ field: name, code: 'too_deep', message: 'nested too deeply' }]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Problem(400, 'validation_failed', {}, [{ field: name, code: 'invalid_json', message: 'not valid JSON' }]);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new Problem(
      400,
      'validation_failed',
      {},
      parsed.error.issues.map((issue) => ({ field: [name, ...issue.path.map(String)].join('.'), code: issue.code, message: issue.message })),
    );
  }
  return parsed.data;
}

export interface AcceptImportOptions<M> {
  /** `<dataDir>/imports/<tenant>/` receives the file */
  dataDir: string;
  kind: string;
  mappingSchema: z.ZodType<M>;
  /** checks the header against the mapping (throws a 4xx Problem) and returns the mapping to store */
  plan(header: string[], mapping: M): Promise<Record<string, string>> | Record<string, string>;
  /** in the transaction that creates the run: the audit entry */
  audit(tx: Executor, run: { id: string; fileName: string; bytes: number }): Promise<void>;
  background: BackgroundImports;
  /** an upload silent this long is refused (config.uploadIdleTimeoutMs) */
  idleTimeoutMs: number;
  /** the import itself, started once the run is committed; the file is deleted when it ends */
  run(input: { id: string; file: string; fileName: string; bytes: number; mapping: M; signal: AbortSignal }): Promise<unknown>;
}

/**
 * The upload half of an import route: the file is streamed to disk and checked, the run is
 * created `queued` (idempotently, through req.write) and answered with 202, and the import
 * starts in the background. A refused or replayed upload leaves no file and no run behind.
 */
export async function acceptCsvImport<M>(req: FastifyRequest, reply: FastifyReply, options: AcceptImportOptions<M>): Promise<void> {
  const id = uuidv7();
  const upload = await receiveCsvUpload(req, {
    directory: path.join(options.dataDir, 'imports', req.tenantId), id, fields: ['mapping'], idleTimeoutMs: options.idleTimeoutMs,
  });
  try {
    const mapping = readJsonField(upload.fields, 'mapping', options.mappingSchema) ?? ({} as M);
    const effective = await options.plan(upload.header, mapping);
    const actor = req.actor!;
    const result = await req.write(async (tx) => {
      const run = await createImportRun(tx, req.tenantId, {
        id, kind: options.kind, fileName: upload.fileName, mapping: effective, totalBytes: upload.bytes, createdBy: actorLabel(actor),
      });
      await options.audit(tx, { id, fileName: upload.fileName, bytes: upload.bytes });
      return { status: 202, body: presentImportRun(run) };
    }, { bodyDigest: upload.digest });
    if (result.replayed) {
      await upload.discard();
    } else {
      options.background.start(id, (signal) =>
        options.run({ id, file: upload.path, fileName: upload.fileName, bytes: upload.bytes, mapping, signal }).finally(() => upload.discard()),
      );
    }
    sendWrite(reply, result);
  } catch (err) {
    await upload.discard();
    throw err;
  }
}
