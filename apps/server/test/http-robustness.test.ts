import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../src/platform/http/json-depth.ts';
import { startTestApp, type TestApp, type TestWorkspace } from './harness.ts';

// The HTTP layer under hostile or broken clients: secrets kept out of idempotency records,
// uploads that stop, vanish or lie, and the inputs that used to answer 500.
let t: TestApp;
let ws: TestWorkspace;
let dataDir: string;
let baseUrl: URL;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-http-'));
  t = await startTestApp({ env: { VAFA_DATA_DIR: dataDir, VAFA_UPLOAD_IDLE_SECONDS: '1' } });
  baseUrl = new URL(await t.vafa.listen());
  ws = await t.createWorkspace();
}, 60_000);
afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const owner = () => t.auth(ws.keys.owner);

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function count(table: string): Promise<number> {
  const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [ws.tenantId]);
  return rows[0].n;
}

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): { code?: unknown } }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  expect(res.json().code).toBe(code);
}

describe('secrets in idempotent replays', () => {
  const creates = [
    { url: '/api/api-keys', payload: { name: 'POS', role: 'agent' }, secrets: ['secret'] },
    { url: '/api/webhooks', payload: { name: 'CRM hook', url: 'https://example.test/hook' }, secrets: ['secret'] },
    { url: '/api/invitations', payload: { email: 'invitee@example.test', role: 'agent' }, secrets: ['token', 'acceptUrl'] },
  ];

  it.each(creates)('$url: a replay answers the same resource without its secret, and the record never held it', async ({ url, payload, secrets }) => {
    const headers = { ...owner(), 'idempotency-key': `secret-${url}` };
    const first = await t.app.inject({ method: 'POST', url, headers, payload });
    expect(first.statusCode, first.body).toBe(201);
    const body = first.json();
    for (const field of secrets) expect(typeof body[field]).toBe('string');
    expect(body.secretWithheld).toBeUndefined();
    expect(first.headers['secret-withheld']).toBeUndefined();

    const again = await t.app.inject({ method: 'POST', url, headers, payload });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['secret-withheld']).toBe(secrets.join(', '));
    const withheld = { ...body, secretWithheld: true };
    for (const field of secrets) delete withheld[field];
    expect(again.json()).toEqual(withheld);

    const { rows } = await t.database.pool.query(`SELECT response::text AS stored FROM idempotency_keys WHERE tenant_id = $1 AND key = $2`, [ws.tenantId, headers['idempotency-key']]);
    expect(rows).toHaveLength(1);
    for (const field of secrets) expect(rows[0].stored).not.toContain(body[field]);
    expect(rows[0].stored).toContain(body.id);
  });
});

describe('inputs that used to answer 500', { timeout: 30_000 }, () => {
  it('refuses an empty member patch with 400 and changes nothing', async () => {
    const before = await t.database.pool.query(`SELECT role, disabled_at FROM members WHERE tenant_id = $1 AND account_id = $2`, [ws.tenantId, ws.users.agent.accountId]);
    const res = await t.app.inject({ method: 'PATCH', url: `/api/members/${ws.users.agent.accountId}`, headers: owner(), payload: {} });
    expectProblem(res, 400, 'validation_failed');
    const after = await t.database.pool.query(`SELECT role, disabled_at FROM members WHERE tenant_id = $1 AND account_id = $2`, [ws.tenantId, ws.users.agent.accountId]);
    expect(after.rows).toEqual(before.rows);
    const changed = await t.app.inject({ method: 'PATCH', url: `/api/members/${ws.users.agent.accountId}`, headers: owner(), payload: { role: 'agent' } });
    expect(changed.statusCode, changed.body).toBe(200);
  });

  it('refuses a multipart request without a boundary with 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/imports/customers', headers: { ...owner(), 'content-type': 'multipart/form-data' }, payload: 'phone\n0912\n' });
    expectProblem(res, 400, 'multipart_malformed');
  });

  it('refuses a multipart body on a route that takes none with 415, without running it', async () => {
    const before = await count('customers');
    const res = await t.app.inject({
      method: 'POST', url: '/api/customers', headers: { ...owner(), 'content-type': 'multipart/form-data; boundary=B' },
      payload: '--B\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--B--\r\n',
    });
    expectProblem(res, 415, 'unsupported_media_type');
    expect(await count('customers')).toBe(before);
  });

  it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels at parse time, Idempotency-Key or not`, async () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    for (const headers of [{}, { 'idempotency-key': 'deep-batch' }]) {
      const res = await t.app.inject({
        method: 'POST', url: '/api/touchpoints/batch', headers: { ...owner(), ...headers, 'content-type': 'application/json' },
        payload: `{"events": ${deep(5000)}}`,
      });
      expectProblem(res, 400, 'json_too_deep');
    }
    // Depth itself is fine up to the limit: this one fails validation, not parsing.
    const shallow = await t.app.inject({ method: 'POST', url: '/api/touchpoints/batch', headers: { ...owner(), 'content-type': 'application/json' }, payload: `{"events": ${deep(MAX_JSON_DEPTH - 1)}}` });
    expectProblem(shallow, 400, 'validation_failed');
    // Brackets inside strings are text, not depth.
    const text = await t.app.inject({ method: 'POST', url: '/api/customers', headers: { ...owner(), 'content-type': 'application/json' }, payload: JSON.stringify({ name: '['.repeat(200), phone: '09121231234' }) });
    expect(text.statusCode, text.body).toBe(201);
  });

  it('refuses a truncated 20 MB multipart body with 400 and leaves no file or run', async () => {
    const imports = await count('imports');
    const head = '--Cut\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\nname,phone\r\n';
    const payload = Buffer.concat([Buffer.from(head), Buffer.alloc(20 * 1024 * 1024, 'a,09121234567\r\n')]);
    const res = await t.app.inject({ method: 'POST', url: '/api/imports/customers', headers: { ...owner(), 'content-type': 'multipart/form-data; boundary=Cut' }, payload });
    expectProblem(res, 400, 'multipart_malformed');
    expect(await count('imports')).toBe(imports);
    expect(leftovers()).toEqual([]);
  });

  it('refuses a body cut off between parts (no closing boundary) with 400', async () => {
    const payload = '--Cut\r\nContent-Disposition: form-data; name="file"; filename="c.csv"\r\nContent-Type: text/csv\r\n\r\nphone\r\n09121234567\r\n--Cut\r\n';
    const res = await t.app.inject({ method: 'POST', url: '/api/imports/customers', headers: { ...owner(), 'content-type': 'multipart/form-data; boundary=Cut' }, payload });
    expectProblem(res, 400, 'multipart_malformed');
    expect(leftovers()).toEqual([]);
  });

  it('refuses a JSON string holding half a surrogate pair instead of storing U+FFFD', async () => {
    const before = (await t.database.pool.query('SELECT count(*)::int AS n FROM customers WHERE tenant_id = $1', [ws.tenantId])).rows[0].n;
    const res = await t.app.inject({ method: 'POST', url: '/api/customers', headers: { ...owner(), 'content-type': 'application/json' }, payload: '{"name":"a\\ud800b","phone":"09121234567"}' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('invalid_encoding');
    const paired = await t.app.inject({ method: 'POST', url: '/api/customers', headers: { ...owner(), 'content-type': 'application/json' }, payload: '{"name":"گل \\ud83c\\udf39","phone":"09121234568"}' });
    expect(paired.statusCode).toBe(201);
    expect(paired.json().name).toBe('گل 🌹');
    expect((await t.database.pool.query('SELECT count(*)::int AS n FROM customers WHERE tenant_id = $1', [ws.tenantId])).rows[0].n).toBe(before + 1);
  });

  it('takes an empty JSON object on a route without a body, as generated clients send it, and still refuses a real body', async () => {
    const empty = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { ...owner(), 'content-type': 'application/json' }, payload: '{}' });
    expect(empty.statusCode).toBe(204);
    const stray = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { ...owner(), 'content-type': 'application/json' }, payload: '{"all":true}' });
    expect(stray.statusCode).toBe(400);
    expect(stray.json().errors[0].code).toBe('unexpected_body');
  });

  it('answers a path with bad percent-encoding with problem+json', async () => {
    for (const url of ['/api/customers/%ff', '/api/customers/%E0%A4%A', '/api/%']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { ...owner(), 'accept-language': 'fa' } });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'invalid_url', status: 400, detail: 'نشانی معتبر نیست: کدگذاری درصدی آن خراب است.' });
    }
  });
});

/** `.part` and `.csv` files under this app's imports directory. */
function leftovers(): string[] {
  const dir = path.join(dataDir, 'imports');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.part'));
}

/** Descriptors of this process open on files under the imports directory. */
function openUploadDescriptors(): string[] {
  const open: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(path.join(dataDir, 'imports'))) open.push(target);
    } catch {
      // closed between listing and reading
    }
  }
  return open;
}

/** Opens a raw connection and sends the head and the start of a multipart upload that never ends. */
function startUpload(): Promise<{ socket: net.Socket; response: Promise<string> }> {
  const boundary = 'Stall';
  const part = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.csv"\r\nContent-Type: text/csv\r\n\r\nname,phone\r\n${'x,09121234567\r\n'.repeat(2000)}`;
  const head = [
    `POST /api/imports/customers HTTP/1.1`,
    `Host: ${baseUrl.host}`,
    `Authorization: Bearer ${ws.keys.owner}`,
    `Content-Type: multipart/form-data; boundary=${boundary}`,
    `Content-Length: ${Buffer.byteLength(part) + 1_000_000}`,
    '', '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(baseUrl.port), baseUrl.hostname, () => {
      socket.write(head + part);
      let answer = '';
      const response = new Promise<string>((done) => {
        socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
        socket.on('close', () => done(answer));
        socket.on('error', () => undefined);
      });
      resolve({ socket, response });
    });
    socket.on('error', reject);
  });
}

describe('uploads that stop', { timeout: 30_000 }, () => {
  it('answers an upload that goes quiet with 408, closes the connection and releases its file', async () => {
    const imports = await count('imports');
    const { socket, response } = await startUpload();
    await until('the partial file', () => leftovers().length > 0);
    const answer = await response;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('application/problem+json');
    expect(answer).toContain('"code":"upload_timeout"');
    socket.destroy();
    await until('the partial file to go', () => leftovers().length === 0);
    await until('the descriptor to close', () => openUploadDescriptors().length === 0);
    expect(await count('imports')).toBe(imports);
  });

  it('releases the descriptor and the partial file when the client leaves mid-upload', async () => {
    const { socket } = await startUpload();
    await until('the partial file', () => leftovers().length > 0 && openUploadDescriptors().length > 0);
    socket.destroy();
    await until('the partial file to go', () => leftovers().length === 0, 5_000);
    await until('the descriptor to close', () => openUploadDescriptors().length === 0, 5_000);
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('sweeps partial files a crash left behind when the server starts', async () => {
    const dir = path.join(dataDir, 'imports', ws.tenantId);
    fs.mkdirSync(dir, { recursive: true });
    const stale = path.join(dir, 'crashed.csv.part');
    const live = path.join(dir, 'live.csv.part');
    fs.writeFileSync(stale, 'name\n');
    fs.writeFileSync(live, 'name\n');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(stale, anHourAgo, anHourAgo);
    const other = await startTestApp({ env: { VAFA_DATA_DIR: dataDir, VAFA_UPLOAD_IDLE_SECONDS: '1' } });
    try {
      expect(fs.existsSync(stale)).toBe(false);
      // Younger than the idle limit: perhaps another process's upload in flight.
      expect(fs.existsSync(live)).toBe(true);
    } finally {
      fs.rmSync(live, { force: true });
      await other.close();
    }
  });
});

describe('import idempotency', { timeout: 30_000 }, () => {
  const form = (csv: string) => {
    const payload = `--K\r\nContent-Disposition: form-data; name="file"; filename="c.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--K--\r\n`;
    return { payload, headers: { ...owner(), 'content-type': 'multipart/form-data; boundary=K', 'idempotency-key': 'import-content' } };
  };

  it('replays the same file under one key and refuses another file under it', async () => {
    const first = await t.app.inject({ method: 'POST', url: '/api/imports/customers', ...form('phone\n09121110101\n') });
    expect(first.statusCode, first.body).toBe(202);
    const same = await t.app.inject({ method: 'POST', url: '/api/imports/customers', ...form('phone\n09121110101\n') });
    expect(same.statusCode).toBe(202);
    expect(same.headers['idempotent-replayed']).toBe('true');
    expect(same.json().id).toBe(first.json().id);
    const other = await t.app.inject({ method: 'POST', url: '/api/imports/customers', ...form('phone\n09121110202\n') });
    expectProblem(other, 422, 'idempotency_key_reused');
    expect(leftovers()).toEqual([]);
  });
});
