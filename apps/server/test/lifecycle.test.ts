import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runVafa, type VafaProcess } from './process.ts';

// The embedded database lifecycle, with real processes: start, write, kill -9, start again.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-lifecycle-'));
const running: VafaProcess[] = [];
afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  // Stop a postmaster a killed process may have left behind.
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    try {
      process.kill(pid, 'SIGINT');
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

const postmasterAlive = () => {
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return false;
  try {
    process.kill(Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]), 0);
    return true;
  } catch {
    return false;
  }
};

describe('embedded PostgreSQL lifecycle', () => {
  it('keeps acknowledged writes across kill -9, refuses a second Vafa, and shuts down cleanly', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;

    const first = start(port, { VAFA_DEMO: 'true', VAFA_DEMO_CUSTOMERS: '3' });
    const [, email, password] = await first.waitFor(/Sign in as (\S+) with password (\S+)/, 300_000);
    await first.waitFor(/listening on/);

    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const created = await fetch(`${base}/api/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ name: 'survives kill -9', role: 'agent' }),
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };

    first.child.kill('SIGKILL');
    await first.exited;
    expect(postmasterAlive()).toBe(true); // the orphan the next start must deal with

    const second = start(port, { VAFA_DEMO: 'true', VAFA_DEMO_CUSTOMERS: '3' });
    await second.waitFor(/listening on/, 300_000);
    expect(second.stdout()).not.toMatch(/Sign in as/); // the demo login is printed once only
    const afterRestart = await fetch(`${base}/api/workspace`, { headers: { authorization: `Bearer ${secret}` } });
    expect(afterRestart.status).toBe(200);

    const intruder = runVafa(['start'], { VAFA_DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(await intruder.exited).not.toBe(0);
    expect(intruder.stderr().trim().split('\n')).toEqual([expect.stringMatching(/^vafa: another Vafa \(pid \d+\) is already using data directory/)]);

    // A client that never finishes its request must not hold shutdown hostage.
    const slow = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
    slow.write('POST /api/touchpoints HTTP/1.1\r\nHost: vafa\r\nContent-Type: application/json\r\n');
    slow.on('error', () => undefined);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(postmasterAlive()).toBe(false);
    slow.destroy();
  }, 600_000); // two cold starts of PostgreSQL and the app; each step waits on its own condition

  it('reports a port in use, or an unusable data directory, in one line with a non-zero exit', async () => {
    const blocker = (await import('node:net')).createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-port-'));
      const p = runVafa(['start'], { VAFA_DATA_DIR: otherDir, PORT: String(port) });
      expect(await p.exited).toBe(1);
      expect(p.stderr().trim()).toBe(`vafa: port ${port} is already in use (set PORT to choose another)`);
      // The database it started was stopped again and its directory still starts cleanly.
      const again = runVafa(['migrate'], { VAFA_DATA_DIR: otherDir });
      expect(await again.exited).toBe(0);
      fs.rmSync(otherDir, { recursive: true, force: true });
    } finally {
      blocker.close();
    }

    const aFile = path.join(dataDir, 'not-a-directory');
    fs.writeFileSync(aFile, '');
    const bad = runVafa(['start'], { VAFA_DATA_DIR: path.join(aFile, 'data'), PORT: String(await freePort()) });
    expect(await bad.exited).toBe(1);
    expect(bad.stderr().trim()).toMatch(/^vafa: data directory .* is not writable$/);
  });
});
