// The member portal's calls. Its own small fetch: a 401 here means "the member is not signed in"
// (the page shows the code sign-in), never the staff session's sign-in screen.
import type {
  MemberCatalogueView, MemberCodeSent, MemberCreditView, MemberDonationReceipt, MemberHistoryPage, MemberInviteView, MemberJoin, MemberPartnerRedemption, MemberPortalView,
} from '@vafa/contracts';
import { ApiError, type Problem } from '../../lib/api.ts';
import type { Language } from '../../lib/format.ts';

export type MemberPortal = MemberPortalView;
export type MemberHistory = MemberHistoryPage;
export type MemberHistoryEntry = MemberHistoryPage['items'][number];
export type MemberCatalogue = MemberCatalogueView;
export type DonationReceipt = MemberDonationReceipt;
export type MemberInvite = MemberInviteView;
export type { MemberJoin };
/** Where the code goes: a phone (SMS) or an e-mail address. */
export type MemberAddress = { phone: string } | { email: string };

async function call<T>(language: Language, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { ...headers, 'Accept-Language': language, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  const data: unknown = isJson ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, (isJson ? data : { detail: String(data) }) as Partial<Problem>);
  return data as T;
}

export function memberPortalApi(workspace: string, language: Language) {
  const base = `/api/public/loyalty/${encodeURIComponent(workspace)}`;
  return {
    requestCode: (address: MemberAddress, referralCode?: string) =>
      call<MemberCodeSent>(language, 'POST', `${base}/otp`, { ...address, language, ...(referralCode ? { referralCode } : {}) }),
    verify: (address: MemberAddress, code: string, join?: MemberJoin) =>
      call<MemberPortal>(language, 'POST', `${base}/otp/verify`, { ...address, code, ...(join ? { join } : {}) }),
    invite: (code: string) => call<MemberInvite>(language, 'GET', `${base}/invites/${encodeURIComponent(code)}`),
    me: () => call<MemberPortal>(language, 'GET', `${base}/me`),
    history: (cursor?: string) => call<MemberHistory>(language, 'GET', `${base}/me/history${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`),
    catalogue: () => call<MemberCatalogue>(language, 'GET', `${base}/me/catalogue`),
    donate: (charityId: string, points: number, key: string) =>
      call<DonationReceipt>(language, 'POST', `${base}/me/donations`, { charityId, points }, { 'Idempotency-Key': key }),
    credit: () => call<MemberCreditView>(language, 'GET', `${base}/me/credit`),
    redeemPartnerOffer: (offerId: string, key: string) =>
      call<MemberPartnerRedemption>(language, 'POST', `${base}/me/partner-offers/${encodeURIComponent(offerId)}/redemptions`, undefined, { 'Idempotency-Key': key }),
    signOut: () => call<void>(language, 'POST', `${base}/sign-out`),
  };
}
