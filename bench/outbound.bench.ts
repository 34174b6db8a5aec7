// The outbound guard's cost: webhook-sized POSTs through guardedFetch (resolve, check every
// address, connect to the checked one, refuse redirects) against plain fetch to the same
// receiver in the same process. The receiver runs in a child process so its CPU is not ours.
// Two baselines: fetch with its default keep-alive pool, and fetch opening a connection per
// request (what the guard does: each request gets a dispatcher pinned to its checked address).
//
// `node --import tsx bench/outbound.bench.ts --receiver` is the child: it prints its port.
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Agent, fetch as undiciFetch } from 'undici';
import { guardedFetch, parseAllowList } from '../apps/server/src/platform/net/index.ts';
import { percentile, report } from './lib.ts';

const REQUESTS = Number(process.env.BENCH_OUTBOUND_REQUESTS ?? 3000);
const CONCURRENCY = 20;

if (process.argv.includes('--receiver')) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
} else {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--receiver'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  // "localhost" so the guard does a real lookup; the allow-list is what a self-hoster sets for a receiver on this machine.
  const url = `http://localhost:${port}/hook`;
  const body = JSON.stringify({ type: 'customer.created', timestamp: new Date().toISOString(), data: { id: 'x'.repeat(36), name: 'مشتری نمونه', ruleId: 'r'.repeat(36) } });
  const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body };
  const allow = parseAllowList('localhost,127.0.0.1');
  const freshAgent = () => new Agent({ pipelining: 0 });

  async function run(send: () => Promise<{ status: number; body: ReadableStream | null }>) {
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < REQUESTS) {
        const t0 = performance.now();
        const response = await send();
        await response.body?.cancel();
        if (response.status !== 204) throw new Error(`receiver answered ${response.status}`);
        latencies.push(performance.now() - t0);
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return { rps: Math.round(REQUESTS / seconds), p99Ms: Number(percentile(latencies, 99).toFixed(1)) };
  }

  const pooled = new Agent({ pipelining: 1, connections: 16 });
  const variants = {
    plainKeepAlive: () => undiciFetch(url, { ...init, dispatcher: pooled }) as never,
    plainFresh: async () => {
      const agent = freshAgent();
      const response = await undiciFetch(url, { ...init, dispatcher: agent });
      void agent.close();
      return response as never;
    },
    guarded: () => guardedFetch(url, init, { allow }) as never,
  };
  // Rounds interleave the variants so a busy moment on the machine does not land on one of them; the median round counts.
  const rounds: Record<keyof typeof variants, { rps: number; p99Ms: number }[]> = { plainKeepAlive: [], plainFresh: [], guarded: [] };
  for (let round = 0; round < 3; round++) {
    for (const [name, send] of Object.entries(variants)) rounds[name as keyof typeof variants].push(await run(send));
  }
  const median = (xs: { rps: number; p99Ms: number }[]) => [...xs].sort((a, b) => a.rps - b.rps)[1]!;
  const plainKeepAlive = median(rounds.plainKeepAlive);
  const plainFresh = median(rounds.plainFresh);
  const guarded = median(rounds.guarded);
  child.kill();
  await pooled.close();
  report('outbound', {
    requests: REQUESTS,
    concurrency: CONCURRENCY,
    guardedRps: guarded.rps,
    guardedP99Ms: guarded.p99Ms,
    plainFreshConnectionRps: plainFresh.rps,
    plainKeepAliveRps: plainKeepAlive.rps,
    guardedVsFresh: Number((guarded.rps / plainFresh.rps).toFixed(2)),
    guardedVsKeepAlive: Number((guarded.rps / plainKeepAlive.rps).toFixed(2)),
  });
}
