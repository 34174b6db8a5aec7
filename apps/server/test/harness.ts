import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pino from 'pino';
import { inject } from 'vitest';
import { buildVafa, type BuildOptions, type Vafa } from '../src/app.ts';
import { loadConfig, type ProcessRole } from '../src/platform/config.ts';
import type { Database } from '../src/platform/db/connect.ts';
import { ROLES, type Role } from '../src/platform/http/access.ts';
import type { App } from '../src/platform/http/server.ts';
import { SESSION_COOKIE } from '../src/platform/http/server.ts';
import { addMember, openSession } from '../src/modules/team/index.ts';
import { createApiKey, createWorkspace } from '../src/modules/workspace/index.ts';
import { createScratchDatabase } from './scratch-database.ts';

export interface TestSession {
  accountId: string;
  email: string;
  password: string;
  /** send as `cookie` header */
  cookie: string;
  csrfToken: string;
}

export interface TestWorkspace {
  tenantId: string;
  slug: string;
  /** an API key per role */
  keys: Record<Role, string>;
  /** a signed-in user per role */
  users: Record<Role, TestSession>;
  ownerCookie: string;
  ownerCsrf: string;
}

export interface TestApp {
  vafa: Vafa;
  app: App;
  database: Database;
  databaseUrl: string;
  createWorkspace(options?: { country?: 'IR' | 'SA' | 'AE'; language?: 'fa' | 'ar' | 'en' }): Promise<TestWorkspace>;
  auth(key: string): { authorization: string };
  /** headers for a cookie session, including the CSRF token unsafe methods need */
  session(user: TestSession): { cookie: string; 'x-csrf-token': string };
  close(): Promise<void>;
}

export const TEST_PASSWORD = 'correct horse battery staple';

const COUNTRY_LANGUAGE = { IR: 'fa', SA: 'ar', AE: 'ar' } as const;

export interface TestAppOptions extends BuildOptions {
  role?: ProcessRole;
  env?: Record<string, string>;
  /**
   * Where the app runs. Apps that run workers (role `all` or `worker`) get a scratch database
   * of their own by default: a relay, job worker or message dispatcher on the run's shared
   * database would take other test files' events and messages (and act on them with this
   * app's settings). Pass another app's `databaseUrl` to share it (scale-out tests), or
   * `'shared'` for the run's database.
   */
  database?: 'shared' | 'scratch' | string;
}

/** The app in-process on this run's database (see global-setup.ts). Default role `api`: no job workers, no event relay. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const choice = options.env?.DATABASE_URL ?? options.database ?? (options.role === 'all' || options.role === 'worker' ? 'scratch' : 'shared');
  const scratch = choice === 'scratch' ? await createScratchDatabase('vafa_app') : undefined;
  const databaseUrl = scratch?.url ?? (choice === 'shared' ? inject('databaseUrl') : choice);
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    VAFA_ROLE: options.role ?? 'api',
    VAFA_DATA_DIR: os.tmpdir(),
    VAFA_DB_POOL_SIZE: '6',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const log = pino({ level: config.logLevel });
  const vafa = await buildVafa(config, log, options);
  const app = vafa.http!;

  return {
    vafa,
    app,
    database: vafa.database,
    databaseUrl,
    async createWorkspace({ country = 'IR', language } = {}) {
      const suffix = randomBytes(5).toString('hex');
      return vafa.database.db.transaction(async (tx) => {
        const ws = await createWorkspace(tx, { name: `Test ${suffix}`, slug: `test-${suffix}`, defaultLanguage: language ?? COUNTRY_LANGUAGE[country], defaultCountry: country });
        const keys = {} as Record<Role, string>;
        const users = {} as Record<Role, TestSession>;
        for (const role of ROLES) {
          const email = `${role}-${suffix}@example.test`;
          const account = await addMember(tx, ws.id, { email, displayName: `${role} ${suffix}`, password: TEST_PASSWORD, role });
          const session = await openSession(tx, account.id, ws.id);
          users[role] = { accountId: account.id, email, password: TEST_PASSWORD, cookie: `${SESSION_COOKIE}=${session.token}`, csrfToken: session.csrfToken };
          const system = { kind: 'user' as const, id: account.id, tenantId: ws.id, role };
          keys[role] = (await createApiKey(tx, ws.id, system, { name: `${role} key`, role }, '127.0.0.1')).secret;
        }
        return { tenantId: ws.id, slug: ws.slug, keys, users, ownerCookie: users.owner.cookie, ownerCsrf: users.owner.csrfToken };
      });
    },
    auth: (key) => ({ authorization: `Bearer ${key}` }),
    session: (user) => ({ cookie: user.cookie, 'x-csrf-token': user.csrfToken }),
    async close() {
      await vafa.stop();
      await scratch?.drop();
    },
  };
}
