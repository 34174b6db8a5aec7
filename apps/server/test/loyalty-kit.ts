import { randomBytes } from 'node:crypto';
import { afterEach, expect } from 'vitest';
import { sessionTokenHash } from '../src/modules/loyalty/member-otp.service.ts';
import type { TestApp, TestWorkspace } from './harness.ts';
import { expectLedgerBalanced } from './loyalty-ledger.ts';

// What every loyalty test file needs: calls to the API as one of a workspace's roles, and
// workspaces whose ledgers are checked after every test.

export type Role = keyof TestWorkspace['keys'];
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export interface CallOptions {
  role?: Role;
  headers?: Record<string, string>;
}
export interface Answer {
  status: number;
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers, read as the tests need
  type: string;
  /** the body as sent (a CSV export, an empty 204) */
  text: string;
}

/** A call through Fastify's inject with the role's API key (`defaultRole` unless `options.role`); a JSON body is parsed. */
export async function callApi(
  t: TestApp, ws: TestWorkspace, method: Method, url: string, payload?: unknown, options: CallOptions = {}, defaultRole: Role = 'manager',
): Promise<Answer> {
  const res = await t.app.inject({
    method, url, headers: { ...t.auth(ws.keys[options.role ?? defaultRole]), ...options.headers }, ...(payload === undefined ? {} : { payload: payload as object }),
  });
  const type = String(res.headers['content-type']);
  return { status: res.statusCode, body: type.includes('json') && res.body ? res.json() : {}, type, text: res.body };
}

export interface CheckOptions {
  verify?: boolean;
  settle?: (ws: TestWorkspace) => Promise<void>;
  also?: (ws: TestWorkspace) => Promise<void>;
}

/**
 * A maker of fresh workspaces whose ledgers are checked after every test of the file: by SQL of
 * its own (`expectLedgerBalanced`), with `verify` also by the API's own `GET /api/loyalty/verify`,
 * after `settle` (background work to wait for) and before `also` (a file's own invariants).
 * Call it at the top of the file: it registers the `afterEach`.
 */
export function checkedWorkspaces(app: () => TestApp, options: CheckOptions = {}): () => Promise<TestWorkspace> {
  const checker = workspaceChecker(app, options);
  afterEach(checker.checkMade);
  return checker.workspace;
}

/**
 * `checkedWorkspaces` without the `afterEach`: `workspace` makes one, `checkMade` checks each made
 * since its last call. It forgets them as it starts, pass or fail: a broken ledger fails the test
 * that made its workspace, once, and not every later test of the file again (each later test's
 * own workspaces are still checked after it). One workspace failing does not skip the others:
 * all are checked, and the error names each that failed.
 */
export function workspaceChecker(app: () => TestApp, options: CheckOptions = {}): {
  workspace: () => Promise<TestWorkspace>;
  checkMade: () => Promise<void>;
} {
  const made = new Set<TestWorkspace>();
  return {
    workspace: async () => {
      const ws = await app().createWorkspace({ country: 'IR' });
      made.add(ws);
      return ws;
    },
    checkMade: async () => {
      const due = [...made];
      made.clear();
      const failures: Error[] = [];
      for (const ws of due) {
        try {
          await checkLedger(app(), ws, options);
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          failure.message = `ledger of workspace ${ws.slug} (${ws.tenantId}): ${failure.message}`;
          failures.push(failure);
        }
      }
      // One keeps its own error (an assertion's expected and actual); several become one error naming each.
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new Error(failures.map((f) => f.message).join('\n'), { cause: failures[0] });
    },
  };
}

async function checkLedger(t: TestApp, ws: TestWorkspace, options: CheckOptions): Promise<void> {
  await options.settle?.(ws);
  await expectLedgerBalanced(t, ws.tenantId);
  if (options.verify) {
    const verify = (await callApi(t, ws, 'GET', '/api/loyalty/verify')).body;
    expect(verify.ok, JSON.stringify(verify)).toBe(true);
  }
  await options.also?.(ws);
}

/** A POST over a real socket to the listening app at `base`, as the workspace's manager: concurrent requests race as in production. */
export async function postOverSocket(t: TestApp, base: string, ws: TestWorkspace, url: string, payload: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${base}${url}`, {
    method: 'POST', headers: { ...t.auth(ws.keys.manager), 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: type.includes('json') && text ? JSON.parse(text) : {}, type, text };
}

/** A signed-in member portal session for `customerId`, as the cookie a browser would send (the one-time code's own tests cover signing in). */
export async function memberSessionCookie(t: TestApp, ws: TestWorkspace, customerId: string): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await t.database.pool.query(
    `INSERT INTO loyalty_member_sessions (tenant_id, token_hash, customer_id, expires_at, created_at) VALUES ($1, $2, $3, now() + interval '1 day', now())`,
    [ws.tenantId, sessionTokenHash(token), customerId]);
  return `vafa_member=${token}`;
}
