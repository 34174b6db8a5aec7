// /c/:workspace/points: a member's own points, phone first. Sign-in by a code sent by SMS (phone,
// then the six digits) or by e-mail; a signed-out friend who came by an invite link (`?ref=`) sees
// who invited them and joins with a code the same way. An invite that cannot be used (unknown, or
// past its join codes for the day) says so and leaves the plain sign-in right there. Then the
// balance, every upcoming expiry by day in the workspace's calendar, points on their way, the
// history with the reason for each change, rewards, and giving points to a charity in two taps.
// No staff session is involved: the member's cookie is the portal's own.
import { useCallback, useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { Form } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import type { MessageKey } from '../../i18n/en.ts';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { ApiError } from '../../lib/api.ts';
import { LANGUAGES, formatDay, formatInstant, formatMoney, formatNumber, localiseDigits, toLatinDigits, type Language } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Button, Checkbox, Skeleton, TextField } from '../../ui/index.ts';
import { ProgressBar } from '../../ui/progress.tsx';
import {
  memberPortalApi, type DonationReceipt, type MemberAddress, type MemberCatalogue, type MemberHistoryEntry, type MemberInvite, type MemberJoin, type MemberPortal,
} from './api.ts';
import './member-portal.css';
import { ReferralLink } from './referral-link.tsx';
import { MemberGames } from './member-games.tsx';
import { MemberCoupons } from './member-coupons.tsx';
import { MemberCredit } from './member-credit.tsx';
import { MemberPartnerOffers } from './member-partner-offers.tsx';
import { partnerLineNames } from '../loyalty/loyalty-format.ts';

type Join = { referralCode: string; details: MemberJoin };
type Step =
  | { kind: 'loading' }
  | { kind: 'phone'; notice?: MessageKey; address?: MemberAddress }
  | { kind: 'join'; invite: MemberInvite; referralCode: string }
  | { kind: 'code'; address: MemberAddress; join?: Join; back: Step }
  | { kind: 'member'; view: MemberPortal };

/** The invite link's code (`?ref=`), left in the address: once signed in, the referral card attaches it and takes it out. */
const inviteCodeInAddress = () => new URLSearchParams(window.location.search).get('ref')?.trim() || null;

/** Takes a code no one's out of the address: a reload must not open the dead invite again, nor the referral card try it. */
function dropInviteCode(): void {
  const url = new URL(window.location.href);
  if (!url.searchParams.has('ref')) return;
  url.searchParams.delete('ref');
  window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
}

/**
 * What the friend is told when the server refuses the invite itself (not the phone or the code),
 * and the plain sign-in is offered instead. A spent invite (429 `member_join_too_many`) answers
 * members and strangers alike, so only signing in without it can tell a member's phone apart.
 */
type InviteRefusal = { notice: MessageKey; dead: boolean };
function inviteRefusal(error: unknown): InviteRefusal | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === 'member_join_too_many') return { notice: 'memberPortal.join.spent', dead: false };
  if (error.code === 'referral_code_unknown' || error.code === 'referral_code_malformed' || 'referralCode' in error.fieldErrors) {
    return { notice: 'memberPortal.join.unknown', dead: true };
  }
  return null;
}

export default function MemberPortalPage({ workspace }: { workspace: string }) {
  const prefs = usePrefs();
  const [step, setStep] = useState<Step>({ kind: 'loading' });
  const api = useMemo(() => memberPortalApi(workspace, prefs.language), [workspace, prefs.language]);

  // Signed in before on this browser (the cookie itself is HttpOnly, so a flag says so): straight
  // to the points while the cookie is good. A first visit asks the server nothing (no 401 to log),
  // except a friend's who came by an invite link: they see who invited them and join from there.
  useEffect(() => {
    let live = true;
    const signedOut = () => {
      const referralCode = inviteCodeInAddress();
      if (!referralCode) {
        setStep({ kind: 'phone' });
        return;
      }
      memberPortalApi(workspace, 'fa').invite(referralCode)
        .then((invite) => { if (live) setStep({ kind: 'join', invite, referralCode }); })
        .catch((error: unknown) => {
          if (!live) return;
          // 404: no live member's code. Anything else (too many reads, no network) may pass: the code stays.
          const unknown = error instanceof ApiError && error.status === 404;
          if (unknown) dropInviteCode();
          setStep({ kind: 'phone', notice: unknown ? 'memberPortal.join.unknown' : 'memberPortal.join.unavailable' });
        });
    };
    if (!wasSignedIn(workspace)) {
      signedOut();
      return () => { live = false; };
    }
    memberPortalApi(workspace, 'fa').me()
      .then((view) => { if (live) setStep({ kind: 'member', view }); })
      .catch(() => {
        rememberSignedIn(workspace, false);
        if (live) signedOut();
      });
    return () => { live = false; };
  }, [workspace]);

  // The invite refused: the same screen says why and offers the plain sign-in, the address already typed.
  // A spent invite stays in the address: a member signing in without it still names their inviter on the referral card.
  const handleInviteRefused = (refusal: InviteRefusal, address: MemberAddress) => {
    if (refusal.dead) dropInviteCode();
    setStep({ kind: 'phone', notice: refusal.notice, address });
  };

  return (
    <PortalFrame>
      {step.kind === 'loading' && <section className="portal-card"><Skeleton lines={4} /></section>}
      {step.kind === 'phone' && (
        <PhoneStep
          api={api} notice={step.notice} initial={step.address}
          onSent={(address) => setStep({ kind: 'code', address, back: { kind: 'phone', notice: step.notice, address } })}
        />
      )}
      {step.kind === 'join' && (
        <JoinStep
          api={api} invite={step.invite} referralCode={step.referralCode}
          onSent={(address, join) => setStep({ kind: 'code', address, join, back: step })}
          onInviteRefused={handleInviteRefused}
        />
      )}
      {step.kind === 'code' && (
        <CodeStep
          api={api}
          address={step.address}
          join={step.join}
          onInviteRefused={handleInviteRefused}
          onSignedIn={(view) => { rememberSignedIn(workspace, true); setStep({ kind: 'member', view }); }}
          onChangeAddress={() => setStep(step.back)}
        />
      )}
      {step.kind === 'member' && <MemberView api={api} view={step.view} onSignedOut={() => { rememberSignedIn(workspace, false); setStep({ kind: 'phone' }); }} />}
    </PortalFrame>
  );
}

type Api = ReturnType<typeof memberPortalApi>;

const signedInFlag = (workspace: string) => `vafa.member.${workspace}`;
function wasSignedIn(workspace: string): boolean {
  try {
    return localStorage.getItem(signedInFlag(workspace)) === '1';
  } catch {
    return false;
  }
}
function rememberSignedIn(workspace: string, signedIn: boolean): void {
  try {
    if (signedIn) localStorage.setItem(signedInFlag(workspace), '1');
    else localStorage.removeItem(signedInFlag(workspace));
  } catch {
    // Private browsing without storage: the member signs in again next time.
  }
}

function PortalFrame({ children }: { children: ReactNode }) {
  const t = useT();
  const prefs = usePrefs();
  const { setLanguage } = prefs;
  const [arrivalLanguage] = useState(() => new URLSearchParams(window.location.search).get('lang'));
  useEffect(() => {
    if (arrivalLanguage && (LANGUAGES as string[]).includes(arrivalLanguage)) setLanguage(arrivalLanguage as Language);
  }, [arrivalLanguage, setLanguage]);
  return (
    <div className="portal-page">
      <header className="portal-top">
        <span className="brand-mark" aria-hidden="true">و</span>
        <div className="portal-languages" role="group" aria-label={t('prefs.language')}>
          {LANGUAGES.map((language) => (
            <Button key={language} variant="ghost" aria-pressed={prefs.language === language} onPress={() => prefs.setLanguage(language)}>
              <span lang={language}>{t(`lang.${language}`)}</span>
            </Button>
          ))}
        </div>
      </header>
      <main id="main" className="portal-main">{children}</main>
    </div>
  );
}

/** A phone (SMS) or, at the member's choice, an e-mail address: the field and its switch. */
function AddressField({ byEmail, value, onChange, onSwitch, error, help }: {
  byEmail: boolean; value: string; onChange: (value: string) => void; onSwitch: () => void; error: string | undefined; help: boolean;
}) {
  const t = useT();
  const prefs = usePrefs();
  return (
    <>
      {byEmail ? (
        <TextField
          label={t('memberPortal.email')}
          value={value}
          onChange={onChange}
          type="email"
          inputMode="email"
          dir="ltr"
          autoComplete="email"
          isRequired
          description={help ? t('memberPortal.emailHelp') : undefined}
          errorMessage={error}
        />
      ) : (
        <TextField
          label={t('memberPortal.phone')}
          value={localiseDigits(value, prefs.digits)}
          onChange={(v) => onChange(toLatinDigits(v))}
          type="tel"
          inputMode="tel"
          dir="ltr"
          autoComplete="tel"
          isRequired
          description={help ? t('memberPortal.phoneHelp') : undefined}
          errorMessage={error}
        />
      )}
      <Button variant="ghost" className="portal-switch" onPress={onSwitch}>{t(byEmail ? 'memberPortal.usePhone' : 'memberPortal.useEmail')}</Button>
    </>
  );
}

const addressOf = (byEmail: boolean, value: string): MemberAddress => (byEmail ? { email: value.trim() } : { phone: toLatinDigits(value.trim()) });

function PhoneStep({ api, notice, initial, onSent }: { api: Api; notice?: MessageKey; initial?: MemberAddress; onSent: (address: MemberAddress) => void }) {
  const t = useT();
  const [byEmail, setByEmail] = useState(initial !== undefined && 'email' in initial);
  const [value, setValue] = useState(initial === undefined ? '' : 'email' in initial ? initial.email : initial.phone);
  const { error, pending, run, setError } = useSubmit();
  const fe = useFieldError(error);
  const field = byEmail ? 'email' : 'phone';
  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const sent = await api.requestCode(addressOf(byEmail, value));
      onSent(sent.email !== undefined ? { email: sent.email } : { phone: sent.phone ?? value });
    });
  };
  return (
    <section className="portal-card" aria-labelledby="mp-title">
      <h1 id="mp-title">{t('memberPortal.title')}</h1>
      {notice && <p className="notice" role="status" data-testid="member-notice">{t(notice)}</p>}
      <p className="muted">{t(byEmail ? 'memberPortal.introEmail' : 'memberPortal.intro')}</p>
      <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
        {error && !(field in error.fieldErrors) && <p className="form-error" role="alert">{error.message}</p>}
        <AddressField
          byEmail={byEmail} value={value} onChange={setValue} error={fe(field)} help
          onSwitch={() => { setByEmail(!byEmail); setValue(''); setError(null); }}
        />
        <Button type="submit" variant="primary" isPending={pending}>{t(byEmail ? 'memberPortal.sendEmailCode' : 'memberPortal.sendCode')}</Button>
      </Form>
    </section>
  );
}

type InviteRefused = (refusal: InviteRefusal, address: MemberAddress) => void;

/** A signed-out friend's invite: who invited them (a first name, or the shop), what they earn, and joining by a code. */
function JoinStep({ api, invite, referralCode, onSent, onInviteRefused }: {
  api: Api; invite: MemberInvite; referralCode: string; onSent: (address: MemberAddress, join: Join) => void; onInviteRefused: InviteRefused;
}) {
  const t = useT();
  const prefs = usePrefs();
  const [byEmail, setByEmail] = useState(false);
  const [value, setValue] = useState('');
  const [name, setName] = useState('');
  const [consent, setConsent] = useState(false);
  const { error, pending, run, setError } = useSubmit();
  const fe = useFieldError(error);
  const field = byEmail ? 'email' : 'phone';
  const gift = Math.max(0, ...invite.offers.map((o) => o.friendPoints));
  const minimum = Math.max(0, ...invite.offers.filter((o) => o.friendPoints === gift).map((o) => o.minOrderAmount));
  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    const address = addressOf(byEmail, value);
    void run(async () => {
      let sent: Awaited<ReturnType<Api['requestCode']>>;
      try {
        sent = await api.requestCode(address, referralCode);
      } catch (error) {
        const refusal = inviteRefusal(error);
        if (!refusal) throw error;
        onInviteRefused(refusal, address);
        return;
      }
      const details: MemberJoin = { consent, ...(name.trim() ? { name: name.trim() } : {}) };
      onSent(sent.email !== undefined ? { email: sent.email } : { phone: sent.phone ?? value }, { referralCode, details });
    });
  };
  return (
    <section className="portal-card portal-join" aria-labelledby="mp-join" data-testid="member-join">
      <h1 id="mp-join">
        {invite.inviterFirstName
          ? t('memberPortal.join.title', { name: invite.inviterFirstName })
          : t('memberPortal.join.titleWorkspace', { workspace: invite.workspace.name })}
      </h1>
      <p className="portal-shop">{invite.workspace.name}</p>
      {gift > 0 && (
        <p className="portal-join-gift">
          {t('memberPortal.join.gift', { points: t('memberPortal.points', { count: gift, points: formatNumber(gift, prefs) }) })}
          {minimum > 0 && <> {t('memberPortal.referralMinimum', { amount: formatMoney(minimum, invite.currency, prefs, invite.irrDisplay) })}</>}
        </p>
      )}
      <p className="muted">{t(byEmail ? 'memberPortal.join.introEmail' : 'memberPortal.join.intro', { workspace: invite.workspace.name })}</p>
      <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
        {error && !(field in error.fieldErrors) && <p className="form-error" role="alert">{error.message}</p>}
        <AddressField
          byEmail={byEmail} value={value} onChange={setValue} error={fe(field)} help={false}
          onSwitch={() => { setByEmail(!byEmail); setValue(''); setError(null); }}
        />
        <TextField label={t('memberPortal.join.name')} value={name} onChange={setName} autoComplete="given-name" />
        <Checkbox isSelected={consent} onChange={setConsent}>{t(byEmail ? 'memberPortal.join.consentEmail' : 'memberPortal.join.consentSms')}</Checkbox>
        <Button type="submit" variant="primary" isPending={pending}>{t(byEmail ? 'memberPortal.sendEmailCode' : 'memberPortal.sendCode')}</Button>
      </Form>
    </section>
  );
}

function CodeStep({ api, address, join, onInviteRefused, onSignedIn, onChangeAddress }: {
  api: Api; address: MemberAddress; join?: Join; onInviteRefused: InviteRefused; onSignedIn: (view: MemberPortal) => void; onChangeAddress: () => void;
}) {
  const t = useT();
  const prefs = usePrefs();
  const [code, setCode] = useState('');
  const [resent, setResent] = useState(false);
  const { error, pending, run, setError } = useSubmit();
  const fe = useFieldError(error);
  const byEmail = 'email' in address;
  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => onSignedIn(await api.verify(address, toLatinDigits(code.trim()), join?.details)));
  };
  const handleResend = () => {
    setResent(false);
    void run(async () => {
      try {
        await api.requestCode(address, join?.referralCode);
      } catch (error) {
        const refusal = join ? inviteRefusal(error) : null;
        if (!refusal) throw error;
        onInviteRefused(refusal, address);
        return;
      }
      setResent(true);
    }).then((ok) => { if (!ok) setCode(''); });
  };
  const sentKey: MessageKey = join ? 'memberPortal.join.codeSent' : byEmail ? 'memberPortal.codeSentEmail' : 'memberPortal.codeSent';
  return (
    <section className="portal-card" aria-labelledby="mp-code">
      <h1 id="mp-code">{t('memberPortal.codeTitle')}</h1>
      <p className="muted">
        {t(sentKey)}{' '}
        <bdi dir="ltr" className="portal-phone">{'email' in address ? address.email : localiseDigits(address.phone, prefs.digits)}</bdi>
      </p>
      {resent && <p className="notice" role="status">{t('memberPortal.codeResent')}</p>}
      <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
        {error && !('code' in error.fieldErrors) && <p className="form-error" role="alert">{error.message}</p>}
        <TextField
          label={t(byEmail ? 'memberPortal.codeEmail' : 'memberPortal.code')}
          value={localiseDigits(code, prefs.digits)}
          onChange={(v) => { setCode(toLatinDigits(v).replace(/\D/g, '').slice(0, 6)); setError(null); }}
          inputMode="numeric"
          dir="ltr"
          autoComplete="one-time-code"
          autoFocus
          isRequired
          className="portal-code-field"
          errorMessage={fe('code')}
        />
        <Button type="submit" variant="primary" isPending={pending}>{t('memberPortal.signIn')}</Button>
      </Form>
      <div className="portal-links">
        <Button variant="ghost" onPress={handleResend}>{t('memberPortal.resend')}</Button>
        <Button variant="ghost" onPress={onChangeAddress}>{t(byEmail ? 'memberPortal.changeEmail' : 'memberPortal.changePhone')}</Button>
      </div>
    </section>
  );
}

function MemberView({ api, view: first, onSignedOut }: { api: Api; view: MemberPortal; onSignedOut: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const [view, setView] = useState(first);
  // The workspace's calendar and time zone for its dates; the reader's language and digits.
  const display = { language: prefs.language, digits: prefs.digits, calendar: view.workspace.calendar, timeZone: view.workspace.timeZone };
  const n = (value: number) => formatNumber(value, display);
  const points = (value: number) => t('memberPortal.points', { count: value, points: n(value) });
  // Each change the member makes here (a gift, a coupon, a partner offer) reloads the balance and
  // the history, so the new line shows with its reason without a reload of the page.
  const [changes, setChanges] = useState(0);
  const refresh = useCallback(() => {
    setChanges((c) => c + 1);
    void api.me().then(setView).catch(() => undefined);
  }, [api]);
  const handleSignOut = () => { void api.signOut().finally(onSignedOut); };

  return (
    <>
      <section className="portal-card portal-balance" aria-labelledby="mp-balance">
        {/* The shop and the member on lines of their own, each name isolated: a Persian name on an English page keeps its order. */}
        <p className="portal-shop"><bdi>{view.workspace.name}</bdi></p>
        <p className="muted">{view.member.name ? <>{t('memberPortal.hello')} <bdi>{view.member.name}</bdi></> : t('memberPortal.helloNoName')}</p>
        <h1 id="mp-balance" className="portal-balance-label">{t('memberPortal.available')}</h1>
        <p className="portal-balance-number" data-testid="member-available">{n(view.balance.available)}</p>
        <dl className="portal-facts">
          <div><dt>{t('memberPortal.pending')}</dt><dd data-testid="member-pending">{n(view.balance.pending)}</dd></div>
          <div><dt>{t('memberPortal.qualifying')}</dt><dd>{n(view.balance.qualifying)}</dd></div>
        </dl>
      </section>

      {view.tiers.map((tier) => <TierCard key={tier.program} tier={tier} view={view} display={display} />)}

      <section className="portal-card" aria-labelledby="mp-expiring">
        <h2 id="mp-expiring">{t('memberPortal.expiringTitle')}</h2>
        {view.expiring.length === 0 && view.withoutExpiry === 0 && view.expired.length === 0 && <p className="muted">{t('memberPortal.expiringNone')}</p>}
        {view.expiring.length > 0 && (
          <ul className="portal-rows" data-testid="member-expiring">
            {view.expiring.map((day) => (
              <li key={day.date}>
                <time dateTime={day.date}>{formatDay(day.date, display)}</time>
                <strong>{points(day.points)}</strong>
              </li>
            ))}
          </ul>
        )}
        {view.withoutExpiry > 0 && <p className="muted">{t('memberPortal.neverExpire', { points: points(view.withoutExpiry) })}</p>}
        {/* Past their expiry when read; the hourly run books it soon after. Never shown as spendable. */}
        {view.expired.length > 0 && (
          <>
            <h3>{t('memberPortal.expiredTitle')}</h3>
            <ul className="portal-rows" data-testid="member-expired">
              {view.expired.map((day) => (
                <li key={day.date}>
                  <time dateTime={day.date}>{formatDay(day.date, display)}</time>
                  <s>{points(day.points)}</s>
                </li>
              ))}
            </ul>
          </>
        )}
        {view.unlocking.length > 0 && (
          <>
            <h3>{t('memberPortal.unlockingTitle')}</h3>
            <ul className="portal-rows">
              {view.unlocking.map((day) => (
                <li key={day.date}>
                  <time dateTime={day.date}>{formatDay(day.date, display)}</time>
                  <strong>{points(day.points)}</strong>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <History api={api} display={display} changes={changes} />
      <Catalogue api={api} display={display} available={view.balance.available} irrDisplay={view.workspace.irrDisplay} onGiven={refresh} />
      <MemberCoupons display={display} available={view.balance.available} onChanged={refresh} />
      <MemberCredit load={api.credit} display={display} irrDisplay={view.workspace.irrDisplay} />
      <ReferralLink display={display} />
      <MemberGames display={display} irrDisplay={view.workspace.irrDisplay} />

      <p className="portal-signout"><Button variant="ghost" onPress={handleSignOut}>{t('memberPortal.signOut')}</Button></p>
    </>
  );
}

function TierCard({ tier, view, display }: { tier: MemberPortal['tiers'][number]; view: MemberPortal; display: Display }) {
  const t = useT();
  const amount = (value: number) => (tier.basis === 'spend'
    ? formatMoney(value, view.workspace.currency, display, view.workspace.irrDisplay)
    : formatNumber(value, display));
  const name = (n: { fa: string; ar: string; en: string }) => n[display.language];
  return (
    <section className="portal-card" aria-label={t('memberPortal.tierTitle')} data-testid="member-tier">
      <p className="muted"><bdi>{tier.program}</bdi></p>
      <h2>{tier.current ? t('memberPortal.tierCurrent', { tier: name(tier.current.name) }) : t('memberPortal.tierNone')}</h2>
      {tier.next ? (
        <ProgressBar
          label={t('memberPortal.tierNext', {
            amount: tier.basis === 'qualifying_points' ? t('memberPortal.points', { count: tier.next.needed, points: amount(tier.next.needed) }) : amount(tier.next.needed),
            tier: name(tier.next.name),
          })}
          value={Math.min(100, Math.round((tier.value / Math.max(1, tier.next.threshold)) * 100))}
          valueText={`${amount(tier.value)} / ${amount(tier.next.threshold)}`}
        />
      ) : <p>{t('memberPortal.tierTop')}</p>}
      <p className="muted">
        {t(`memberPortal.tierBasis.${tier.basis}`, { value: amount(tier.value) })}{' '}
        {tier.windowEndsAt
          ? t('memberPortal.tierWindowEnds', { date: formatInstant(tier.windowEndsAt, display, false) })
          : t('memberPortal.tierWindowRolling', { days: formatNumber(tier.windowDays ?? 0, display) })}
      </p>
    </section>
  );
}

type Display = { language: Language; digits: ReturnType<typeof usePrefs>['digits']; calendar: MemberPortal['workspace']['calendar']; timeZone: string };

/** The member's history, newest first; read again from its first page whenever `changes` moves. */
function History({ api, display, changes }: { api: Api; display: Display; changes: number }) {
  const t = useT();
  const [items, setItems] = useState<MemberHistoryEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [loading, setLoading] = useState(false);
  const load = useCallback(async (after?: string) => {
    setLoading(true);
    try {
      const page = await api.history(after);
      setItems((before) => [...(after ? before ?? [] : []), ...page.items]);
      setCursor(page.nextCursor);
      setFailed(false);
    } catch {
      setFailed(true);
    } finally {
      setLoading(false);
    }
  }, [api]);
  useEffect(() => { void load(); }, [load, changes]);
  const n = (value: number) => formatNumber(Math.abs(value), display);
  // A partner's line names the offer and partner in the member's language (else the first name given).
  const partnerLine = (link: NonNullable<MemberHistoryEntry['partner']>) => {
    const { partner, offer } = partnerLineNames(link, display.language);
    return offer ? t('memberPortal.partnerOffer', { offer, partner }) : t('memberPortal.atPartner', { partner });
  };
  return (
    <section className="portal-card" aria-labelledby="mp-history">
      <h2 id="mp-history">{t('memberPortal.historyTitle')}</h2>
      {items === null && !failed && <Skeleton lines={3} />}
      {failed && <p className="form-error" role="alert">{t('common.networkError')}</p>}
      {items && items.length === 0 && <p className="muted">{t('memberPortal.historyEmpty')}</p>}
      {items && items.length > 0 && (
        <ol className="portal-history" data-testid="member-history">
          {items.map((item) => (
            <li key={item.id} data-cause={item.cause}>
              <div className="portal-history-main">
                <span className="portal-history-cause">{t(`memberPortal.cause.${item.cause}` as MessageKey)}</span>
                {item.reference && (
                  <span className="muted portal-history-ref">{t('memberPortal.reference')} <bdi dir="ltr">{localiseDigits(item.reference, display.digits)}</bdi></span>
                )}
                {item.partner && <span className="portal-history-partner" data-testid="member-history-partner">{partnerLine(item.partner)}</span>}
                {item.note && <span className="muted portal-history-note"><bdi>{item.note}</bdi></span>}
                <time className="muted" dateTime={item.at}>{formatInstant(item.at, display)}</time>
              </div>
              <span className={`portal-history-points ${item.points < 0 ? 'minus' : 'plus'}`} dir="ltr">
                {item.points === 0 ? n(0) : `${item.points < 0 ? '−' : '+'}${n(item.points)}`}
                {item.pending !== 0 && item.available === 0 && <span className="portal-history-pending">{t('memberPortal.pendingShort')}</span>}
              </span>
            </li>
          ))}
        </ol>
      )}
      {cursor && <Button onPress={() => void load(cursor)} isPending={loading}>{t('memberPortal.loadMore')}</Button>}
    </section>
  );
}

const localName = (name: { fa?: string; ar?: string; en?: string }, language: Language) => name[language] ?? name.fa ?? name.ar ?? name.en ?? '';

function Catalogue({ api, display, available, irrDisplay, onGiven }: {
  api: Api; display: Display; available: number; irrDisplay: MemberPortal['workspace']['irrDisplay']; onGiven: () => void;
}) {
  const t = useT();
  const [catalogue, setCatalogue] = useState<MemberCatalogue | null>(null);
  useEffect(() => { void api.catalogue().then(setCatalogue).catch(() => undefined); }, [api]);
  if (!catalogue) return null;
  const n = (value: number) => formatNumber(value, display);
  return (
    <>
      {catalogue.rewards.length > 0 && (
        <section className="portal-card" aria-labelledby="mp-rewards">
          <h2 id="mp-rewards">{t('memberPortal.rewardsTitle')}</h2>
          <ul className="portal-rows">
            {catalogue.rewards.map((reward) => (
              <li key={reward.id}>
                <span dir="auto">{localName(reward.name, display.language)}</span>
                <strong>{t('memberPortal.points', { count: reward.pointsCost, points: n(reward.pointsCost) })}</strong>
              </li>
            ))}
          </ul>
          <p className="muted">{t('memberPortal.rewardsHow')}</p>
        </section>
      )}
      <MemberPartnerOffers offers={catalogue.partnerOffers ?? []} display={display} available={available} irrDisplay={irrDisplay}
        onRedeem={api.redeemPartnerOffer} onRedeemed={onGiven} />
      {catalogue.charities.length > 0 && (
        <section className="portal-card" aria-labelledby="mp-give">
          <h2 id="mp-give">{t('memberPortal.giveTitle')}</h2>
          <p className="muted">{t('memberPortal.giveIntro')}</p>
          {catalogue.charities.map((charity) => (
            <GiveToCharity key={charity.id} api={api} display={display} charity={charity} available={available} onGiven={onGiven} />
          ))}
        </section>
      )}
    </>
  );
}

function GiveToCharity({ api, display, charity, available, onGiven }: {
  api: Api; display: Display; charity: MemberCatalogue['charities'][number]; available: number; onGiven: () => void;
}) {
  const t = useT();
  const [confirming, setConfirming] = useState(false);
  const [receipt, setReceipt] = useState<DonationReceipt | null>(null);
  const [key, setKey] = useState(() => crypto.randomUUID?.() ?? `${Date.now()}-${Math.random()}`);
  const { error, pending, run } = useSubmit();
  const name = localName(charity.name, display.language);
  // A round gift the member can afford: 100 points, or all they have if less.
  const gift = Math.min(100, available);
  const n = (value: number) => formatNumber(value, display);
  const handleGive = () => void run(async () => {
    setReceipt(await api.donate(charity.id, gift, key));
    setConfirming(false);
    setKey(crypto.randomUUID?.() ?? `${Date.now()}-${Math.random()}`);
    onGiven();
  });
  return (
    <div className="portal-charity">
      <p className="portal-charity-name" dir="auto">{name}</p>
      {receipt && (
        <p className="notice" role="status">
          {t('memberPortal.given', {
            points: t('memberPortal.points', { count: receipt.points, points: n(receipt.points) }),
            amount: formatMoney(receipt.amountMinor, receipt.currency, display),
            receipt: localiseDigits(receipt.receiptNumber, display.digits),
          })}
        </p>
      )}
      {error && <p className="form-error" role="alert">{error instanceof ApiError ? error.message : t('common.networkError')}</p>}
      {gift <= 0 ? null : !confirming ? (
        <Button onPress={() => setConfirming(true)}>{t('memberPortal.give', { points: t('memberPortal.points', { count: gift, points: n(gift) }) })}</Button>
      ) : (
        <div className="portal-confirm">
          <p>{t('memberPortal.giveConfirm', { points: t('memberPortal.points', { count: gift, points: n(gift) }), charity: name })}</p>
          <div className="form-actions">
            <Button variant="primary" isPending={pending} onPress={handleGive}>{t('memberPortal.giveYes')}</Button>
            <Button variant="ghost" onPress={() => setConfirming(false)}>{t('common.cancel')}</Button>
          </div>
        </div>
      )}
    </div>
  );
}
