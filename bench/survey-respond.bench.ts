import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { SurveyDefinition } from '@vafa/contracts';
import { connectDatabase } from '../apps/server/src/platform/db/connect.ts';
import { hashSurveyToken, newSurveyToken } from '../apps/server/src/modules/surveys/survey-token.ts';
import { freePort, runVafa } from '../apps/server/test/process.ts';
import { createWorkspace } from '../apps/server/src/modules/workspace/index.ts';
import { BENCH_DIR, WORK_DIR, percentile, report, waitForReady } from './lib.ts';

// Answering a survey, on one running Vafa (all roles, embedded PostgreSQL):
// 1. submission on the public JSON API at 50 connections, each request a different personal
//    invitation (an e-mail wave), against a bare Fastify route inserting the same answer as one
//    row on the same PostgreSQL in the same run; then p99 at a steady 1,000 responses/s;
// 2. the public page of a one-question survey: server time (1 connection) and bytes on a first visit;
// 3. the closed loop: at a steady 500 responses/s (30 % detractors), the time from a detractor's
//    answer being stored to its follow-up task existing (both instants taken by PostgreSQL).
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const LOOP_SECONDS = Number(process.env.BENCH_LOOP_SECONDS ?? 30);
const CONNECTIONS = 50;

const dataDir = path.join(WORK_DIR, 'data-survey-respond');
fs.rmSync(dataDir, { recursive: true, force: true });
const port = await freePort();
const vafa = runVafa(['start'], { VAFA_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' });
const base = `http://127.0.0.1:${port}`;
await waitForReady(vafa, port);

const definition = SurveyDefinition.parse({
  name: 'NPS',
  settings: { languages: ['fa', 'en'], defaultLanguage: 'fa' },
  questions: [{ id: 'nps', type: 'nps', title: { fa: 'چقدر احتمال دارد ما را به دوستانتان پیشنهاد کنید؟', en: 'How likely are you to recommend us?' }, required: true }],
});
const INVITATIONS = 150_000;
const database = await connectDatabase({ databaseUrl: undefined, dataDir, poolSize: 4, log: pino({ level: 'warn' }), attach: true });
const { db } = database;
const tenantId = await db.transaction(async (tx) => (await createWorkspace(tx, { name: 'Bench', slug: 'bench', defaultLanguage: 'fa', defaultCountry: 'IR' })).id);
const surveyId = randomUUID();
const publicToken = newSurveyToken();
await db.transaction(async (tx) => {
  await tx.execute(sql`INSERT INTO surveys (tenant_id, id, name, status, draft, live_version, public_token, published_at)
    VALUES (${tenantId}, ${surveyId}, 'NPS', 'live', ${JSON.stringify(definition)}::jsonb, 1, ${publicToken}, now())`);
  await tx.execute(sql`INSERT INTO survey_versions (tenant_id, survey_id, version, definition) VALUES (${tenantId}, ${surveyId}, 1, ${JSON.stringify(definition)}::jsonb)`);
  await tx.execute(sql`INSERT INTO survey_tokens (token_hash, tenant_id, kind, target_id, survey_id) VALUES (${hashSurveyToken(publicToken)}, ${tenantId}, 'public', ${surveyId}, ${surveyId})`);
});
// One customer and one personal invitation per submission the runs can make.
const tokens = Array.from({ length: INVITATIONS }, () => newSurveyToken());
for (let i = 0; i < INVITATIONS; i += 10_000) {
  const batch = tokens.slice(i, i + 10_000);
  await db.execute(sql`
    WITH t AS (SELECT gen_random_uuid() AS customer, gen_random_uuid() AS invitation, decode(h, 'hex') AS hash, n
               FROM unnest(${sql.param(batch.map((t) => hashSurveyToken(t).toString('hex')))}::text[]) WITH ORDINALITY AS u(h, n)),
    c AS (INSERT INTO customers (tenant_id, id, name, phone) SELECT ${tenantId}::uuid, customer, 'مشتری ' || (${i} + n), '+98912' || lpad((${i} + n)::text, 7, '0') FROM t),
    inv AS (INSERT INTO survey_invitations (tenant_id, id, survey_id, customer_id, channel, sent_at) SELECT ${tenantId}::uuid, invitation, ${surveyId}::uuid, customer, 'email', now() FROM t)
    INSERT INTO survey_tokens (token_hash, tenant_id, kind, target_id, survey_id) SELECT hash, ${tenantId}::uuid, 'invitation', invitation, ${surveyId}::uuid FROM t`);
}
const socket = database.connection.host!;

// People answer a wave in any order, not in the order it was sent: the runs take the
// invitations shuffled, so consecutive answers do not all touch the same few table pages.
for (let i = tokens.length - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  [tokens[i], tokens[j]] = [tokens[j]!, tokens[i]!];
}
let next = 0;
const takeToken = () => {
  if (next >= tokens.length) throw new Error('ran out of invitations: raise INVITATIONS');
  return tokens[next++]!;
};
/** A score with 30 % detractors, 25 % passives, 45 % promoters. */
const score = () => {
  const r = Math.random();
  return r < 0.3 ? Math.floor(r * 20) : r < 0.55 ? 7 + (r < 0.425 ? 0 : 1) : 9 + (r < 0.775 ? 0 : 1);
};

async function load(url: (token: string) => string, options: { connections: number; seconds: number; overallRate?: number }) {
  const result = await autocannon({
    url: url('x'),
    method: 'POST',
    connections: options.connections,
    duration: options.seconds,
    overallRate: options.overallRate,
    headers: { 'content-type': 'application/json' },
    requests: [{
      setupRequest: (req) => {
        const token = takeToken();
        return { ...req, path: new URL(url(token)).pathname, body: JSON.stringify({ answers: { nps: { score: score() } }, complete: true }) };
      },
    }],
  });
  return { rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

// 1. Submission: the bare baseline first, on the same PostgreSQL while Vafa sits idle.
const barePort = await freePort();
const bare = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'bare-insert-server.ts')], {
  env: { ...process.env, PORT: String(barePort), BENCH_PG_URL: `postgresql://vafa@localhost/vafa?host=${encodeURIComponent(socket)}` },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve) => bare.stdout!.on('data', (c: Buffer) => c.toString().includes('listening') && resolve()));
// What each side writes: WAL bytes per stored row over its phase (the answer's includes what
// the relay and workers write meanwhile), and the share of customer and invitation updates that
// were HOT (no index entries), from PostgreSQL's own counters.
const census = async () => ((await db.execute(sql`
  SELECT pg_current_wal_insert_lsn()::text AS lsn,
         (SELECT count(*) FROM survey_responses WHERE tenant_id = ${tenantId})::int AS answers,
         (SELECT coalesce(sum(n_tup_upd), 0) FROM pg_stat_user_tables WHERE relname = 'customers')::int AS "customerUpdates",
         (SELECT coalesce(sum(n_tup_hot_upd), 0) FROM pg_stat_user_tables WHERE relname = 'customers')::int AS "customerHot",
         (SELECT coalesce(sum(n_tup_upd), 0) FROM pg_stat_user_tables WHERE relname = 'survey_invitations')::int AS "invitationUpdates",
         (SELECT coalesce(sum(n_tup_hot_upd), 0) FROM pg_stat_user_tables WHERE relname = 'survey_invitations')::int AS "invitationHot"`)).rows[0] as {
  lsn: string; answers: number; customerUpdates: number; customerHot: number; invitationUpdates: number; invitationHot: number;
});
const walSince = async (lsn: string) => Number(((await db.execute(sql`SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), ${lsn}::pg_lsn)::bigint AS n`)).rows[0] as { n: string }).n);
await db.execute(sql`CHECKPOINT`);
const bareFrom = await census();
const baseline = await load((t) => `http://127.0.0.1:${barePort}/responses/${t}`, { connections: CONNECTIONS, seconds: SECONDS });
const bareWal = await walSince(bareFrom.lsn);
const bareRows = Number(((await db.execute(sql`SELECT count(*)::int AS n FROM bench_bare_responses`)).rows[0] as { n: number }).n);
bare.kill('SIGTERM');
const submitUrl = (t: string) => `${base}/api/public/surveys/${t}/responses`;
await db.execute(sql`CHECKPOINT`);
const maxFrom = await census();
const max = await load(submitUrl, { connections: CONNECTIONS, seconds: SECONDS });
await new Promise((r) => setTimeout(r, 1500)); // statistics reach pg_stat_user_tables within a second
const maxTo = await census();
const maxWal = await walSince(maxFrom.lsn);
const share = (hot: number, all: number) => (all > 0 ? +(hot / all).toFixed(2) : null);
const steady = await load(submitUrl, { connections: CONNECTIONS, seconds: SECONDS, overallRate: 1000 });

// 2. The page of a one-question survey.
const page = await autocannon({ url: `${base}/s/${publicToken}`, connections: 1, duration: 10, headers: { 'accept-language': 'fa' } });
const first = await fetch(`${base}/s/${publicToken}`, { headers: { 'accept-language': 'fa', 'accept-encoding': 'gzip' } });
const html = await first.text();
// What a first visit downloads: the page and the stylesheet and script it links, compressed as sent.
const assets = [...html.matchAll(/(?:href|src)="(\/[^"]+\.(?:css|js))"/g)].map((m) => m[1]!);
let bytes = zlib.gzipSync(html).length;
for (const asset of assets) {
  const res = await fetch(`${base}${asset}`, { headers: { 'accept-encoding': 'gzip' } });
  const body = Buffer.from(await res.arrayBuffer());
  bytes += res.headers.get('content-encoding') ? Number(res.headers.get('content-length') ?? body.length) : zlib.gzipSync(body).length;
}

// 3. The closed loop at a steady 500 responses/s.
const loopFrom = new Date();
const loop = await load(submitUrl, { connections: CONNECTIONS, seconds: LOOP_SECONDS, overallRate: 500 });
// Wait until every detractor's follow-up exists (or two minutes pass), then read the delays.
const detractors = async () => Number(((await db.execute(sql`
  SELECT count(*)::int AS n FROM survey_responses r JOIN survey_answers a ON a.tenant_id = r.tenant_id AND a.response_id = r.id
  WHERE r.tenant_id = ${tenantId} AND r.submitted_at >= ${loopFrom.toISOString()}::timestamptz AND a.score <= 6`)).rows[0] as { n: number }).n);
const followed = async () => Number(((await db.execute(sql`SELECT count(*)::int AS n FROM followups WHERE tenant_id = ${tenantId} AND created_at >= ${loopFrom.toISOString()}::timestamptz`)).rows[0] as { n: number }).n);
const expected = await detractors();
for (let i = 0; i < 240 && (await followed()) < expected; i++) await new Promise((r) => setTimeout(r, 500));
// Each detractor's answer against the first follow-up of its customer made at or after it: a
// customer answered in the earlier phases too, and those answers' follow-ups are not this one's.
const delays = (await db.execute(sql`
  SELECT DISTINCT ON (r.id) extract(epoch FROM f.created_at - r.submitted_at) * 1000 AS ms
  FROM survey_responses r
  JOIN survey_answers a ON a.tenant_id = r.tenant_id AND a.response_id = r.id AND a.score <= 6
  JOIN survey_respondents p ON p.tenant_id = r.tenant_id AND p.response_id = r.id
  JOIN followups f ON f.tenant_id = r.tenant_id AND f.customer_id = p.customer_id AND f.created_at >= r.submitted_at
  WHERE r.tenant_id = ${tenantId} AND r.submitted_at >= ${loopFrom.toISOString()}::timestamptz
  ORDER BY r.id, f.created_at`)).rows.map((r) => Number((r as { ms: number }).ms)).sort((a, b) => a - b);
const missing = expected - delays.length;

await database.close();
vafa.child.kill('SIGTERM');
await vafa.exited;
fs.rmSync(dataDir, { recursive: true, force: true });

report('survey-respond', {
  connections: CONNECTIONS,
  seconds: SECONDS,
  submitRps: max.rps,
  submitP99Ms: max.p99,
  submitNon2xx: max.non2xx,
  bareInsertRps: baseline.rps,
  bareInsertP99Ms: baseline.p99,
  submitVsBare: +(max.rps / baseline.rps).toFixed(2),
  walBytesPerAnswer: Math.round(maxWal / Math.max(1, maxTo.answers - maxFrom.answers)),
  walBytesPerBareRow: Math.round(bareWal / Math.max(1, bareRows)),
  customerHotShare: share(maxTo.customerHot - maxFrom.customerHot, maxTo.customerUpdates - maxFrom.customerUpdates),
  invitationHotShare: share(maxTo.invitationHot - maxFrom.invitationHot, maxTo.invitationUpdates - maxFrom.invitationUpdates),
  at1000Rps: steady.rps,
  at1000P99Ms: steady.p99,
  at1000Non2xx: steady.non2xx,
  pageP50Ms: page.latency.p50,
  pageP99Ms: page.latency.p99,
  pageFirstVisitGzipBytes: bytes,
  pageAssets: assets.length,
  loopRps: loop.rps,
  loopNon2xx: loop.non2xx,
  loopDetractors: expected,
  loopFollowupsMissing: missing,
  loopP50Ms: Math.round(percentile(delays, 50)),
  loopP95Ms: Math.round(percentile(delays, 95)),
  loopMaxMs: Math.round(delays.at(-1) ?? Number.NaN),
});
