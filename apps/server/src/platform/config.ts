import path from 'node:path';
import { z } from 'zod';

/** What a process does: serve HTTP, run jobs, or both (the default, one machine). */
export const ProcessRole = z.enum(['api', 'worker', 'all']);
export type ProcessRole = z.infer<typeof ProcessRole>;

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  VAFA_DATA_DIR: z.string().min(1).default('./data'),
  VAFA_ROLE: ProcessRole.default('all'),
  VAFA_DEMO: z.enum(['true', 'false']).default('true'),
  VAFA_DEMO_CUSTOMERS: z.coerce.number().int().min(0).max(100_000).default(300),
  VAFA_PUBLIC_URL: z.string().url().optional(),
  VAFA_DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
  VAFA_ANON_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
  VAFA_COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  LOG_LEVEL: LogLevel.default('info'),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  role: ProcessRole;
  demo: boolean;
  demoCustomers: number;
  publicUrl: string | undefined;
  dbPoolSize: number;
  anonRateLimitPerMinute: number;
  cookieSecure: 'auto' | boolean;
  logLevel: z.infer<typeof LogLevel>;
}

export class ConfigError extends Error {}

/** Reads and validates configuration once at start; a bad value stops the process with one line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    // npm runs workspace scripts inside apps/server; INIT_CWD is where the user typed `npm start`.
    dataDir: path.resolve(env.INIT_CWD ?? process.cwd(), e.VAFA_DATA_DIR),
    role: e.VAFA_ROLE,
    demo: e.VAFA_DEMO === 'true',
    demoCustomers: e.VAFA_DEMO_CUSTOMERS,
    publicUrl: e.VAFA_PUBLIC_URL,
    dbPoolSize: e.VAFA_DB_POOL_SIZE,
    anonRateLimitPerMinute: e.VAFA_ANON_RATE_LIMIT,
    cookieSecure: e.VAFA_COOKIE_SECURE === 'auto' ? 'auto' : e.VAFA_COOKIE_SECURE === 'true',
    logLevel: e.LOG_LEVEL,
    ...overrides,
  };
}
