import type { FastifyRequest } from 'fastify';
import { Problem } from './problem.ts';

/**
 * Limits of a multipart upload (the only uploads are CSV imports: one file and a few small
 * fields). Registered with @fastify/multipart in server.ts; the body limit is checked against
 * Content-Length before a byte is read.
 */
export const MULTIPART_LIMITS = {
  fileSize: 2 * 1024 * 1024 * 1024,
  files: 1,
  fields: 20,
  parts: 21,
  fieldSize: 1024 * 1024,
  fieldNameSize: 100,
  headerPairs: 20,
} as const;
/** the file, the fields and the part headers and boundaries around them */
export const MULTIPART_BODY_LIMIT = MULTIPART_LIMITS.fileSize + MULTIPART_LIMITS.fields * MULTIPART_LIMITS.fieldSize + 64 * 1024;

/** 400 multipart_malformed: the body does not parse as multipart (no boundary, truncated, bad part headers). */
export const multipartMalformed = (reason: string) =>
  new Problem(400, 'multipart_malformed', {}, [{ field: 'body', code: 'multipart', message: reason }]);

/** The boundary parameter of a multipart/form-data content type (RFC 2046: 1 to 70 characters). */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))\s*(?:;|$)/i.exec(contentType ?? '');
  return match?.[1] ?? match?.[2];
}

/** Whether this route takes multipart bodies (it says so with `consumes` in its schema). */
export function routeTakesMultipart(request: FastifyRequest): boolean {
  const consumes = (request.routeOptions.schema as { consumes?: readonly string[] } | undefined)?.consumes;
  return consumes?.includes('multipart/form-data') ?? false;
}

/**
 * Maps what @fastify/multipart and busboy throw to a Problem: their limits to 413, a body that
 * is not well-formed multipart to 400. Anything else (a full disk) stays what it is.
 */
export function multipartProblem(error: unknown): unknown {
  if (error instanceof Problem) return error;
  const e = error as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && e.code.startsWith('FST_') && typeof e.statusCode === 'number') {
    if (e.statusCode === 413) return new Problem(413, 'body_too_large');
    return multipartMalformed(String(e.message));
  }
  const message = typeof e?.message === 'string' ? e.message : '';
  if (/multipart|terminated early|malformed part header|boundary/i.test(message)) return multipartMalformed(message);
  return error;
}
