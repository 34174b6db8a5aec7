import { customerRow } from './customers-csv.ts';
import { startOnLargeWorkspace } from './large-workspace.ts';
import { percentile, report } from './lib.ts';

// Sorted customer lists and counts over HTTP on the 1,000,000 customers import.bench.ts left
// behind: the first page (and the next) in each order, alone and with a search, and the count
// of the whole list (an estimate there) and of a narrow search (exact).
const ROUNDS = Number(process.env.BENCH_LIST_ROUNDS ?? 20);
const { port, total, key, stop } = await startOnLargeWorkspace('list');

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

await stop();
report('list', { ...figures, note: 'HTTP round trip, pages of 50, sequential; median and p95 of each' });
