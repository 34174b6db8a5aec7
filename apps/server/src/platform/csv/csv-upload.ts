import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { Executor } from '../db/connect.ts';
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
 * Streams a multipart upload's `file` part to disk (never into memory) and collects the named
 * text fields. Refuses, with nothing left on disk: a request that is not multipart, a missing
 * file, unknown parts, and a file that is not CSV text or holds no data row.
 */
export async function receiveCsvUpload(
  request: FastifyRequest,
  target: { directory: string; id: string; fields: readonly string[] },
): Promise<CsvUpload> {
  if (!request.isMultipart()) throw new Problem(415, 'unsupported_media_type');
  await fs.promises.mkdir(target.directory, { recursive: true });
  const finalPath = path.join(target.directory, `${target.id}.csv`);
  const partPath = `${finalPath}.part`;
  const discard = async () => {
    await fs.promises.rm(partPath, { force: true });
    await fs.promises.rm(finalPath, { force: true });
  };
  try {
    const fields: Record<string, string> = {};
    let fileName: string | undefined;
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || fileName !== undefined) {
          part.file.resume();
          throw unknownPart(part.fieldname);
        }
        // eslint-disable-next-line no-control-regex -- a name with control characters (NUL above all) cannot be stored
        fileName = (part.filename ?? '').replace(/[\u0000-\u001F\u007F]/g, '').slice(0, MAX_FILE_NAME) || 'upload.csv';
        await pipeline(part.file, fs.createWriteStream(partPath));
        if (part.file.truncated) throw new Problem(413, 'body_too_large');
      } else {
        if (!target.fields.includes(part.fieldname) || part.fieldname in fields) throw unknownPart(part.fieldname);
        if (part.valueTruncated || typeof part.value !== 'string') {
          throw new Problem(400, 'validation_failed', {}, [{ field: part.fieldname, code: 'too_big', message: 'value too long' }]);
        }
        fields[part.fieldname] = part.value;
      }
    }
    if (fileName === undefined) throw new Problem(400, 'validation_failed', {}, [{ field: 'file', code: 'required', message: 'attach the CSV as the form field "file"' }]);

    const { size } = await fs.promises.stat(partPath);
    const header = await readHeader(partPath);
    await fs.promises.rename(partPath, finalPath);
    return { path: finalPath, fileName, bytes: size, header, fields, discard };
  } catch (err) {
    await discard();
    throw err;
  }
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
  const upload = await receiveCsvUpload(req, { directory: path.join(options.dataDir, 'imports', req.tenantId), id, fields: ['mapping'] });
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
    });
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
