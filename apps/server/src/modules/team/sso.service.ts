import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Email } from '@vafa/contracts';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { z } from 'zod';
import { publicBaseUrl, type Config, type OidcProviderConfig } from '../../platform/config.ts';
import type { Executor } from '../../platform/db/connect.ts';
import type { Locale } from '../../platform/i18n/locale.ts';
import { derivedKey } from '../../platform/messaging/sealed.ts';
import { guardedFetch } from '../../platform/net/fetch.ts';
import { OutboundRefused, OutboundUnreachable } from '../../platform/net/guard.ts';
import { recordAudit } from '../workspace/index.ts';
import * as repo from './team.repo.ts';

/**
 * Single sign-on through the instance's one OpenID Connect provider: authorization code flow
 * with PKCE, state and nonce (openid-client does the protocol checks). SSO only signs in
 * accounts that already exist — people are invited first — so a provider can never create
 * an account or join anyone to a workspace.
 */

/** Holds the sign-in in progress between start and callback; sent only to the SSO routes. */
export const SSO_COOKIE = 'vafa_sso';
export const SSO_COOKIE_PATH = '/api/auth/sso';
export const TRANSACTION_SECONDS = 10 * 60;
const HTTP_TIMEOUT_SECONDS = 10;

/** Why nobody was signed in; the sign-in page says it in the reader's language (`sso_error`). */
export type SsoFailure = 'expired' | 'cancelled' | 'email_unverified' | 'unknown_account' | 'unavailable' | 'failed';

export class SsoRefused extends Error {
  override readonly name = 'SsoRefused';
  constructor(readonly reason: SsoFailure, detail?: string) {
    super(detail ?? reason);
  }
}

const Transaction = z.object({
  state: z.string(),
  nonce: z.string(),
  verifier: z.string(),
  returnTo: z.string(),
  expiresAt: z.number(),
});
type Transaction = z.infer<typeof Transaction>;

/**
 * The transaction travels in the browser's cookie, encrypted and authenticated under a
 * sub-key of the instance key: any app process can finish a sign-in another one started,
 * with no table to write, and the browser can neither read the PKCE verifier nor alter it.
 */
function sealTransaction(config: Pick<Config, 'secretKey'>, transaction: Transaction): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derivedKey(config, 'sso-transaction'), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(transaction), 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url')).join('.');
}

function openTransaction(config: Pick<Config, 'secretKey'>, sealed: string, now: Date): Transaction | undefined {
  const [iv, tag, body] = sealed.split('.');
  if (!iv || !tag || !body || sealed.length > 4096) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', derivedKey(config, 'sso-transaction'), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    const parsed = Transaction.safeParse(JSON.parse(text));
    return parsed.success && parsed.data.expiresAt > now.getTime() ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A path on this site to land on after signing in; anything else (another host, the API) lands on the start page. */
export function safeReturnPath(value: string | undefined): string {
  // "//host" and "/\host" are other hosts to a browser; control characters have no place in a path.
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return '/';
  if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return '/';
  if (value === '/api' || value.startsWith('/api/') || value.startsWith('/api?')) return '/';
  return value;
}

/** Who the provider vouched for: an account of this instance and the workspace to open. */
export interface SsoSignIn {
  accountId: string;
  tenantId: string;
  role: string;
  returnTo: string;
  subject: string;
}

/** Finds the refusal reason in an error or its causes: the guard and openid-client wrap each other. */
function classify(error: unknown): SsoFailure {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    if (e instanceof SsoRefused) return e.reason;
    if (e instanceof OutboundRefused || e instanceof OutboundUnreachable) return 'unavailable';
    if (e instanceof oidc.AuthorizationResponseError) return e.error === 'access_denied' ? 'cancelled' : 'failed';
    const name = (e as { name?: unknown }).name;
    const code = (e as { code?: unknown }).code;
    if (name === 'TimeoutError' || name === 'AbortError' || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'unavailable';
    if (e instanceof TypeError && e.message === 'fetch failed') return 'unavailable';
  }
  return 'failed';
}

export class SingleSignOn {
  /** where the provider sends the browser back: from VAFA_PUBLIC_URL, never from a request's Host header */
  readonly redirectUri: string;
  private discovered: Promise<oidc.Configuration> | undefined;

  constructor(
    readonly provider: OidcProviderConfig,
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    this.redirectUri = `${publicBaseUrl(config)}/api/auth/sso/callback`;
  }

  /**
   * The provider's metadata, fetched on first use rather than at start, so an instance whose
   * provider is down still starts; a failed discovery is retried by the next sign-in.
   */
  private configuration(): Promise<oidc.Configuration> {
    this.discovered ??= this.discover().catch((err: unknown) => {
      this.discovered = undefined;
      throw err;
    });
    return this.discovered;
  }

  private async discover(): Promise<oidc.Configuration> {
    // Discovery, token, keys and userinfo requests all leave through the outbound guard.
    const fetch: oidc.CustomFetch = (url, options) =>
      guardedFetch(url, { method: options.method, headers: options.headers, body: options.body as BodyInit | undefined, signal: options.signal }, { allow: this.config.outboundAllow });
    const secret = this.provider.clientSecret;
    // client_secret_basic is OIDC's default and what providers support most; post only when it is all they offer.
    const authentication: oidc.ClientAuth = secret
      ? (as, client, body, headers) => {
        const methods = as.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
        const method = methods.includes('client_secret_basic') ? oidc.ClientSecretBasic(secret) : oidc.ClientSecretPost(secret);
        return method(as, client, body, headers);
      }
      : oidc.None();
    // Plain http passes config validation only for an issuer on this machine (tests, a local provider).
    const insecure = new URL(this.provider.issuer).protocol === 'http:';
    return oidc.discovery(new URL(this.provider.issuer), this.provider.clientId, secret ? { client_secret: secret } : undefined, authentication, {
      [oidc.customFetch]: fetch,
      timeout: HTTP_TIMEOUT_SECONDS,
      execute: insecure ? [oidc.allowInsecureRequests] : [],
    });
  }

  /** Where to send the browser, and the sealed transaction to keep in its cookie until it returns. */
  async begin(returnTo: string, locale: Locale | undefined, now = new Date()): Promise<{ authorizationUrl: URL; sealed: string }> {
    let configuration: oidc.Configuration;
    try {
      configuration = await this.configuration();
    } catch (err) {
      this.log.warn({ err, issuer: this.provider.issuer }, 'OIDC discovery failed');
      throw new SsoRefused(classify(err) === 'unavailable' ? 'unavailable' : 'failed');
    }
    const verifier = oidc.randomPKCECodeVerifier();
    const transaction: Transaction = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier,
      returnTo: safeReturnPath(returnTo),
      expiresAt: now.getTime() + TRANSACTION_SECONDS * 1000,
    };
    const authorizationUrl = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: 'openid email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: transaction.state,
      nonce: transaction.nonce,
      ...(locale ? { ui_locales: locale } : {}),
    });
    return { authorizationUrl, sealed: sealTransaction(this.config, transaction) };
  }

  /**
   * Finishes the sign-in the provider sent back (`query` is the callback's query string):
   * checks state, PKCE and the ID token's nonce, then requires a verified e-mail that belongs
   * to an active member of some workspace. Throws SsoRefused otherwise.
   */
  async complete(db: Executor, query: string, sealed: string | undefined, ip: string, now = new Date()): Promise<SsoSignIn> {
    const transaction = sealed ? openTransaction(this.config, sealed, now) : undefined;
    if (!transaction) throw new SsoRefused('expired');
    const callbackUrl = new URL(this.redirectUri);
    callbackUrl.search = query;

    let email: unknown;
    let emailVerified: unknown;
    let subject: string;
    try {
      const configuration = await this.configuration();
      const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: transaction.verifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      subject = claims.sub;
      email = claims.email;
      emailVerified = claims.email_verified;
      // Many providers keep e-mail out of the ID token; the userinfo answer is for the same subject.
      if (email === undefined || emailVerified === undefined) {
        const info = await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub);
        email = info.email;
        emailVerified = info.email_verified;
      }
    } catch (err) {
      const reason = classify(err);
      if (reason !== 'cancelled') this.log.warn({ err, issuer: this.provider.issuer, reason }, 'OIDC sign-in failed');
      throw new SsoRefused(reason);
    }

    const normalised = Email.safeParse(email);
    const account = normalised.success ? await repo.findAccountByEmail(db, normalised.data) : undefined;
    const memberships = account ? await repo.membershipsOf(db, account.id) : [];
    // A provider's unverified address proves nothing about who holds it.
    if (emailVerified !== true) {
      for (const m of memberships) {
        await recordAudit(db, m.tenantId, null, { action: 'login.failed', targetType: 'account', targetId: account!.id, ip, details: { method: 'sso', reason: 'email_unverified' } });
      }
      throw new SsoRefused('email_unverified');
    }
    const chosen = memberships[0];
    if (!account || !chosen) throw new SsoRefused('unknown_account');
    return { accountId: account.id, tenantId: chosen.tenantId, role: chosen.role, returnTo: transaction.returnTo, subject };
  }
}
