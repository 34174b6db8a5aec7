import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runVafa, type VafaProcess } from './process.ts';

// No case lost (issue 11): a complaint whose acknowledgement reached the customer survives the
// process being killed the instant after, on the same embedded data directory.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-complaint-kill-'));
const running: VafaProcess[] = [];
afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    try {
      process.kill(Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGINT');
    } catch {
      /* already gone */
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function start(port: number, extra: Record<string, string> = {}): VafaProcess {
  const p = runVafa(['start'], { VAFA_DATA_DIR: dataDir, PORT: String(port), ...extra });
  running.push(p);
  return p;
}

describe('a public complaint and kill -9', () => {
  it('finds the case after a restart when the process died right after acknowledging it', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = start(port, { VAFA_DEMO: 'true', VAFA_DEMO_CUSTOMERS: '3' });
    const [, email, password] = await first.waitFor(/Sign in as (\S+) with password (\S+)/, 300_000);
    await first.waitFor(/listening on/);
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { slug } = (await (await fetch(`${base}/api/workspace`, { headers: { cookie } })).json()) as { slug: string };

    const filed = await fetch(`${base}/api/public/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'fa' },
      body: JSON.stringify({ workspace: slug, name: 'مریم', phone: '09121234567', description: 'بسته شکسته رسید.' }),
    });
    const receipt = (await filed.json()) as { trackingCode: string; status: { state: string } };
    // The acknowledgement is in hand: kill at once, before anything else can run.
    first.child.kill('SIGKILL');
    expect(filed.status).toBe(201);
    expect(receipt.status.state).toBe('acknowledged');
    await first.exited;

    const second = start(port);
    await second.waitFor(/listening on/, 300_000);
    const tracked = await fetch(`${base}/api/public/complaints/track`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'en' },
      body: JSON.stringify({ workspace: slug, code: receipt.trackingCode, verification: '4567' }),
    });
    expect(tracked.status).toBe(200);
    expect(await tracked.json()).toMatchObject({ trackingCode: receipt.trackingCode, status: { state: 'acknowledged' } });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 600_000);
});
