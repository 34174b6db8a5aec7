import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import ipaddr from 'ipaddr.js';
import { parseAllowList, type OutboundAllowList } from './net/address.ts';

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
  /** the demo's loyalty program and complaint cases (the browser tests turn them off: they make their own) */
  VAFA_DEMO_PROGRAMS: z.enum(['true', 'false']).default('true'),
  /** where customers and providers reach this instance (unsubscribe links, SMS status callbacks); default http://localhost:<PORT> */
  VAFA_PUBLIC_URL: z.string().url().optional(),
  /** single sign-on through one OpenID Connect provider for the whole instance (see `oidcProvider`) */
  VAFA_OIDC_ISSUER: z.string().url().optional(),
  VAFA_OIDC_CLIENT_ID: z.string().min(1).max(255).optional(),
  VAFA_OIDC_CLIENT_SECRET: z.string().min(1).max(1000).optional(),
  /** the button says "Sign in with <name>" */
  VAFA_OIDC_NAME: z.string().trim().min(1).max(60).optional(),
  /**
   * 32 random bytes, base64: seals channel secrets (SMTP passwords, SMS API keys, webhook
   * secrets) and signs unsubscribe and callback links. Unset, the key lives in
   * <dataDir>/instance.key, created once (mode 0600) and shared by every process on that data
   * dir. With DATABASE_URL and processes on several machines, set it to the same value on all
   * of them (`openssl rand -base64 32`): a sealed secret opens only with the key that sealed it.
   */
  VAFA_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64 (openssl rand -base64 32)')
    .optional(),
  VAFA_DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
  VAFA_ANON_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
  /** public complaint filings a minute per workspace from devices without a cookie before those must prove work (new devices: three times this) */
  VAFA_FILING_BURST_LIMIT: z.coerce.number().int().min(1).default(10),
  /** an upload that sends nothing for this long is refused (408) and its partial file deleted */
  VAFA_UPLOAD_IDLE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  VAFA_COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  /** customer counts above this are estimated from the planner's statistics instead of counted */
  VAFA_COUNT_EXACT_LIMIT: z.coerce.number().int().min(1).max(100_000_000).default(100_000),
  /** the most customers one bulk action on "all matching" may change in its single transaction */
  VAFA_BULK_LIMIT: z.coerce.number().int().min(1).max(10_000_000).default(50_000),
  /** who may create workspaces: the instance's administrators (the first account is one) or any signed-in user */
  VAFA_WORKSPACE_CREATION: z.enum(['admins', 'anyone']).default('admins'),
  /**
   * Which peers may speak for the client through X-Forwarded-For/-Proto: off (default), a hop
   * count ("1": the proxy in front), or addresses and networks ("127.0.0.1,10.0.0.0/8", also
   * loopback, linklocal, uniquelocal). Client address (rate limits, audit) and https (Secure
   * cookies) come from those headers only when the connecting peer is trusted.
   */
  VAFA_TRUST_PROXY: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      try {
        parseTrustProxy(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  /** internal hosts and networks outbound connections may reach: "127.0.0.1,smtp.internal,10.0.0.0/8" */
  VAFA_OUTBOUND_ALLOW: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      try {
        parseAllowList(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  /** complaint e-mail intake: an SMTP listener on this port in worker processes (unset: off; 0: any free port) */
  VAFA_SMTP_INTAKE_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  VAFA_SMTP_INTAKE_HOST: z.string().min(1).default('0.0.0.0'),
  /** the largest message accepted, attachments and encoding included */
  VAFA_SMTP_INTAKE_MAX_BYTES: z.coerce.number().int().min(64 * 1024).max(100 * 1024 * 1024).default(25 * 1024 * 1024),
  /** the domains of the intake addresses (complaints+<workspace slug>@<domain>), comma-separated; unset: any domain */
  VAFA_SMTP_INTAKE_DOMAINS: z
    .string()
    .optional()
    .refine((v) => (v ?? '').split(',').map((d) => d.trim()).filter(Boolean).every((d) => /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(d)), 'a comma-separated list of domain names'),
  LOG_LEVEL: LogLevel.default('info'),
});

/** The SMTP listener of complaint intake (modules/complaints/email-intake.ts). */
export interface EmailIntakeConfig {
  port: number;
  host: string;
  maxMessageBytes: number;
  /** lower case; empty: mail to any domain is taken by its local part */
  domains: string[];
}

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  role: ProcessRole;
  demo: boolean;
  demoCustomers: number;
  demoPrograms: boolean;
  /** as configured; messaging uses `publicBaseUrl(config)`, which defaults it */
  publicUrl: string | undefined;
  /** the instance's single sign-on provider, when VAFA_OIDC_ISSUER is set */
  oidc: OidcProviderConfig | undefined;
  /** the instance key (VAFA_SECRET_KEY or <dataDir>/instance.key) */
  secretKey: Buffer;
  dbPoolSize: number;
  anonRateLimitPerMinute: number;
  filingBurstPerMinute: number;
  uploadIdleTimeoutMs: number;
  countExactLimit: number;
  bulkLimit: number;
  cookieSecure: 'auto' | boolean;
  workspaceCreation: 'admins' | 'anyone';
  /** internal hosts and networks the outbound guard (platform/net) lets through */
  outboundAllow: OutboundAllowList;
  /** Fastify's trustProxy: false, a hop count, or trusted proxy addresses/networks */
  trustProxy: TrustProxy;
  logLevel: z.infer<typeof LogLevel>;
  /** complaint e-mail intake; undefined when VAFA_SMTP_INTAKE_PORT is unset */
  emailIntake: EmailIntakeConfig | undefined;
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
  // npm runs workspace scripts inside apps/server; INIT_CWD is where the user typed `npm start`.
  const dataDir = overrides.dataDir ?? path.resolve(env.INIT_CWD ?? process.cwd(), e.VAFA_DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    role: e.VAFA_ROLE,
    demo: e.VAFA_DEMO === 'true',
    demoCustomers: e.VAFA_DEMO_CUSTOMERS,
    demoPrograms: e.VAFA_DEMO_PROGRAMS === 'true',
    publicUrl: e.VAFA_PUBLIC_URL,
    oidc: oidcProvider(e),
    secretKey: overrides.secretKey ?? (e.VAFA_SECRET_KEY ? Buffer.from(e.VAFA_SECRET_KEY, 'base64') : instanceKey(dataDir)),
    dbPoolSize: e.VAFA_DB_POOL_SIZE,
    anonRateLimitPerMinute: e.VAFA_ANON_RATE_LIMIT,
    filingBurstPerMinute: e.VAFA_FILING_BURST_LIMIT,
    uploadIdleTimeoutMs: e.VAFA_UPLOAD_IDLE_SECONDS * 1000,
    countExactLimit: e.VAFA_COUNT_EXACT_LIMIT,
    bulkLimit: e.VAFA_BULK_LIMIT,
    cookieSecure: e.VAFA_COOKIE_SECURE === 'auto' ? 'auto' : e.VAFA_COOKIE_SECURE === 'true',
    workspaceCreation: e.VAFA_WORKSPACE_CREATION,
    outboundAllow: parseAllowList(e.VAFA_OUTBOUND_ALLOW),
    trustProxy: parseTrustProxy(e.VAFA_TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    emailIntake: e.VAFA_SMTP_INTAKE_PORT === undefined ? undefined : {
      port: e.VAFA_SMTP_INTAKE_PORT,
      host: e.VAFA_SMTP_INTAKE_HOST,
      maxMessageBytes: e.VAFA_SMTP_INTAKE_MAX_BYTES,
      domains: (e.VAFA_SMTP_INTAKE_DOMAINS ?? '').split(',').map((d) => d.trim().toLowerCase()).filter(Boolean),
    },
    ...overrides,
  };
}

export interface OidcProviderConfig {
  issuer: string;
  clientId: string;
  /** absent for a public client, which then relies on PKCE alone */
  clientSecret: string | undefined;
  name: string | undefined;
}

/**
 * The OIDC provider, all or nothing: an issuer without a client id (or the reverse) is a typo
 * that must stop the start, not a silently missing button. Plain http only reaches this machine.
 */
function oidcProvider(e: z.infer<typeof Env>): OidcProviderConfig | undefined {
  if (!e.VAFA_OIDC_ISSUER && !e.VAFA_OIDC_CLIENT_ID && !e.VAFA_OIDC_CLIENT_SECRET) return undefined;
  if (!e.VAFA_OIDC_ISSUER || !e.VAFA_OIDC_CLIENT_ID) {
    throw new ConfigError('invalid configuration: VAFA_OIDC_ISSUER and VAFA_OIDC_CLIENT_ID go together');
  }
  const issuer = new URL(e.VAFA_OIDC_ISSUER);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && loopback)) {
    throw new ConfigError('invalid configuration: VAFA_OIDC_ISSUER must be an https URL');
  }
  return { issuer: e.VAFA_OIDC_ISSUER, clientId: e.VAFA_OIDC_CLIENT_ID, clientSecret: e.VAFA_OIDC_CLIENT_SECRET, name: e.VAFA_OIDC_NAME };
}

export type TrustProxy = false | number | string[];

const PROXY_ALIASES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * VAFA_TRUST_PROXY as Fastify takes it. "true" (trust any peer) is refused: anyone reaching the
 * port directly could then pick their own address and dodge every per-client limit.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '' || text === 'off' || text === 'false' || text === '0') return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 20) throw new Error('a hop count is at most 20');
    return hops;
  }
  if (text === 'true' || text === 'all' || text === '*') throw new Error('name the proxy addresses or a hop count instead of trusting every peer');
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    const valid = PROXY_ALIASES.has(entry) || (entry.includes('/') ? ipaddr.isValidCIDR(entry) : ipaddr.isValid(entry));
    if (!valid) throw new Error(`"${entry}" is not an address, a network (CIDR) or loopback/linklocal/uniquelocal`);
  }
  return entries;
}

/**
 * The base of links that leave this instance (invitations, password resets, unsubscribe links,
 * provider callbacks): VAFA_PUBLIC_URL, or http://localhost:<PORT>. Never a request's Host
 * header: whoever sends a request must not choose where someone else's link points.
 */
export function publicBaseUrl(config: Pick<Config, 'publicUrl' | 'port'>): string {
  return (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
}

/**
 * Reads <dataDir>/instance.key, creating it on first use. Creation writes a temp file and
 * links it into place, so processes starting together all end up with the same key.
 */
function instanceKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'instance.key');
  const read = () => {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new ConfigError(`invalid configuration: ${file} does not hold a 32-byte base64 key`);
    return key;
  };
  if (fs.existsSync(file)) return read();
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(temp, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  } catch {
    // Same words as the embedded database's check, which would fail next anyway.
    throw new ConfigError(`data directory ${dataDir} is not writable`);
  }
  try {
    fs.linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.unlinkSync(temp);
  }
  return read();
}
