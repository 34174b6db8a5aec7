import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Pool } from 'undici';
import { connectDatabase } from '../apps/server/src/platform/db/connect.ts';
import { addMember } from '../apps/server/src/modules/team/index.ts';
import { createApiKey, createWorkspace } from '../apps/server/src/modules/workspace/index.ts';
import { freePort, runVafa } from '../apps/server/test/process.ts';
import { WORK_DIR, percentile, report, waitForReady } from './lib.ts';

// Partner redemptions through the HTTP API, on one running Vafa (all roles, embedded PostgreSQL):
// many members redeeming one partner's offer at once (the hot partner: one partner row, one
// partner_payable account), at 50 connections, against plain redemptions of as many members in the
// same run, and against a capped partner (whose month's room is held in 8 stripes, each
// redemption taking from one it can lock without waiting: before them, one month counter row that
// every redemption updated last before commit, the one place they took turns). Requests/s,
// p50/p99, and pg_stat_activity sampled for backends waiting on a lock. Then verify over what was
// written.
const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const MEMBERS = 3_000;

const dataDir = path.join(WORK_DIR, 'data-loyalty-partners');
fs.rmSync(dataDir, { recursive: true, force: true });
const port = await freePort();
const vafa = runVafa(['start'], { VAFA_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' });
const base = `http://127.0.0.1:${port}`;
await waitForReady(vafa, port);

const database = await connectDatabase({ databaseUrl: undefined, dataDir, poolSize: 2, log: pino({ level: 'warn' }), attach: true });
const { key, tenantId } = await database.db.transaction(async (tx) => {
  const ws = await createWorkspace(tx, { name: 'Bench', slug: 'bench', defaultLanguage: 'fa', defaultCountry: 'IR' });
  const owner = await addMember(tx, ws.id, { email: 'bench@example.test', displayName: 'bench', password: 'bench password 123', role: 'owner' });
  const actor = { kind: 'user' as const, id: owner.id, tenantId: ws.id, role: 'owner' as const };
  const admin = await createApiKey(tx, ws.id, actor, { name: 'bench', role: 'owner' }, '127.0.0.1');
  return { key: admin.secret, tenantId: ws.id };
});
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
const post = async <T>(url: string, body: unknown): Promise<T> => {
  const res = await fetch(`${base}${url}`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

for (let i = 0; i < MEMBERS; i += 1000) {
  const events = Array.from({ length: 1000 }, (_, j) => ({
    externalId: `visit-${i + j}`, customer: { externalId: `member-${i + j}`, phone: `0912${String(2_000_000 + i + j).slice(-7)}` },
    kind: 'visit', channel: 'store', stage: 'pre-sale', occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
  }));
  const res = await fetch(`${base}/api/touchpoints/batch`, { method: 'POST', headers, body: JSON.stringify({ events }) });
  if (res.status !== 200) throw new Error(`customers: ${res.status} ${await res.text()}`);
}
const members = (await database.pool.query<{ id: string }>('SELECT id FROM customers WHERE tenant_id = $1 ORDER BY id', [tenantId])).rows.map((r) => r.id);

const open = await post<{ id: string }>('/api/loyalty/partners', { name: { fa: 'سینما' }, billingModel: 'at_redemption', pricePerPointMinor: '2000' });
const capped = await post<{ id: string }>('/api/loyalty/partners', { name: { fa: 'کافه' }, billingModel: 'at_redemption', pricePerPointMinor: '2000', monthlyRedeemCap: 1_000_000_000 });
const openOffer = await post<{ id: string }>(`/api/loyalty/partners/${open.id}/offers`, { name: { fa: 'بلیت' }, pointsCost: 5, minSpendMinor: '0', spendWindowDays: 365 });
const cappedOffer = await post<{ id: string }>(`/api/loyalty/partners/${capped.id}/offers`, { name: { fa: 'قهوه' }, pointsCost: 5, minSpendMinor: '0', spendWindowDays: 365 });

type Request = { path: string; body: string };
let seq = 0;
const pick = () => members[Math.floor(Math.random() * members.length)]!;

async function drive(connections: number, seconds: number, next: () => Request) {
  const pool = new Pool(base, { connections, pipelining: 1 });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const waits: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const { rows } = await database.pool.query<{ waiting: number }>(`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE application_name = 'vafa' AND wait_event_type = 'Lock'`);
      waits.push(rows[0]!.waiting);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < until) {
      const request = next();
      const t0 = performance.now();
      const res = await pool.request({ method: 'POST', path: request.path, headers, body: request.body });
      await res.body.text();
      latencies.push(performance.now() - t0);
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  sampling = false;
  await sampler;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    rps: Math.round(latencies.length / elapsed), p50Ms: +percentile(latencies, 50).toFixed(1), p99Ms: +percentile(latencies, 99).toFixed(1), statuses,
    lockWaits: { meanWaiting: +(waits.reduce((a, b) => a + b, 0) / Math.max(1, waits.length)).toFixed(2), samplesWithWaits: +(waits.filter((w) => w > 0).length / Math.max(1, waits.length)).toFixed(3) },
  };
}

// Every member starts with points to spend.
const seeding = new Pool(base, { connections: CONNECTIONS });
const seeds = members.map((m) => ({ path: `/api/loyalty/members/${m}/earnings`, body: JSON.stringify({ points: 100_000, reason: 'bench', externalId: `seed-${m}` }) }));
await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
  for (let request = seeds.pop(); request; request = seeds.pop()) {
    const res = await seeding.request({ method: 'POST', path: request.path, headers, body: request.body });
    if (res.statusCode !== 201) throw new Error(`seeding: ${res.statusCode} ${await res.body.text()}`);
    await res.body.text();
  }
}));
await seeding.close();

const plain = await drive(CONNECTIONS, SECONDS, () => ({ path: `/api/loyalty/members/${pick()}/redemptions`, body: JSON.stringify({ points: 5, externalId: `checkout-${seq++}` }) }));
const hotPartner = await drive(CONNECTIONS, SECONDS, () => ({ path: `/api/loyalty/partner-offers/${openOffer.id}/redemptions`, body: JSON.stringify({ customerId: pick(), externalId: `ticket-${seq++}` }) }));
const cappedPartner = await drive(CONNECTIONS, SECONDS, () => ({ path: `/api/loyalty/partner-offers/${cappedOffer.id}/redemptions`, body: JSON.stringify({ customerId: pick(), externalId: `coffee-${seq++}` }) }));

const started = performance.now();
// A refused verify (a problem, not a report) is reported as such: the figures above still print.
const verifyAnswer = await fetch(`${base}/api/loyalty/verify`, { headers });
const verify = (await verifyAnswer.json()) as { ok?: boolean; systemBalances?: Record<string, number>; code?: string };
const verifyMs = Math.round(performance.now() - started);

await database.close();
vafa.child.kill('SIGTERM');
await vafa.exited;
fs.rmSync(dataDir, { recursive: true, force: true });

report('loyalty-partners', {
  loadAverage1m: +os.loadavg()[0]!.toFixed(1),
  connections: CONNECTIONS,
  seconds: SECONDS,
  members: members.length,
  plainRedemptions: plain,
  oneUncappedPartnersOffer: hotPartner,
  oneCappedPartnersOffer: cappedPartner,
  hotPartnerVsPlain: +(hotPartner.rps / plain.rps).toFixed(2),
  cappedVsUncapped: +(cappedPartner.rps / hotPartner.rps).toFixed(2),
  verify: { ms: verifyMs, status: verifyAnswer.status, ok: verify.ok ?? false, code: verify.code, partnerPayable: verify.systemBalances?.partner_payable },
});
