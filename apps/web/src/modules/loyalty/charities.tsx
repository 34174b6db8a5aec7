// /loyalty's charities (the values program, issue 12): each charity with its conversion rate, its
// state and what members gave it; for managers, add, change and archive; for everyone who reads
// loyalty, a charity's donations with their receipt numbers, donors, points, money and dates in the
// reader's calendar. What is owed to charities by period is the finance report's, linked, not
// repeated. Typed numbers may be in any digits; the server's rules come back on their fields.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import type { MessageKey } from '../../i18n/en.ts';
import { useT } from '../../i18n/useT.ts';
import { formatInstant, formatMoney, formatNumber, localiseDigits, toLatinDigits } from '../../lib/format.ts';
import { formatMajorForInput, moneyUnitName } from '../../lib/money.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, ConfirmDialog, DataTable, Dialog, ErrorState, PlusIcon, Skeleton, Switch, TextField, UserText, useToast, type DataTableColumn } from '../../ui/index.ts';
import { loyaltyKeys, loyaltyApi, type Charity } from './api.ts';
import { charitiesApi, charityKeys, DONATIONS_SHOWN, type Donation } from './charities-api.ts';
import { charityState, donationWorth, parseRate, type RateError } from './charity-form.ts';
import { canSeeFinance } from './finance-api.ts';
import { localName, newIdempotencyKey } from './loyalty-format.ts';
import { canManageLoyalty } from './loyalty-roles.ts';
import './charities.css';

const STATE_TONE = { archived: 'neutral', paused: 'warn', active: 'good' } as const;

export function CharityStateBadge({ charity }: { charity: { archived: boolean; active: boolean } }) {
  const t = useT();
  const state = charityState(charity);
  return <Badge tone={STATE_TONE[state]}>{t(`loyalty.charities.state.${state}`)}</Badge>;
}

/** "10 points = 1,000 tomans", in the reader's digits and the workspace's unit. */
export function useRateText() {
  const t = useT();
  const prefs = usePrefs();
  return (c: { ratePoints: number; rateMinor: number; currency: string }) =>
    t('loyalty.charities.rateText', { points: formatNumber(c.ratePoints, prefs), amount: formatMoney(c.rateMinor, c.currency, prefs, prefs.irrDisplay) });
}

export function Charities() {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const manager = canManageLoyalty(session.role);
  const rateText = useRateText();
  const [editing, setEditing] = useState<Charity | 'new' | null>(null);
  const [archiving, setArchiving] = useState<Charity | null>(null);
  const [viewing, setViewing] = useState<Charity | null>(null);
  const charities = useQuery({ queryKey: loyaltyKeys.charities, queryFn: loyaltyApi.charities });
  const name = (c: Charity) => localName(c.name, prefs.language);
  const columns: DataTableColumn<Charity>[] = [
    {
      id: 'name', header: t('loyalty.charities.name'), isPrimary: true,
      cell: (c) => (
        <span className="charity-name">
          <UserText>{name(c)}</UserText>
          {c.registration && <span className="muted charity-registration">{t('loyalty.charities.registrationShort')} <UserText>{localiseDigits(toLatinDigits(c.registration), prefs.digits)}</UserText></span>}
        </span>
      ),
    },
    { id: 'rate', header: t('loyalty.charities.rate'), cell: rateText },
    { id: 'state', header: t('loyalty.charities.stateHeader'), cell: (c) => <CharityStateBadge charity={c} /> },
    { id: 'donations', header: t('loyalty.charities.donations'), align: 'end', cell: (c) => formatNumber(c.totals.donations, prefs) },
    { id: 'points', header: t('loyalty.charities.points'), align: 'end', cell: (c) => formatNumber(c.totals.points, prefs) },
    { id: 'amount', header: t('loyalty.charities.amount'), align: 'end', cell: (c) => formatMoney(c.totals.amountMinor, c.currency, prefs, prefs.irrDisplay) },
    {
      id: 'actions', header: t('loyalty.charities.actions'), hideHeader: true,
      cell: (c) => (
        <span className="charity-actions">
          <Button variant="ghost" onPress={() => setViewing(c)} aria-label={t('loyalty.charities.donationsOf', { name: name(c) })}>{t('loyalty.charities.viewDonations')}</Button>
          {manager && !c.archived && (
            <>
              <Button variant="ghost" onPress={() => setEditing(c)} aria-label={t('loyalty.charities.editOf', { name: name(c) })}>{t('common.edit')}</Button>
              <Button variant="ghost" onPress={() => setArchiving(c)} aria-label={t('loyalty.charities.archiveOf', { name: name(c) })}>{t('loyalty.charities.archive')}</Button>
            </>
          )}
        </span>
      ),
    },
  ];
  return (
    <section className="card" aria-labelledby="loyalty-charities">
      <div className="card-head">
        <h2 id="loyalty-charities">{t('loyalty.charities.title')}</h2>
        {manager && <Button variant="primary" onPress={() => setEditing('new')}><PlusIcon />{t('loyalty.charities.new')}</Button>}
      </div>
      <p className="muted">{t('loyalty.charities.intro')}</p>
      <DataTable
        label={t('loyalty.charities.title')}
        columns={columns}
        rows={charities.data?.items ?? []}
        rowKey={(c) => c.id}
        rowProps={(c) => ({ 'data-charity': c.id })}
        isLoading={charities.isPending}
        error={charities.isError ? { detail: charities.error.message, onRetry: () => void charities.refetch() } : null}
        empty={{ title: t('loyalty.charities.empty'), body: t(manager ? 'loyalty.charities.emptyBody' : 'loyalty.charities.emptyBodyReader') }}
      />
      {canSeeFinance(session.role) && <p className="charity-finance"><Link href="/loyalty/finance">{t('loyalty.charities.financeLink')}</Link></p>}
      {editing && <CharityEditor charity={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      {archiving && <ArchiveCharity charity={archiving} onClose={() => setArchiving(null)} />}
      {viewing && <CharityDonations charityId={viewing.id} onClose={() => setViewing(null)} />}
    </section>
  );
}

const RATE_ERROR_KEY: Record<RateError, MessageKey> = {
  required: 'loyalty.charities.error.required',
  not_whole: 'loyalty.rewards.wholeNumber',
  not_an_amount: 'loyalty.charities.error.amount',
  not_positive: 'loyalty.charities.error.positive',
  too_many_decimals: 'loyalty.charities.error.decimals',
};

/** Add a charity, or change one: names in fa/ar/en, registration, the rate, taking donations or not. */
export function CharityEditor({ charity, onClose }: { charity: Charity | null; onClose: (saved?: Charity) => void }) {
  const t = useT();
  const prefs = usePrefs();
  const queries = useQueryClient();
  const toast = useToast();
  const submit = useSubmit();
  const currency = charity?.currency ?? prefs.currency;
  const unit = moneyUnitName(currency, prefs.irrDisplay, prefs.language);
  // One key per dialog: pressing Save again after a failure replays the same creation.
  const key = useRef(newIdempotencyKey());
  const [fa, setFa] = useState(charity?.name.fa ?? '');
  const [ar, setAr] = useState(charity?.name.ar ?? '');
  const [en, setEn] = useState(charity?.name.en ?? '');
  const [registration, setRegistration] = useState(charity?.registration ?? '');
  const [points, setPoints] = useState(charity ? localiseDigits(String(charity.ratePoints), prefs.digits) : '');
  const [money, setMoney] = useState(charity ? formatMajorForInput(charity.rateMinor, currency, prefs.irrDisplay, prefs) : '');
  const [active, setActive] = useState(charity?.active ?? true);
  // The form's own checks show once something was typed in the field, or after a press of Save.
  const [tried, setTried] = useState(false);
  const rate = parseRate(points, money, currency, prefs.irrDisplay);
  const ownError = (field: 'ratePoints' | 'rateMinor', text: string) => {
    const e = rate.errors[field];
    if (!e || (e === 'required' && !tried) || (text.trim() === '' && !tried)) return undefined;
    return t(RATE_ERROR_KEY[e]);
  };
  // What was sent with the refused save: a server message stays on its field until the field changes.
  const [sent, setSent] = useState<Record<string, string>>({});
  const now: Record<string, string> = { 'name.fa': fa, 'name.ar': ar, 'name.en': en, name: `${fa}|${ar}|${en}`, registration, ratePoints: points, rateMinor: money };
  const paths = Object.fromEntries(Object.entries(submit.error?.fieldPaths ?? {}).map(([field, e]) => [field, e.message]));
  const errors = submit.error?.fieldErrors ?? {};
  const fe: Record<string, string | undefined> = Object.fromEntries(Object.entries({ ...errors, ...paths }).filter(([field]) => !(field in now) || sent[field] === now[field]));
  const nameError = (lang: 'fa' | 'ar' | 'en') => fe[`name.${lang}`] ?? (lang === 'fa' && !fe['name.ar'] && !fe['name.en'] ? fe.name : undefined);
  const worth = rate.ratePoints && rate.ratePoints > 0 ? donationWorth(100, rate.ratePoints, rate.rateMinor) : null;

  const handle = async () => {
    setTried(true);
    if (Object.keys(rate.errors).length > 0 || rate.ratePoints === null || rate.rateMinor === null) return;
    let saved: Charity | undefined;
    setSent(now);
    const ok = await submit.run(async () => {
      const name = Object.fromEntries(Object.entries({ fa: fa.trim(), ar: ar.trim(), en: en.trim() }).filter(([, v]) => v !== ''));
      const fields = { name, registration: registration.trim() === '' ? null : registration.trim(), ratePoints: rate.ratePoints!, rateMinor: rate.rateMinor!, active };
      saved = charity ? await charitiesApi.update(charity.id, fields, key.current) : await charitiesApi.create(fields, key.current);
    });
    if (!ok || !saved) return;
    await queries.invalidateQueries({ queryKey: loyaltyKeys.charities });
    toast(t('loyalty.charities.saved'));
    onClose(saved);
  };

  const serverOnly = submit.error && Object.keys(errors).length === 0;
  return (
    <Dialog title={t(charity ? 'loyalty.charities.editTitle' : 'loyalty.charities.newTitle')} isOpen onOpenChange={(open) => !open && onClose()} size="large">
      <form className="form charity-form" onSubmit={(e) => { e.preventDefault(); void handle(); }} noValidate>
        <fieldset className="charity-form-group charity-form-names">
          <legend>{t('loyalty.charities.nameLegend')}</legend>
          <TextField label={t('loyalty.rewards.nameFa')} value={fa} onChange={setFa} dir="rtl" autoFocus errorMessage={nameError('fa')} />
          <TextField label={t('loyalty.rewards.nameAr')} value={ar} onChange={setAr} dir="rtl" errorMessage={nameError('ar')} />
          <TextField label={t('loyalty.rewards.nameEn')} value={en} onChange={setEn} dir="ltr" errorMessage={nameError('en')} />
        </fieldset>
        <TextField label={t('loyalty.charities.registration')} value={registration} onChange={setRegistration} description={t('loyalty.charities.registrationHelp')}
          errorMessage={fe.registration} />
        <fieldset className="charity-form-group charity-form-rate">
          <legend>{t('loyalty.charities.rateLegend')}</legend>
          <TextField label={t('loyalty.charities.ratePoints')} value={points} onChange={setPoints} inputMode="numeric" dir="ltr" isRequired
            errorMessage={ownError('ratePoints', points) ?? fe.ratePoints} />
          <TextField label={t('loyalty.charities.rateMoney', { unit })} value={money} onChange={setMoney} inputMode="numeric" dir="ltr" isRequired
            errorMessage={ownError('rateMinor', money) ?? fe.rateMinor} />
          <p className="muted charity-form-preview" aria-live="polite">
            {worth !== null
              ? t('loyalty.charities.ratePreview', { points: formatNumber(100, prefs), amount: formatMoney(worth, currency, prefs, prefs.irrDisplay) })
              : t('loyalty.charities.rateHelp')}
          </p>
          {charity && <p className="muted charity-form-note">{t('loyalty.charities.rateChangeNote')}</p>}
        </fieldset>
        <Switch isSelected={active} onChange={setActive}>{t('loyalty.charities.activeSwitch')}</Switch>
        {serverOnly && <p className="field-error" role="alert">{submit.error!.message}</p>}
        <div className="form-actions">
          <Button type="submit" variant="primary" isDisabled={submit.pending}>{t('common.save')}</Button>
          <Button onPress={() => onClose()}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Dialog>
  );
}

function ArchiveCharity({ charity, onClose }: { charity: Charity; onClose: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const queries = useQueryClient();
  const toast = useToast();
  const submit = useSubmit();
  const [key] = useState(newIdempotencyKey);
  const handle = async () => {
    const ok = await submit.run(() => charitiesApi.archive(charity.id, key));
    if (!ok) return;
    await queries.invalidateQueries({ queryKey: loyaltyKeys.charities });
    toast(t('loyalty.charities.archived'));
    onClose();
  };
  return (
    <ConfirmDialog
      title={t('loyalty.charities.archiveTitle')}
      body={<>{t('loyalty.charities.archiveBody', { name: `\u2068${localName(charity.name, prefs.language)}\u2069` })}{submit.error && <span className="field-error" role="alert"> {submit.error.message}</span>}</>}
      confirmLabel={t('loyalty.charities.archive')}
      isOpen
      danger
      isPending={submit.pending}
      onOpenChange={(open) => !open && onClose()}
      onConfirm={() => void handle()}
    />
  );
}

/** A charity's donations, newest receipt first, with its totals and rate. */
function CharityDonations({ charityId, onClose }: { charityId: string; onClose: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const rateText = useRateText();
  const charity = useQuery({ queryKey: charityKeys.charity(charityId), queryFn: () => charitiesApi.charity(charityId) });
  const donations = useQuery({ queryKey: charityKeys.donations(charityId), queryFn: () => charitiesApi.donations(charityId) });
  const c = charity.data;
  const money = (d: Donation) => formatMoney(d.amountMinor, d.currency, prefs, prefs.irrDisplay);
  const columns: DataTableColumn<Donation>[] = [
    { id: 'receipt', header: t('loyalty.charities.receipt'), isPrimary: true, cell: (d) => <bdi dir="ltr" className="charity-receipt">{localiseDigits(d.receiptNumber, prefs.digits)}</bdi> },
    {
      id: 'donor', header: t('loyalty.charities.donor'),
      cell: (d) => <Link href={`/customers/${d.customerId}`}>{d.customerName ? <UserText>{d.customerName}</UserText> : t('loyalty.charities.noDonorName')}</Link>,
    },
    { id: 'points', header: t('loyalty.charities.donationPoints'), align: 'end', cell: (d) => formatNumber(d.points, prefs) },
    { id: 'amount', header: t('loyalty.charities.donationAmount'), align: 'end', cell: money },
    { id: 'date', header: t('loyalty.charities.date'), cell: (d) => formatInstant(d.createdAt, prefs) },
  ];
  const shown = donations.data?.items.length ?? 0;
  return (
    <Dialog title={c ? t('loyalty.charities.donationsTitle', { name: `\u2068${localName(c.name, prefs.language)}\u2069` }) : t('loyalty.charities.donations')}
      isOpen onOpenChange={(open) => !open && onClose()} size="large">
      <div className="charity-donations" data-testid="charity-donations">
        {charity.isPending ? <Skeleton lines={2} /> : charity.isError ? <ErrorState detail={charity.error.message} onRetry={() => void charity.refetch()} /> : (
          <>
            <p className="charity-donations-head"><CharityStateBadge charity={c!} /> <span className="muted">{rateText(c!)}</span></p>
            <dl className="loyalty-balances" data-testid="charity-totals">
              <div><dt>{t('loyalty.charities.donations')}</dt><dd>{formatNumber(c!.totals.donations, prefs)}</dd></div>
              <div><dt>{t('loyalty.charities.points')}</dt><dd>{formatNumber(c!.totals.points, prefs)}</dd></div>
              <div><dt>{t('loyalty.charities.totalAmount')}</dt><dd>{formatMoney(c!.totals.amountMinor, c!.currency, prefs, prefs.irrDisplay)}</dd></div>
            </dl>
          </>
        )}
        <DataTable
          label={t('loyalty.charities.donations')}
          columns={columns}
          rows={donations.data?.items ?? []}
          rowKey={(d) => d.id}
          isLoading={donations.isPending}
          error={donations.isError ? { detail: donations.error.message, onRetry: () => void donations.refetch() } : null}
          empty={{ title: t('loyalty.charities.noDonations'), body: t('loyalty.charities.noDonationsBody') }}
        />
        {c && shown >= DONATIONS_SHOWN && c.totals.donations > shown && (
          <p className="muted">{t('loyalty.charities.newestShown', { shown: formatNumber(shown, prefs), total: formatNumber(c.totals.donations, prefs) })}</p>
        )}
        {canSeeFinance(session.role) && <p className="charity-finance"><Link href="/loyalty/finance">{t('loyalty.charities.financeLink')}</Link></p>}
        <div className="form-actions">
          <Button onPress={onClose}>{t('common.close')}</Button>
        </div>
      </div>
    </Dialog>
  );
}
