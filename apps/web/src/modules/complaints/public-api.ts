// The public complaint pages' calls that the shared client cannot make: uploads with files, and a
// filing that may be asked for a proof of work first (the 429 carries the challenge, which
// ApiError does not keep). Types only from @vafa/contracts, as in api.ts.
import type { z } from 'zod';
import type { AddCaseFiles, PublicFilingForm } from '@vafa/contracts';
import { ApiError, request } from '../../lib/api.ts';
import type { CustomerCase, PublicComplaint, Receipt } from './api.ts';
import { solveChallenge } from '@vafa/contracts/proof-of-work';

type Challenge = { challenge: string; bits: number };

async function post<T>(path: string, body: FormData | object, language: string): Promise<T | Challenge> {
  const json = !(body instanceof FormData);
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Accept-Language': language, Accept: 'application/json', ...(json ? { 'Content-Type': 'application/json' } : {}) },
    body: json ? JSON.stringify(body) : body,
  });
  const data = (response.headers.get('content-type') ?? '').includes('json') ? await response.json() : { detail: await response.text() };
  if (response.ok) return data as T;
  if (response.status === 429 && data?.code === 'filing_challenge_required' && typeof data.challenge === 'string') return { challenge: data.challenge, bits: Number(data.bits) };
  throw new ApiError(response.status, data);
}

const isChallenge = (r: unknown): r is Challenge => typeof r === 'object' && r !== null && 'challenge' in r && !('trackingCode' in r);

/**
 * Files a complaint, with files when there are any (multipart) or as JSON. When the server asks
 * for a proof of work, solves it (`onChecking` says so while it runs) and sends again, once.
 */
export async function fileComplaint(
  input: PublicComplaint, files: File[], options: { proof?: string | undefined; onChecking?: (checking: boolean) => void } = {},
): Promise<Receipt> {
  const language = input.language ?? 'fa';
  let proof = options.proof;
  for (let attempt = 0; ; attempt++) {
    const body = { ...input, ...(proof ? { proof } : {}) };
    let sent: FormData | object = body;
    if (files.length > 0) {
      const form = new FormData();
      for (const [key, value] of Object.entries(body)) if (typeof value === 'string') form.append(key, value);
      for (const file of files) form.append('files', file, file.name);
      sent = form;
    }
    const result = await post<Receipt>(files.length > 0 ? '/api/public/complaints/with-attachments' : '/api/public/complaints', sent, language);
    if (!isChallenge(result)) return result;
    if (attempt > 0) throw new ApiError(429, { code: 'filing_challenge_required', detail: '' });
    options.onChecking?.(true);
    try {
      proof = await solveChallenge(result.challenge, result.bits);
    } finally {
      options.onChecking?.(false);
    }
  }
}

/** The form's device cookie, and a challenge solved ahead when this device's next filing would need one. */
export async function openFilingForm(workspace: string): Promise<{ proof?: string }> {
  const form = await request<PublicFilingForm>('GET', '/api/public/complaints/form', undefined, { workspace });
  return form.challenge ? { proof: await solveChallenge(form.challenge.value, form.challenge.bits) } : {};
}

/** The customer sends files (and a message, if they wrote one) from the tracking page. */
export async function addCaseFiles(input: z.input<typeof AddCaseFiles>, files: File[]): Promise<CustomerCase> {
  const form = new FormData();
  for (const [key, value] of Object.entries(input)) if (typeof value === 'string' && value !== '') form.append(key, value);
  for (const file of files) form.append('files', file, file.name);
  return request<CustomerCase>('POST', '/api/public/complaints/case/attachments', form);
}
