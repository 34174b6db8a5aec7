// Loaded into a Vafa server by bench/redemption-tail.probe.ts (NODE_OPTIONS=--import): writes JSON lines to PROBE_OUT.
import fs from 'node:fs';
import inspector from 'node:inspector';
import { PerformanceObserver } from 'node:perf_hooks';
import pg from 'pg';

const out = process.env.PROBE_OUT;
if (out) {
  const lines = [];
  const flush = () => { if (lines.length) fs.appendFileSync(out, lines.splice(0).join('\n') + '\n'); };
  setInterval(flush, 500).unref();
  process.on('exit', flush);
  const log = (o) => lines.push(JSON.stringify({ t: Date.now(), ...o }));
  // event-loop lag: a 5 ms timer that fires late
  let last = performance.now();
  setInterval(() => { const now = performance.now(); const lag = now - last - 5; if (lag > 20) log({ k: 'loop', lagMs: +lag.toFixed(1) }); last = now; }, 5).unref();
  // GC
  new PerformanceObserver((list) => { for (const e of list.getEntries()) if (e.duration > 10) log({ k: 'gc', ms: +e.duration.toFixed(1), kind: e.detail?.kind }); }).observe({ entryTypes: ['gc'] });
  const connect = pg.Pool.prototype.connect;
  pg.Pool.prototype.connect = function (cb) {
    const t0 = performance.now();
    const waiting = this.waitingCount, idle = this.idleCount, total = this.totalCount;
    const done = () => { const ms = performance.now() - t0; if (ms > 20) log({ k: 'pool', ms: +ms.toFixed(1), waiting, idle, total, max: this.options.max }); };
    if (cb) return connect.call(this, (e, c, r) => { done(); cb(e, c, r); });
    const p = connect.call(this); p.then(done, () => {}); return p;
  };
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (...args) {
    if (!this.__probeNotice) { this.__probeNotice = true; this.on('notice', (n) => log({ k: 'notice', pid: this.processID, msg: String(n.message).slice(0, 20000), detail: n.detail, where: n.where })); }
    const t0 = performance.now();
    const r = query.apply(this, args);
    if (r && typeof r.then === 'function') {
      const first = args[0];
      r.then(() => { const ms = performance.now() - t0; if (ms > 40) { const text = (typeof first === 'string' ? first : first?.text ?? '').replace(/\s+/g, ' ').trim(); log({ k: 'query', ms: +ms.toFixed(1), pid: this.processID, sql: text.slice(0, 160) }); } }, () => {});
    }
    return r;
  };
  log({ k: 'start', pid: process.pid });
}
if (process.env.PROBE_PROFILE) {
  // CPU profile of the load phase: starts when PROBE_PROFILE + '.start' exists, written when '.stop' does
  const session = new inspector.Session();
  session.connect();
  let state = 'idle';
  setInterval(() => {
    if (state === 'idle' && fs.existsSync(process.env.PROBE_PROFILE + '.start')) {
      state = 'running';
      session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')));
    } else if (state === 'running' && fs.existsSync(process.env.PROBE_PROFILE + '.stop')) {
      state = 'done';
      session.post('Profiler.stop', (err, { profile }) => fs.writeFileSync(process.env.PROBE_PROFILE, JSON.stringify(profile)));
    }
  }, 50).unref();
}
