import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'drizzle-orm';
import type { Database, Executor } from '../db/connect.ts';
import { Problem } from './problem.ts';

export interface WriteResult<T = unknown> {
  status: number;
  body: T;
}

/** What a route declares about its write (all optional). */
export interface WriteOptions<T = unknown> {
  /**
   * Top-level response fields that hold a secret shown once (an API key, a signing secret, an
   * invitation link). The idempotency record never stores them: a replay answers the same
   * resource without them, with `secretWithheld: true` and a `Secret-Withheld` header naming
   * them, so a secret does not lie at rest for the key's lifetime nor show twice.
   */
  secretFields?: readonly (keyof T & string)[];
  /**
   * Stands for the body in the request fingerprint when the body is not a parsed JSON value:
   * a multipart upload passes the sha256 of its file and fields, so the same key with another
   * file is refused rather than replayed.
   */
  bodyDigest?: string;
}

export type WriteOutcome<T> = WriteResult<T> & {
  replayed: boolean;
  /** the secret fields left out of a replay */
  withheld?: readonly string[];
};

/** The body as the idempotency record keeps it: the secret fields dropped, the drop said. */
function withoutSecrets(body: unknown, fields: readonly string[]): unknown {
  if (fields.length === 0) return body;
  // Secret fields are top-level fields of an object; anything else is kept out whole rather than risked.
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { secretWithheld: true };
  const kept: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of fields) delete kept[field];
  return { ...kept, secretWithheld: true };
}

const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

function requestHash(request: FastifyRequest, bodyDigest: string | undefined): string {
  return createHash('sha256')
    .update(request.method)
    .update('\0')
    .update(request.url)
    .update('\0')
    // JSON bodies arrive depth-capped by the parser (server.ts), so this cannot recurse deeply.
    .update(bodyDigest === undefined ? JSON.stringify(request.body ?? null) : `digest:${bodyDigest}`)
    .digest('hex');
}

/**
 * Runs a write in one transaction. With an Idempotency-Key, the key is claimed in the same
 * transaction as the change and its response stored before commit, so a retry either waits
 * for the first attempt (the unique key blocks it) and replays its result, or, if the first
 * attempt rolled back, runs afresh. Nothing is ever half-written.
 */
export async function performWrite<T>(
  database: Database,
  request: FastifyRequest,
  run: (tx: Executor) => Promise<WriteResult<T>>,
  options: WriteOptions<T> = {},
): Promise<WriteOutcome<T>> {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  const actor = request.actor;
  if (key === undefined || !actor) {
    const result = await database.db.transaction((tx) => run(tx));
    return { ...result, replayed: false };
  }
  if (!KEY_PATTERN.test(key)) throw new Problem(400, 'idempotency_key_invalid');
  const hash = requestHash(request, options.bodyDigest);
  const secretFields = options.secretFields ?? [];
  const actorId = `${actor.kind}:${actor.id}`;
  return database.db.transaction(async (tx) => {
    const claimed = await tx.execute(sql`
      INSERT INTO idempotency_keys (tenant_id, actor_id, key, request_hash)
      VALUES (${actor.tenantId}, ${actorId}, ${key}, ${hash})
      ON CONFLICT DO NOTHING RETURNING 1 AS claimed`);
    if (claimed.rows.length === 0) {
      const stored = await tx.execute<{ request_hash: string; status_code: number; response: T }>(sql`
        SELECT request_hash, status_code, response FROM idempotency_keys
        WHERE tenant_id = ${actor.tenantId} AND actor_id = ${actorId} AND key = ${key}`);
      const first = stored.rows[0]!;
      if (first.request_hash !== hash) throw new Problem(422, 'idempotency_key_reused');
      const withheld = (first.response as { secretWithheld?: unknown } | null)?.secretWithheld === true ? secretFields : undefined;
      return { status: first.status_code, body: first.response, replayed: true, ...(withheld ? { withheld } : {}) };
    }
    const result = await run(tx);
    await tx.execute(sql`
      UPDATE idempotency_keys SET status_code = ${result.status}, response = ${JSON.stringify(withoutSecrets(result.body ?? null, secretFields))}::jsonb
      WHERE tenant_id = ${actor.tenantId} AND actor_id = ${actorId} AND key = ${key}`);
    return { ...result, replayed: false };
  });
}

export function sendWrite<T>(reply: FastifyReply, result: WriteOutcome<T>): FastifyReply {
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  if (result.withheld) reply.header('secret-withheld', result.withheld.join(', '));
  return reply.code(result.status).send(result.body);
}
