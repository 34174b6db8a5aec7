// Web app figures (issue 3): gzipped JavaScript for the first screens, and first contentful
// paint / interactive customers list in Chromium through the Performance API, on the large
// workspace import.bench.ts leaves in bench/.work/data-search (or a demo workspace if absent).
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { connectDatabase } from '../apps/server/src/platform/db/connect.ts';
import { addMember } from '../apps/server/src/modules/team/index.ts';
import { freePort, runVafa } from '../apps/server/test/process.ts';
import { launchChromium, startVafa, WEB_DIR } from '../e2e/harness.ts';
import { ensureWebBuild } from '../apps/server/src/platform/http/web-app.ts';
import { WORK_DIR, report, waitForReady } from './lib.ts';

const RUNS = 5;
await ensureWebBuild(WEB_DIR, { info: () => undefined, warn: () => undefined } as never);

const dataDir = path.join(WORK_DIR, 'data-search');
const large = fs.existsSync(dataDir);
let baseUrl: string;
let email: string;
let password: string;
let customers: number;
let stop: () => Promise<void>;

if (large) {
  const port = await freePort();
  const vafa = runVafa(['start'], { VAFA_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', VAFA_ANON_RATE_LIMIT: '100000' });
  await waitForReady(vafa, port);
  const database = await connectDatabase({ databaseUrl: undefined, dataDir, poolSize: 2, log: pino({ level: 'warn' }), attach: true });
  const ws = (await database.pool.query(`SELECT id FROM workspaces WHERE slug = 'bench'`)).rows[0] ?? (await database.pool.query(`SELECT id FROM workspaces LIMIT 1`)).rows[0];
  customers = (await database.pool.query(`SELECT count(*)::int AS n FROM customers WHERE tenant_id = $1`, [ws.id])).rows[0].n;
  email = `web-bench-${Date.now()}@example.test`;
  password = 'web bench password 123';
  await database.db.transaction((tx) => addMember(tx, ws.id, { email, displayName: 'web bench', password, role: 'owner' }));
  await database.close();
  const apiUrl = `http://127.0.0.1:${port}`;
  baseUrl = apiUrl;
  stop = async () => {
    vafa.child.kill('SIGTERM');
    await vafa.exited;
  };
} else {
  process.stderr.write('web bench: bench/.work/data-search is absent (run import.bench.ts); measuring on a 2,000-customer demo workspace\n');
  const vafa = await startVafa({ customers: 2000 });
  ({ baseUrl, email, password } = vafa);
  customers = 2000;
  stop = vafa.stop;
}

const browser = await launchChromium();
const gzBytes = new Map<string, number>();
async function gzippedScripts(urls: string[]): Promise<number> {
  let total = 0;
  for (const url of urls) {
    if (!gzBytes.has(url)) gzBytes.set(url, gzipSync(Buffer.from(await (await fetch(url)).arrayBuffer()), { level: 9 }).length);
    total += gzBytes.get(url)!;
  }
  return total;
}
const scriptsLoaded = () => performance.getEntriesByType('resource').filter((e) => /\.js(\?|$)/.test(e.name)).map((e) => e.name);

try {
  // Sign-in screen, cold.
  const signInContext = await browser.newContext({ locale: 'fa-IR' });
  const signInPage = await signInContext.newPage();
  await signInPage.goto(`${baseUrl}/`);
  await signInPage.getByRole('button', { name: 'ورود' }).waitFor();
  const signInJs = await gzippedScripts(await signInPage.evaluate(scriptsLoaded));
  await signInContext.close();

  const fcp: number[] = [];
  const interactive: number[] = [];
  let listJs = 0;
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ locale: 'fa-IR' });
    const login = await context.request.post(`${baseUrl}/api/auth/login`, { data: { email, password } });
    if (!login.ok()) throw new Error(`login failed: ${login.status()} ${await login.text()}`);

    const page = await context.newPage();
    await page.goto(`${baseUrl}/customers`);
    await page.waitForFunction(() => performance.getEntriesByName('vafa:customers-interactive').length > 0, undefined, { timeout: 30_000 });
    const timing = await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      interactive: performance.getEntriesByName('vafa:customers-interactive')[0]!.startTime,
    }));
    fcp.push(timing.fcp);
    interactive.push(timing.interactive);
    if (run === 0) listJs = await gzippedScripts(await page.evaluate(scriptsLoaded));
    await context.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  report('web', {
    customers,
    workspace: large ? 'bench/.work/data-search' : 'demo',
    firstScreenJsGzipBytes: { signIn: signInJs, customersList: listJs },
    fcpMs: Math.round(median(fcp)),
    customersListInteractiveMs: Math.round(median(interactive)),
    runs: RUNS,
  });
} finally {
  await browser.close();
  await stop();
}
