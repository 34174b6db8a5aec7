// A real OpenID Connect provider (panva's oidc-provider, the certified server implementation)
// for single sign-on tests, on 127.0.0.1 only. Its built-in development pages do login
// (any password) and consent; the login name picks an identity from `identities`.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import Provider from 'oidc-provider';

export interface TestIdentity {
  email: string;
  emailVerified: boolean;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** login name -> identity; tests may add more while it runs */
  identities: Map<string, TestIdentity>;
  close(): Promise<void>;
}

export async function startOidcProvider(options: { redirectUri: string; identities: Record<string, TestIdentity> }): Promise<TestOidcProvider> {
  // Listen first: the issuer URL carries the port, and the provider is built with it.
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  const clientId = 'vafa-test';
  const clientSecret = randomBytes(24).toString('base64url');
  const identities = new Map(Object.entries(options.identities));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [options.redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
    }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    async findAccount(_ctx, sub) {
      const identity = identities.get(sub);
      if (!identity) return undefined;
      return { accountId: sub, claims: async () => ({ sub, email: identity.email, email_verified: identity.emailVerified }) };
    },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: 'test' }] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    // Explicit lifetimes (seconds); the defaults print a notice on every use.
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
  });
  // Its start-up notes (development interactions, default TTLs) are expected here.
  provider.on('server_error', (_ctx, err) => console.error('oidc-provider:', err));
  server.on('request', provider.callback());

  return {
    issuer,
    clientId,
    clientSecret,
    identities,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
