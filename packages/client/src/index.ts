import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema.d.ts';

export type { components, operations, paths };
/** The API's named schemas: `Schemas['Customer']`, `Schemas['Problem']`, … */
export type Schemas = components['schemas'];
export type VafaClient = Client<paths>;

/**
 * A typed client for the Vafa API, authenticated with one workspace's API key:
 * `const vafa = createVafaClient('https://cx.example.com', key); await vafa.GET('/api/customers/{id}', { params: { path: { id } } })`.
 * Every call resolves to `{ data }` or `{ error }` (an RFC 9457 problem), never throws on a 4xx.
 */
export function createVafaClient(baseUrl: string, apiKey: string, options: Omit<ClientOptions, 'baseUrl'> = {}): VafaClient {
  return createClient<paths>({
    ...options,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: { ...(options.headers as Record<string, string> | undefined), authorization: `Bearer ${apiKey}` },
  });
}

/** Sends an upload's parts as multipart/form-data: pass as `bodySerializer` to the import calls. */
export function multipartBody(body: Record<string, string | Blob | undefined>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(body)) if (value !== undefined) form.append(name, value);
  return form;
}
