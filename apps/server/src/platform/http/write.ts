import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'drizzle-orm';
import type { Database, Executor } from '../db/connect.ts';
import { Problem } from './problem.ts';

export interface WriteResult<T = unknown> {
  status: number;
  body: T;
}

const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(request.method)
    .update('\0')
    .update(request.url)
    .update('\0')
    .update(JSON.stringify(request.body ?? null))
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
): Promise<WriteResult<T> & { replayed: boolean }> {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  const actor = request.actor;
  if (key === undefined || !actor) {
    const result = await database.db.transaction((tx) => run(tx));
    return { ...result, replayed: false };
  }
  if (!KEY_PATTERN.test(key)) throw new Problem(400, 'idempotency_key_invalid');
  const hash = requestHash(request);
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
      return { status: first.status_code, body: first.response, replayed: true };
    }
    const result = await run(tx);
    await tx.execute(sql`
      UPDATE idempotency_keys SET status_code = ${result.status}, response = ${JSON.stringify(result.body ?? null)}::jsonb
      WHERE tenant_id = ${actor.tenantId} AND actor_id = ${actorId} AND key = ${key}`);
    return { ...result, replayed: false };
  });
}

export function sendWrite<T>(reply: FastifyReply, result: WriteResult<T> & { replayed: boolean }): FastifyReply {
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(result.status).send(result.body);
}
