import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Database, Executor } from '../../platform/db/connect.ts';
import type { Actor, Role } from '../../platform/http/access.ts';
import { notFound } from '../../platform/http/problem.ts';
import { recordAudit } from './audit.repo.ts';
import { findApiKey, insertApiKey, revokeApiKey, touchApiKey, type ApiKeyRow } from './workspace.repo.ts';

const PREFIX = 'vafa_';
const hex = (uuid: string) => uuid.replace(/-/g, '');
const uuidOf = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Key = vafa_ + tenant id + key id + 256-bit secret. The ids let us find the row by its
 * primary key; the secret is high-entropy, so a SHA-256 hash is enough (no slow KDF on
 * every ingest request) and only the hash is stored.
 */
export function parseApiKey(token: string): { tenantId: string; keyId: string; secret: string } | null {
  const match = /^vafa_([0-9a-f]{32})([0-9a-f]{32})([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  return { tenantId: uuidOf(match[1]!), keyId: uuidOf(match[2]!), secret: match[3]! };
}

export async function createApiKey(tx: Executor, tenantId: string, actor: Actor, input: { name: string; role: Role }, ip: string) {
  const id = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  const row = await insertApiKey(tx, { tenantId, id, name: input.name, role: input.role, secretHash: sha256(secret), createdBy: actor.kind === 'user' ? actor.id : null });
  await recordAudit(tx, tenantId, actor, { action: 'api_key.created', targetType: 'api_key', targetId: id, ip, details: { name: input.name, role: input.role } });
  return { row, secret: `${PREFIX}${hex(tenantId)}${hex(id)}${secret}` };
}

export async function revokeKey(tx: Executor, tenantId: string, actor: Actor, id: string, ip: string): Promise<ApiKeyRow> {
  const row = await revokeApiKey(tx, tenantId, id);
  if (!row) throw notFound();
  await recordAudit(tx, tenantId, actor, { action: 'api_key.revoked', targetType: 'api_key', targetId: id, ip });
  return row;
}

interface Cached {
  actor: Actor | null;
  until: number;
}

/**
 * Resolves API keys with a short in-process cache: ingest traffic would otherwise pay a
 * query per request. A revoked key stops working everywhere within CACHE_MS.
 */
export class ApiKeyAuthenticator {
  private readonly cache = new Map<string, Cached>();
  static readonly CACHE_MS = 5_000;

  constructor(private readonly database: Database) {}

  async authenticate(token: string): Promise<Actor | null> {
    const now = Date.now();
    const hit = this.cache.get(token);
    if (hit && hit.until > now) return hit.actor;
    const parsed = parseApiKey(token);
    let actor: Actor | null = null;
    if (parsed) {
      const row = await findApiKey(this.database.db, parsed.tenantId, parsed.keyId);
      if (row && !row.revokedAt && timingSafeEqual(Buffer.from(row.secretHash), Buffer.from(sha256(parsed.secret)))) {
        actor = { kind: 'api_key', id: row.id, tenantId: row.tenantId, role: row.role as Role };
        if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > 60_000) {
          touchApiKey(this.database.db, row.tenantId, row.id).catch(() => undefined);
        }
      }
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(token, { actor, until: now + ApiKeyAuthenticator.CACHE_MS });
    return actor;
  }
}
