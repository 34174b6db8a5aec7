// Summarises a bench/redemption-tail.probe.ts run: node bench/redemption-tail.analyze.mjs <PROBE_DIR>
import fs from 'node:fs';
const dir = process.argv[2] || '.';
const srv = fs.readFileSync(dir + '/server.jsonl', 'utf8').trim().split('\n').map(JSON.parse);
const samples = JSON.parse(fs.readFileSync(dir + '/samples.json', 'utf8'));
for (const kind of ['plain', 'partner']) {
  if (!fs.existsSync(`${dir}/requests-${kind}.json`)) continue;
  const reqs = JSON.parse(fs.readFileSync(`${dir}/requests-${kind}.json`, 'utf8'));
  const from = Math.min(...reqs.map((r) => r.t0)), to = Math.max(...reqs.map((r) => r.t1));
  const inPhase = srv.filter((x) => x.t >= from && x.t <= to);
  const count = (k) => inPhase.filter((x) => x.k === k);
  console.log(`== ${kind}: ${reqs.length} requests, ${((to - from) / 1000).toFixed(1)} s; loop stalls>20ms ${count('loop').length} (sum ${count('loop').reduce((s, x) => s + x.lagMs, 0).toFixed(0)} ms, max ${Math.max(0, ...count('loop').map((x) => x.lagMs))}); gc>10ms ${count('gc').length}; pool waits>20ms ${count('pool').length} (max ${Math.max(0, ...count('pool').map((x) => x.ms))}); slow queries>40ms ${count('query').length}`);
  const qs = {};
  for (const q of count('query')) { const k = q.sql.slice(0, 90); qs[k] = qs[k] || { n: 0, ms: 0, max: 0 }; qs[k].n++; qs[k].ms += q.ms; qs[k].max = Math.max(qs[k].max, q.ms); }
  console.log(' slow statements:'); for (const [k, v] of Object.entries(qs).sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) console.log(`  ${v.n}x sum ${v.ms.toFixed(0)} max ${v.max.toFixed(0)}  ${k}`);
  const ph = samples.filter((s) => s.kind === kind);
  const w = {}; for (const s of ph) for (const r of s.rows) { const k = `${r.backend_type}|${r.wait_event_type ?? 'CPU'}:${r.wait_event ?? ''}|${(r.query ?? '').slice(0, 70)}`; w[k] = (w[k] || 0) + 1; }
  console.log(` samples ${ph.length}; backend states (count over samples):`); for (const [k, v] of Object.entries(w).sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${v} ${k}`);
  const slow = reqs.filter((r) => r.ms > 100);
  const sw = {}; let withLoop = 0, withPool = 0;
  for (const r of slow) {
    const ss = ph.filter((s) => s.t >= r.t0 && s.t <= r.t1);
    const seen = new Set(); for (const s of ss) for (const r2 of s.rows) if (r2.wait_event_type === 'Lock' || r2.wait_event_type === 'LWLock' || r2.wait_event_type === 'IO' || r2.wait_event_type === 'IPC') seen.add(`${r2.wait_event_type}:${r2.wait_event}|${(r2.query ?? '').slice(0, 60)}`);
    for (const k of seen) sw[k] = (sw[k] || 0) + 1;
    if (srv.some((x) => x.k === 'loop' && x.t >= r.t0 && x.t <= r.t1 && x.lagMs > 50)) withLoop++;
    if (srv.some((x) => x.k === 'pool' && x.t >= r.t0 && x.t <= r.t1)) withPool++;
  }
  console.log(` slow (>100ms): ${slow.length}; with a loop stall>50ms inside: ${withLoop}; with a pool wait inside: ${withPool}; waits seen during slow ones:`);
  for (const [k, v] of Object.entries(sw).sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${v} ${k}`);
  const pools = count('pool'); if (pools.length) console.log(' pool sample', pools.slice(0, 3));
}
