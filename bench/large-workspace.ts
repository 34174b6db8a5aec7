// Vafa started on the 1,000,000-customer workspace import.bench.ts leaves in bench/.work/data-search,
// with an API key of a fresh owner: what the HTTP benches over that workspace share.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { connectDatabase } from '../apps/server/src/platform/db/connect.ts';
import { addMember } from '../apps/server/src/modules/team/index.ts';
import { createApiKey, findWorkspaceBySlug } from '../apps/server/src/modules/workspace/index.ts';
import { freePort, runVafa } from '../apps/server/test/process.ts';
import { WORK_DIR, waitForReady } from './lib.ts';

export interface LargeWorkspace {
  port: number;
  /** customers in the workspace */
  total: number;
  /** an agent-role API key */
  key: string;
  stop: () => Promise<void>;
}

export async function startOnLargeWorkspace(label: string): Promise<LargeWorkspace> {
  const dataDir = path.join(WORK_DIR, 'data-search');
  if (!fs.existsSync(dataDir)) throw new Error('run import.bench.ts first: it builds the 1,000,000-customer workspace');
  const port = await freePort();
  const vafa = runVafa(['start'], { VAFA_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' });
  await waitForReady(vafa, port);
  const database = await connectDatabase({ databaseUrl: undefined, dataDir, poolSize: 2, log: pino({ level: 'warn' }), attach: true });
  const ws = (await findWorkspaceBySlug(database.db, 'bench'))!;
  const total = (await database.pool.query(`SELECT count(*)::int AS n FROM customers WHERE tenant_id = $1`, [ws.id])).rows[0].n as number;
  const key = await database.db.transaction(async (tx) => {
    const owner = await addMember(tx, ws.id, { email: `${label}-${Date.now()}@example.test`, displayName: 'bench', password: 'bench password 123', role: 'owner' });
    return (await createApiKey(tx, ws.id, { kind: 'user', id: owner.id, tenantId: ws.id, role: 'owner' }, { name: `${label} bench`, role: 'agent' }, '127.0.0.1')).secret;
  });
  await database.close();
  return {
    port, total, key,
    stop: async () => {
      vafa.child.kill('SIGTERM');
      await vafa.exited;
    },
  };
}
