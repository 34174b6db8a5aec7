// The member portal's invite card: what a referral pays, the member's code and link (made on the
// first tap), a share button where the phone has one, and copy. Nothing shows when no program of
// the workspace pays referrals.
import { useParams } from '@tanstack/react-router';
import type { MemberReferralView } from '@vafa/contracts';
import { useEffect, useState } from 'react';
import type { MessageKey } from '../../i18n/en.ts';
import { useT } from '../../i18n/useT.ts';
import { ApiError, type Problem } from '../../lib/api.ts';
import { formatMoney, formatNumber, type DisplayPrefs } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Button, CopyButton } from '../../ui/index.ts';
import './referral-link.css';

/** Refusals said in the member's own terms (the server's words are the staff's). */
const REFUSALS = ['self_referral', 'referral_after_first_order', 'referral_already_attached', 'referral_code_unknown', 'referral_code_malformed'];

type Display = Pick<DisplayPrefs, 'language' | 'digits' | 'calendar' | 'timeZone'>;

async function portalCall<T>(workspace: string, language: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/api/public/loyalty/${encodeURIComponent(workspace)}/me/${path}`, {
    method, credentials: 'same-origin',
    headers: { 'Accept-Language': language, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data: unknown = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data as Partial<Problem>);
  return data as T;
}
const referralCall = (workspace: string, language: string, method: 'GET' | 'POST') => portalCall<MemberReferralView>(workspace, language, method, 'referral');

/** The invite link's code (`?ref=`), taken out of the address once read: a reload must not send it again. */
function takeInviteCode(): string | null {
  const url = new URL(window.location.href);
  const code = url.searchParams.get('ref');
  if (code === null) return null;
  url.searchParams.delete('ref');
  window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return code.trim() === '' ? null : code;
}

export function ReferralLink({ display }: { display: Display }) {
  const t = useT();
  const { workspace } = useParams({ strict: false }) as { workspace?: string };
  const [view, setView] = useState<MemberReferralView | null>(null);
  const make = useSubmit();
  const [joined, setJoined] = useState<{ ok: boolean; message: string } | null>(null);
  useEffect(() => {
    if (!workspace) return;
    let live = true;
    void referralCall(workspace, display.language, 'GET').then((v) => { if (live) setView(v); }).catch(() => undefined);
    return () => { live = false; };
  }, [workspace, display.language]);
  // A friend who came by an invite link names who invited them once signed in, by the code in the address.
  useEffect(() => {
    if (!workspace) return;
    const code = takeInviteCode();
    if (!code) return;
    portalCall(workspace, display.language, 'POST', 'referrer', { code })
      .then(() => setJoined({ ok: true, message: t('memberPortal.referralJoined') }))
      .catch((error: unknown) => setJoined({
        ok: false,
        message: error instanceof ApiError ? (REFUSALS.includes(error.code) ? t(`memberPortal.referralRefused.${error.code}` as MessageKey) : error.message) : t('common.networkError'),
      }));
    // once per page load, whatever the language: the code is gone from the address after this
  }, [workspace]);
  if (!workspace || !view || view.offers.length === 0) return null;

  const n = (v: number) => formatNumber(v, display);
  const points = (v: number) => t('memberPortal.points', { count: v, points: n(v) });
  const link = view.path ? `${window.location.origin}${view.path}` : null;
  const handleMake = () => void make.run(async () => setView(await referralCall(workspace, display.language, 'POST')));
  const handleShare = () => {
    if (!link) return;
    void navigator.share?.({ title: t('memberPortal.referralTitle'), text: t('memberPortal.referralShareText', { code: view.code ?? '' }), url: link }).catch(() => undefined);
  };

  return (
    <section className="portal-card portal-referral" aria-labelledby="mp-referral" data-testid="member-referral">
      <h2 id="mp-referral">{t('memberPortal.referralTitle')}</h2>
      {joined && <p className={joined.ok ? 'notice' : 'muted'} role="status" data-testid="member-referral-joined">{joined.message}</p>}
      {view.offers.map((offer) => (
        <p key={offer.program}>
          {t(`memberPortal.referralPays.${offer.reward}`, { referrer: points(offer.referrerPoints), friend: points(offer.friendPoints) })}
          {offer.minOrderAmount > 0 && <> {t('memberPortal.referralMinimum', { amount: formatMoney(offer.minOrderAmount, view.currency, display, view.irrDisplay) })}</>}
        </p>
      ))}
      <p className="muted">{t('memberPortal.referralWhen')}</p>
      {!link ? (
        <Button variant="primary" isPending={make.pending} onPress={handleMake}>{t('memberPortal.referralMake')}</Button>
      ) : (
        <>
          <p className="portal-referral-code-label">{t('memberPortal.referralCode')}</p>
          <p className="portal-referral-code"><bdi dir="ltr" data-testid="member-referral-code">{view.code}</bdi></p>
          <p className="portal-referral-link"><bdi dir="ltr" data-testid="member-referral-link">{link}</bdi></p>
          <div className="portal-referral-actions">
            {typeof navigator.share === 'function' && <Button variant="primary" onPress={handleShare}>{t('memberPortal.referralShare')}</Button>}
            <CopyButton text={link} />
          </div>
        </>
      )}
      {make.error && <p className="form-error" role="alert">{make.error.message}</p>}
    </section>
  );
}
