import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { connectDatabase } from '../apps/server/src/platform/db/connect.ts';
import { addMember } from '../apps/server/src/modules/team/index.ts';
import { createApiKey, findWorkspaceBySlug } from '../apps/server/src/modules/workspace/index.ts';
import { freePort, runVafa } from '../apps/server/test/process.ts';
import { customerRow } from './customers-csv.ts';
import { WORK_DIR, percentile, report } from './lib.ts';

// Sorted customer lists and counts over HTTP on the 1,000,000 customers import.bench.ts left
// behind: the first page (and the next) in each order, alone and with a search, and the count
// of the whole list (an estimate there) and of a narrow search (exact).
const dataDir = path.join(WORK_DIR, 'data-search');
if (!fs.existsSync(dataDir)) throw new Error('run import.bench.ts first: it builds the 1,000,000-customer workspace');
const ROUNDS = Number(process.env.BENCH_LIST_ROUNDS ?? 20);
const port = await freePort();
const vafa = runVafa(['start'], { VAFA_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' });
for (let i = 0; i < 600; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/ready`)).status === 200) break;
  } catch {
    /* not yet */
  }
  await new Promise((r) => setTimeout(r, 200));
}
const database = await connectDatabase({ databaseUrl: undefined, dataDir, poolSize: 2, log: pino({ level: 'warn' }), attach: true });
const ws = (await findWorkspaceBySlug(database.db, 'bench'))!;
const total = (await database.pool.query(`SELECT count(*)::int AS n FROM customers WHERE tenant_id = $1`, [ws.id])).rows[0].n as number;
const key = await database.db.transaction(async (tx) => {
  const owner = await addMember(tx, ws.id, { email: `list-${Date.now()}@example.test`, displayName: 'bench', password: 'bench password 123', role: 'owner' });
  return (await createApiKey(tx, ws.id, { kind: 'user', id: owner.id, tenantId: ws.id, role: 'owner' }, { name: 'list bench', role: 'agent' }, '127.0.0.1')).secret;
});
await database.close();

const headers = { authorization: `Bearer ${key}` };
async function timed(url: string): Promise<{ ms: number; body: Record<string, unknown> }> {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}${url}`, { headers });
  const body = (await res.json()) as Record<string, unknown>;
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`${url} → ${res.status} ${JSON.stringify(body)}`);
  return { ms, body };
}

/** Median and p95 of ROUNDS requests (after one warm-up), and the last answer. */
async function measure(url: string): Promise<{ p50Ms: number; p95Ms: number; body: Record<string, unknown> }> {
  let { body } = await timed(url);
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const run = await timed(url);
    times.push(run.ms);
    body = run.body;
  }
  times.sort((a, b) => a - b);
  return { p50Ms: +percentile(times, 50).toFixed(1), p95Ms: +percentile(times, 95).toFixed(1), body };
}

const firstName = customerRow(1)[0]!.split(' ')[0]!;
const rareName = customerRow(Math.floor(total / 2))[0]!;
const figures: Record<string, unknown> = { customers: total, rounds: ROUNDS };
for (const sort of ['name', '-name', '-lastOrderAt', '-totalSpent', '-createdAt']) {
  const first = await measure(`/api/customers?sort=${sort}&limit=50`);
  const cursor = first.body.nextCursor as string;
  const second = await measure(`/api/customers?sort=${sort}&limit=50&cursor=${encodeURIComponent(cursor)}`);
  figures[`firstPage ${sort}`] = { p50Ms: first.p50Ms, p95Ms: first.p95Ms };
  figures[`secondPage ${sort}`] = { p50Ms: second.p50Ms, p95Ms: second.p95Ms };
}
const searched = await measure(`/api/customers?sort=name&limit=50&q=${encodeURIComponent(firstName)}`);
figures['firstPage name, common first name'] = { p50Ms: searched.p50Ms, p95Ms: searched.p95Ms };
const all = await measure('/api/customers/count');
figures['count all'] = { p50Ms: all.p50Ms, p95Ms: all.p95Ms, count: all.body.count, estimated: all.body.estimated };
const common = await measure(`/api/customers/count?q=${encodeURIComponent(firstName)}`);
figures['count common first name'] = { p50Ms: common.p50Ms, p95Ms: common.p95Ms, count: common.body.count, estimated: common.body.estimated };
const rare = await measure(`/api/customers/count?q=${encodeURIComponent(rareName)}`);
figures['count one full name'] = { p50Ms: rare.p50Ms, p95Ms: rare.p95Ms, count: rare.body.count, estimated: rare.body.estimated };

vafa.child.kill('SIGTERM');
await vafa.exited;
report('list', { ...figures, note: 'HTTP round trip, pages of 50, sequential; median and p95 of each' });
