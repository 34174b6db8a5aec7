// The customer page's points card: balances, every upcoming expiry (not only the soonest), points
// still pending, the history with the reason for each change, and, for staff who may, credit or
// spend points by hand (a goodwill gesture, a counter redemption) and reverse an entry; the member's
// automatic share of each purchase to a charity (customer-charity-share.tsx).
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { formatInstant, formatNumber } from '../../lib/format.ts';
import { parseLocalisedNumber } from '../../lib/money.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, Dialog, ErrorState, Skeleton, TextField, UserText, useToast } from '../../ui/index.ts';
import { loyaltyApi, loyaltyKeys, type Entry, type HistoryEntry } from './api.ts';
import { canChangePoints, canManageLoyalty } from './loyalty-roles.ts';
import { couponKeys } from './coupons-api.ts';
import { CustomerCoupons } from './customer-coupons.tsx';
import { CustomerCharityShare } from './customer-charity-share.tsx';
import { CustomerCredit } from './customer-credit.tsx';
import { TransferDialog } from './customer-transfer.tsx';
import { newIdempotencyKey, partnerLineNames, signedPoints } from './loyalty-format.ts';
import { EntryEventCause, entryNote } from './entry-cause.tsx';
import './loyalty.css';

type Change = 'earn' | 'redeem';

export function CustomerLoyalty({ customerId, canChange }: { customerId: string; canChange: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const balance = useQuery({ queryKey: loyaltyKeys.balance(customerId), queryFn: () => loyaltyApi.balance(customerId) });
  const [changing, setChanging] = useState<Change | null>(null);
  const [transferring, setTransferring] = useState(false);
  const writer = canChange && canChangePoints(session.role);
  const b = balance.data;
  return (
    <section className="card loyalty-card" aria-labelledby="loyalty-heading">
      <div className="card-head">
        <h2 id="loyalty-heading">{t('loyalty.member.title')}</h2>
        {writer && (
          <div className="loyalty-card-actions">
            <Button onPress={() => setChanging('earn')}>{t('loyalty.member.earn')}</Button>
            <Button onPress={() => setChanging('redeem')} isDisabled={!b || b.available === 0}>{t('loyalty.member.redeem')}</Button>
            <Button onPress={() => setTransferring(true)} isDisabled={!b || b.available === 0}>{t('loyalty.transfer.open')}</Button>
          </div>
        )}
      </div>
      {balance.isPending ? <Skeleton lines={3} /> : balance.isError ? <ErrorState detail={balance.error.message} onRetry={() => void balance.refetch()} /> : (
        <>
          <dl className="loyalty-balances" data-testid="loyalty-balances">
            <div><dt>{t('loyalty.member.available')}</dt><dd className="loyalty-big">{formatNumber(b!.available, prefs)}</dd></div>
            <div><dt>{t('loyalty.member.pending')}</dt><dd>{formatNumber(b!.pending, prefs)}</dd></div>
            <div><dt>{t('loyalty.member.qualifying')}</dt><dd>{formatNumber(b!.qualifying, prefs)}</dd></div>
          </dl>
          {b!.expiring.length > 0 && (
            <div className="loyalty-dates">
              <h3>{t('loyalty.member.expiring')}</h3>
              <ul data-testid="loyalty-expiring">
                {b!.expiring.map((e) => (
                  <li key={e.expiresAt}>{t('loyalty.member.expiresOn', { points: formatNumber(e.points, prefs), date: formatInstant(e.expiresAt, prefs, false) })}</li>
                ))}
              </ul>
            </div>
          )}
          {b!.expiredUnbooked.length > 0 && (
            // Past their expiry as of this read (the hourly run books it): not in the balance above.
            <div className="loyalty-dates">
              <h3>{t('loyalty.member.expired')}</h3>
              <ul data-testid="loyalty-expired">
                {b!.expiredUnbooked.map((e) => (
                  <li key={e.expiredAt}>{t('loyalty.member.expiredOn', { points: formatNumber(e.points, prefs), date: formatInstant(e.expiredAt, prefs, false) })}</li>
                ))}
              </ul>
            </div>
          )}
          {b!.unlocking.length > 0 && (
            <div className="loyalty-dates">
              <h3>{t('loyalty.member.unlocking')}</h3>
              <ul>
                {b!.unlocking.map((u) => (
                  <li key={u.unlocksAt}>{t('loyalty.member.unlocksOn', { points: formatNumber(u.points, prefs), date: formatInstant(u.unlocksAt, prefs, false) })}</li>
                ))}
              </ul>
            </div>
          )}
          <CustomerCoupons customerId={customerId} canManage={canChange && canManageLoyalty(session.role)} />
          <CustomerCredit customerId={customerId} canRefund={canChange && canManageLoyalty(session.role)} canSell={writer} />
          <CustomerCharityShare customerId={customerId} canChange={writer} />
          <History customerId={customerId} canReverse={canChange && canManageLoyalty(session.role)} />
        </>
      )}
      {changing && <ChangeDialog customerId={customerId} change={changing} available={b?.available ?? 0} onClose={() => setChanging(null)} />}
      {transferring && <TransferDialog customerId={customerId} available={b?.available ?? 0} onClose={() => setTransferring(false)} />}
    </section>
  );
}

/** What a partner's line was: the offer and partner redeemed at (or earned at), as they are named now. */
function PartnerLine({ link }: { link: NonNullable<HistoryEntry['partner']> }) {
  const t = useT();
  const { language } = usePrefs();
  const { partner, offer } = partnerLineNames(link, language);
  return <span data-testid="loyalty-entry-partner">{offer ? t('loyalty.member.partnerOffer', { offer, partner }) : t('loyalty.member.atPartner', { partner })}</span>;
}

function History({ customerId, canReverse }: { customerId: string; canReverse: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const [reversing, setReversing] = useState<Entry | null>(null);
  const history = useInfiniteQuery({
    queryKey: loyaltyKeys.history(customerId),
    queryFn: ({ pageParam }) => loyaltyApi.history(customerId, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  if (history.isPending) return <Skeleton lines={3} />;
  if (history.isError) return <ErrorState detail={history.error.message} onRetry={() => void history.refetch()} />;
  const entries = history.data.pages.flatMap((p) => p.items);
  return (
    <div className="loyalty-history">
      <h3>{t('loyalty.member.history')}</h3>
      {entries.length === 0 ? <p className="muted">{t('loyalty.member.noHistory')}</p> : (
        <ul data-testid="loyalty-history">
          {entries.map((e) => {
            const spendable = e.points.available + e.points.pending;
            return (
              <li key={e.id} className="loyalty-entry">
                <span className="loyalty-entry-head">
                  <Badge tone={spendable > 0 ? 'good' : spendable < 0 ? 'warn' : 'neutral'}>{t(`loyalty.kind.${e.kind}`)}</Badge>
                  <bdi className={`loyalty-delta ${spendable < 0 ? 'is-negative' : ''}`}>{signedPoints(spendable, prefs)}</bdi>
                </span>
                {/* A repayment of owed points is the system's entry: its reason is a code, said in the reader's words. */}
                {e.partner && <PartnerLine link={e.partner} />}
                <EntryEventCause source={e.source} />
                {/* A transfer received is the giver's entry: link to the giver. */}
                {e.kind === 'transfer' && e.customerId !== null && e.customerId !== customerId && (
                  <Link href={`/customers/${e.customerId}`} data-testid="loyalty-transfer-from">{t('loyalty.transfer.from')}</Link>
                )}
                {e.reason === 'negative_balance_repaid' ? <span>{t('loyalty.member.owedRepaid')}</span> : entryNote(e) && <UserText>{entryNote(e)}</UserText>}
                <span className="muted loyalty-entry-meta">
                  {formatInstant(e.createdAt, prefs)}
                  {e.reversedByEntryId !== null && <> · {t('loyalty.member.reversed')}</>}
                </span>
                {canReverse && e.reversedByEntryId === null && e.reversesEntryId === null && (e.kind === 'earn' || e.kind === 'redeem' || e.kind === 'adjust') && (
                  <Button variant="ghost" className="loyalty-reverse" onPress={() => setReversing(e)}>{t('loyalty.member.reverse')}</Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {history.hasNextPage && <Button onPress={() => void history.fetchNextPage()} isDisabled={history.isFetchingNextPage}>{t('common.loadMore')}</Button>}
      {reversing && <ReverseDialog customerId={customerId} entry={reversing} onClose={() => setReversing(null)} />}
    </div>
  );
}

function useRefreshMember(customerId: string) {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: loyaltyKeys.balance(customerId) });
    void client.invalidateQueries({ queryKey: loyaltyKeys.history(customerId) });
    // A reversal gives points back and repays what the member owes at once: the owed line changes too.
    void client.invalidateQueries({ queryKey: couponKeys.owed(customerId) });
  };
}

function ChangeDialog({ customerId, change, available, onClose }: { customerId: string; change: Change; available: number; onClose: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const refresh = useRefreshMember(customerId);
  const submit = useSubmit();
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  // One key per change the person means: pressing again after a timeout is the same change.
  const [key] = useState(newIdempotencyKey);
  const parsed = parseLocalisedNumber(points);
  const pointsError = points.trim() === '' ? undefined
    : parsed === null || !Number.isInteger(parsed) || parsed < 1 ? t('loyalty.member.pointsInvalid')
    : change === 'redeem' && parsed > available ? t('loyalty.member.pointsOver', { available: formatNumber(available, prefs) }) : undefined;
  const handle = async () => {
    if (parsed === null || pointsError) return;
    const ok = await submit.run(() => (change === 'earn' ? loyaltyApi.earn : loyaltyApi.redeem)(customerId, { points: parsed, reason: reason.trim() }, key));
    if (ok) {
      refresh();
      toast(t(change === 'earn' ? 'loyalty.member.earned' : 'loyalty.member.redeemed', { points: formatNumber(parsed, prefs) }));
      onClose();
    }
  };
  return (
    <Dialog title={t(change === 'earn' ? 'loyalty.member.earnTitle' : 'loyalty.member.redeemTitle')} isOpen onOpenChange={(open) => !open && onClose()} size="small">
      <form className="form" onSubmit={(e) => { e.preventDefault(); void handle(); }}>
        <TextField label={t('loyalty.member.points')} value={points} onChange={setPoints} inputMode="numeric" dir="ltr" autoFocus
          errorMessage={pointsError ?? submit.error?.fieldErrors.points} />
        <TextField label={t('loyalty.member.reason')} value={reason} onChange={setReason} isRequired
          description={t('loyalty.member.reasonHelp')} errorMessage={submit.error?.fieldErrors.reason} />
        {submit.error && !submit.error.fieldErrors.points && !submit.error.fieldErrors.reason && <p className="field-error" role="alert">{submit.error.message}</p>}
        <div className="form-actions">
          <Button type="submit" variant="primary" isDisabled={submit.pending || parsed === null || Boolean(pointsError) || reason.trim() === ''}>
            {t(change === 'earn' ? 'loyalty.member.earn' : 'loyalty.member.redeem')}
          </Button>
          <Button onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Dialog>
  );
}

function ReverseDialog({ customerId, entry, onClose }: { customerId: string; entry: Entry; onClose: () => void }) {
  const t = useT();
  const toast = useToast();
  const refresh = useRefreshMember(customerId);
  const submit = useSubmit();
  const [reason, setReason] = useState('');
  const [key] = useState(newIdempotencyKey);
  const handle = async () => {
    const ok = await submit.run(() => loyaltyApi.reverse(entry.id, reason.trim(), key));
    if (ok) {
      refresh();
      toast(t('loyalty.member.reversedToast'));
      onClose();
    }
  };
  return (
    <Dialog title={t('loyalty.member.reverseTitle')} isOpen onOpenChange={(open) => !open && onClose()} size="small">
      <form className="form" onSubmit={(e) => { e.preventDefault(); void handle(); }}>
        <p>{t('loyalty.member.reverseBody')}</p>
        <TextField label={t('loyalty.member.reason')} value={reason} onChange={setReason} isRequired autoFocus errorMessage={submit.error?.fieldErrors.reason} />
        {submit.error && !submit.error.fieldErrors.reason && <p className="field-error" role="alert">{submit.error.message}</p>}
        <div className="form-actions">
          <Button type="submit" variant="primary" isDisabled={submit.pending || reason.trim() === ''}>{t('loyalty.member.reverse')}</Button>
          <Button onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Dialog>
  );
}
