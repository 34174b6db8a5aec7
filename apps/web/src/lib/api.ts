// The one typed client for the Vafa API. Shapes come from @vafa/contracts as types only
// (`import type`), so no schema code ships to the browser for them.
import type { z } from 'zod';
import type {
  AcceptInvitation, ApiKeyView, AttributeDefinitionView, AuditEntryView, CreateApiKey, CreateCustomer, CreatedApiKey,
  CreatedInvitation, CreateInvitation, CreateSegment, CustomerDataExport, CustomerImportMapping, CustomerListQuery, CustomerView, ImportMappingProposal, ImportView,
  InvitationView, Locale, MemberView, OrderPage, ProblemView, SegmentPreview, SegmentRules, SegmentView, SessionView, TwoFactorChallenge,
  TimelinePage, UpdateCustomer, UpdateMe, UpdateMember, UpdateSegment, UpdateWorkspace, WorkspaceView,
} from '@vafa/contracts';

export type Session = z.infer<typeof SessionView>;
export type Workspace = z.infer<typeof WorkspaceView>;
export type WorkspacePatch = z.input<typeof UpdateWorkspace>;
export type Member = z.infer<typeof MemberView>;
export type Invitation = z.infer<typeof InvitationView>;
export type NewInvitation = z.infer<typeof CreatedInvitation>;
export type ApiKey = z.infer<typeof ApiKeyView>;
export type NewApiKey = z.infer<typeof CreatedApiKey>;
export type AuditEntry = z.infer<typeof AuditEntryView>;
export type Customer = CustomerView;
export type CustomerInput = z.input<typeof CreateCustomer>;
export type CustomerPatch = z.input<typeof UpdateCustomer>;
export type CustomerFilters = Partial<Pick<CustomerListQuery, 'q' | 'tag' | 'language' | 'consent' | 'segment'>>;
export type AttributeDefinition = z.infer<typeof AttributeDefinitionView>;
export type Timeline = TimelinePage;
export type Orders = OrderPage;
export type Segment = SegmentView;
export type SegmentDraft = z.input<typeof CreateSegment>;
export type SegmentPatch = z.input<typeof UpdateSegment>;
export type Rules = SegmentRules;
export type Preview = SegmentPreview;
export type Import = ImportView;
export type ImportProposal = ImportMappingProposal;
export type Problem = ProblemView;
export type DataExport = CustomerDataExport;
export type Page<T> = { items: T[]; nextCursor: string | null };

/** A failed request: the server's problem+json, with field errors keyed by field name. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: Record<string, string>;
  readonly fieldCodes: Record<string, string>;
  /** Field errors by their full path (`actions.0.templateId`), for forms with nested fields. */
  readonly fieldPaths: Record<string, { message: string; code: string }>;
  /** For a duplicate: the id of the record that already holds the field's value. */
  readonly fieldExisting: Record<string, string>;
  constructor(status: number, problem: Partial<Problem>) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.code = problem.code ?? 'unknown';
    this.fieldErrors = {};
    this.fieldCodes = {};
    this.fieldPaths = {};
    this.fieldExisting = {};
    for (const e of problem.errors ?? []) {
      this.fieldPaths[e.field.replace(/^(body|querystring|params)\./, '')] ??= { message: e.message, code: e.code };
      // Validation errors name fields as `body.phone`; service errors as `phone`.
      const field = e.field.replace(/^(body|querystring|params)\./, '').split('.')[0] ?? e.field;
      this.fieldErrors[field] ??= e.message;
      this.fieldCodes[field] ??= e.code;
      if (e.existingId) this.fieldExisting[field] ??= e.existingId;
    }
  }
}

let csrfToken: string | undefined;
let language: Locale = 'fa';
/** Called when the server says the session is gone, so the shell can show sign-in. */
let onUnauthenticated: () => void = () => undefined;

export function configureApi(options: { language?: Locale; onUnauthenticated?: () => void }): void {
  if (options.language) language = options.language;
  if (options.onUnauthenticated) onUnauthenticated = options.onUnauthenticated;
}

type Query = Record<string, string | number | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** `extraHeaders`: what one call adds, such as the Idempotency-Key of a write a person may retry. */
export async function request<T>(method: string, path: string, body?: unknown, query?: Query, extraHeaders?: Record<string, string>): Promise<T> {
  const headers: Record<string, string> = { ...extraHeaders, 'Accept-Language': language, Accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(withQuery(path, query), { method, headers, body: payload, credentials: 'same-origin' });
  if (response.status === 204) return undefined as T;
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  const data: unknown = isJson ? await response.json() : await response.text();
  if (!response.ok) {
    const problem = (isJson ? data : { detail: String(data) }) as Partial<Problem>;
    if (response.status === 401 && !path.startsWith('/api/auth/login')) onUnauthenticated();
    throw new ApiError(response.status, problem);
  }
  return data as T;
}

function remember(session: Session): Session {
  csrfToken = session.csrfToken;
  return session;
}

export const api = {
  /** a session, or, when the account has a second factor, the challenge for `loginSecondFactor` */
  login: (email: string, password: string) =>
    request<Session | z.infer<typeof TwoFactorChallenge>>('POST', '/api/auth/login', { email, password }).then((r) => ('twoFactorRequired' in r ? r : remember(r))),
  loginSecondFactor: (challenge: string, code: string) => request<Session>('POST', '/api/auth/login/two-factor', { challenge, code }).then(remember),
  logout: async () => {
    await request<void>('POST', '/api/auth/logout');
    csrfToken = undefined;
  },
  /** null when nobody is signed in (the server answers 204, not 401, to a browser with no session) */
  session: () => request<Session | undefined>('GET', '/api/auth/session').then((session) => (session ? remember(session) : null)),
  switchWorkspace: (workspace: string) => request<Session>('POST', '/api/auth/switch', { workspace }).then(remember),
  updateMe: (patch: z.input<typeof UpdateMe>) => request<Session>('PATCH', '/api/me', patch).then(remember),
  acceptInvitation: (body: z.input<typeof AcceptInvitation>) =>
    request<Session | z.infer<typeof TwoFactorChallenge>>('POST', '/api/invitations/accept', body).then((r) => ('twoFactorRequired' in r ? r : remember(r))),

  workspace: () => request<Workspace>('GET', '/api/workspace'),
  updateWorkspace: (patch: WorkspacePatch) => request<Workspace>('PATCH', '/api/workspace', patch),

  members: () => request<{ items: Member[] }>('GET', '/api/members'),
  updateMember: (accountId: string, patch: z.input<typeof UpdateMember>) => request<Member>('PATCH', `/api/members/${accountId}`, patch),
  invitations: () => request<{ items: Invitation[] }>('GET', '/api/invitations'),
  invite: (body: z.input<typeof CreateInvitation>) => request<NewInvitation>('POST', '/api/invitations', body),
  cancelInvitation: (id: string) => request<void>('DELETE', `/api/invitations/${id}`),

  apiKeys: () => request<{ items: ApiKey[] }>('GET', '/api/api-keys'),
  createApiKey: (body: z.input<typeof CreateApiKey>) => request<NewApiKey>('POST', '/api/api-keys', body),
  revokeApiKey: (id: string) => request<ApiKey>('DELETE', `/api/api-keys/${id}`),
  auditLog: (before?: number) => request<{ items: AuditEntry[]; nextBefore: number | null }>('GET', '/api/audit-log', undefined, { before, limit: 50 }),

  customers: (filters: CustomerFilters, cursor?: string, limit = 50) =>
    request<Page<Customer>>('GET', '/api/customers', undefined, { ...filters, cursor, limit }),
  customer: (id: string) => request<Customer>('GET', `/api/customers/${id}`),
  createCustomer: (body: CustomerInput) => request<Customer>('POST', '/api/customers', body),
  updateCustomer: (id: string, patch: CustomerPatch) => request<Customer>('PATCH', `/api/customers/${id}`, patch),
  mergeCustomer: (survivorId: string, sourceId: string) => request<Customer>('POST', `/api/customers/${survivorId}/merge`, { sourceId }),
  exportCustomer: (id: string) => request<DataExport>('GET', `/api/customers/${id}/export`),
  eraseCustomer: (id: string) => request<Customer>('POST', `/api/customers/${id}/erase`),
  timeline: (id: string, cursor?: string) => request<Timeline>('GET', `/api/customers/${id}/timeline`, undefined, { cursor, limit: 30 }),
  orders: (id: string, cursor?: string) => request<Orders>('GET', `/api/customers/${id}/orders`, undefined, { cursor, limit: 30 }),
  attributes: () => request<{ items: AttributeDefinition[] }>('GET', '/api/customer-attributes'),

  segments: () => request<{ items: Segment[] }>('GET', '/api/segments'),
  segment: (id: string) => request<Segment>('GET', `/api/segments/${id}`),
  createSegment: (body: SegmentDraft) => request<Segment>('POST', '/api/segments', body),
  updateSegment: (id: string, patch: SegmentPatch) => request<Segment>('PATCH', `/api/segments/${id}`, patch),
  deleteSegment: (id: string) => request<void>('DELETE', `/api/segments/${id}`),
  /** with a saved segment's id, its hand-picked members count too */
  previewSegment: (rules: Rules, segmentId?: string) => request<Preview>('POST', '/api/segments/preview', { rules, segmentId }),
  segmentMembers: (id: string, cursor?: string) => request<Page<Customer>>('GET', `/api/segments/${id}/members`, undefined, { cursor, limit: 50 }),

  proposeCustomerImport: (headers: string[]) => request<ImportProposal>('POST', '/api/imports/customers/proposal', { headers }),
  importCustomers: (file: File, mapping?: CustomerImportMapping) => {
    const form = new FormData();
    if (mapping) form.append('mapping', JSON.stringify(mapping));
    form.append('file', file);
    return request<Import>('POST', '/api/imports/customers', form);
  },
  importStatus: (id: string) => request<Import>('GET', `/api/imports/${id}`),
};

/** Plain links for downloads: the browser sends the session cookie (GET needs no CSRF header). */
export const downloads = {
  importErrors: (id: string) => `/api/imports/${id}/errors.csv`,
  customersCsv: '/api/exports/customers.csv',
  ordersCsv: '/api/exports/orders.csv',
};
