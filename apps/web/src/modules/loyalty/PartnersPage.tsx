// /loyalty/partners: the coalition's partners (terms: billing model, price of a point, monthly caps),
// each partner's offers with the spend that unlocks them and their stock left, and the month's settlement of what the
// workspace and each partner owe each other (from the server, summed over the ledger), with its CSV.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { IRR_UNITS, formatMoney, formatNumber, localeTag, toLatinDigits, type CalendarId } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { DateField } from '../../ui/date-fields.tsx';
import { Badge, Button, ButtonLink, DataTable, Dialog, DownloadIcon, ErrorState, PlusIcon, Select, Skeleton, Switch, TextField, UserText, type DataTableColumn } from '../../ui/index.ts';
import { canSeeFinance } from './finance-api.ts';
import { localName, newIdempotencyKey } from './loyalty-format.ts';
import { canManageLoyalty } from './loyalty-roles.ts';
import { CorrectionDialog } from './partner-corrections.tsx';
import { parseMinor, parsePoints, parseStock, partnerKeys, partnersApi, type Partner, type PartnerOffer, type Settlement } from './partners-api.ts';
import { RewardStateBadge, RewardWindowText } from './reward-state.tsx';
import { windowBackwards, windowInstants, type OfferWindowDays } from './reward-window.ts';
import './partners.css';

type Prefs = ReturnType<typeof usePrefs>;

/** Minor units (a decimal string, possibly past 2^53) in the reader's digits, exactly; IRR in rials or tomans with the unit named. */
export function formatMinor(minor: string, currency: string, prefs: Prefs): string {
  const negative = minor.startsWith('-');
  const digits = negative ? minor.slice(1) : minor;
  const tag = localeTag(prefs);
  if (currency !== 'IRR') return formatMoney(Number(minor), currency, prefs, prefs.irrDisplay);
  const toman = prefs.irrDisplay === 'toman';
  const decimal = toman ? (digits.length > 1 ? `${digits.slice(0, -1)}.${digits.slice(-1)}` : `0.${digits}`) : digits;
  // Intl formats a decimal string exactly (no detour through a double).
  const number = new Intl.NumberFormat(tag, { maximumFractionDigits: toman ? 1 : 0 }).format((negative ? `-${decimal}` : decimal) as unknown as number);
  return `${number} ${IRR_UNITS[prefs.language][prefs.irrDisplay]}`;
}

export default function PartnersPage() {
  const t = useT();
  const session = useSession();
  const manager = canManageLoyalty(session.role);
  return (
    <div className="page partners-page">
      <header className="page-header">
        <div>
          <h1>{t('loyalty.partners.title')}</h1>
          <p className="muted page-intro">{t('loyalty.partners.intro')}</p>
        </div>
      </header>
      <PartnerList manager={manager} />
      {/* The settlement is a finance act (loyalty:finance on the server): finance, owners and admins. */}
      {canSeeFinance(session.role) && <SettlementCard />}
    </div>
  );
}

function PartnerList({ manager }: { manager: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const partners = useQuery({ queryKey: partnerKeys.all, queryFn: partnersApi.list });
  const [editing, setEditing] = useState<Partner | 'new' | null>(null);
  const [offersOf, setOffersOf] = useState<Partner | null>(null);
  const n = (v: number) => formatNumber(v, prefs);
  const cap = (used: number, limit: number | null) => (limit === null ? t('loyalty.partners.noCap', { used: n(used) }) : t('loyalty.partners.capUse', { used: n(used), cap: n(limit) }));
  const columns: DataTableColumn<Partner>[] = [
    { id: 'name', header: t('loyalty.partners.name'), isPrimary: true, cell: (p) => <UserText>{localName(p.name, prefs.language)}</UserText> },
    { id: 'billing', header: t('loyalty.partners.billing'), cell: (p) => t(`loyalty.partners.billing.${p.billingModel}`) },
    { id: 'price', header: t('loyalty.partners.price'), align: 'end', cell: (p) => formatMinor(p.pricePerPointMinor, p.currency, prefs) },
    { id: 'earned', header: t('loyalty.partners.earnedThisMonth'), align: 'end', cell: (p) => cap(p.thisMonth.earned, p.monthlyEarnCap) },
    { id: 'redeemed', header: t('loyalty.partners.redeemedThisMonth'), align: 'end', cell: (p) => cap(p.thisMonth.redeemed, p.monthlyRedeemCap) },
    { id: 'state', header: t('loyalty.partners.state'), cell: (p) => <Badge tone={p.active ? 'good' : 'neutral'}>{t(p.active ? 'loyalty.partners.active' : 'loyalty.partners.paused')}</Badge> },
    {
      id: 'actions', header: t('loyalty.partners.actions'), hideHeader: true,
      cell: (p) => (
        <span className="partners-row-actions">
          <Button onPress={() => setOffersOf(p)}>{t('loyalty.partners.offers')}</Button>
          {manager && <Button onPress={() => setEditing(p)}>{t('loyalty.partners.edit')}</Button>}
        </span>
      ),
    },
  ];
  return (
    <section className="card" aria-labelledby="partners-list">
      <div className="card-head">
        <h2 id="partners-list">{t('loyalty.partners.list')}</h2>
        {manager && <Button variant="primary" onPress={() => setEditing('new')}><PlusIcon />{t('loyalty.partners.new')}</Button>}
      </div>
      <DataTable
        label={t('loyalty.partners.list')}
        columns={columns}
        rows={partners.data?.items ?? []}
        rowKey={(p) => p.id}
        isLoading={partners.isPending}
        error={partners.isError ? { detail: partners.error.message, onRetry: () => void partners.refetch() } : null}
        empty={{ title: t('loyalty.partners.empty'), body: t('loyalty.partners.emptyBody') }}
      />
      {editing !== null && <PartnerEditor partner={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      {offersOf !== null && <OffersDialog partner={offersOf} manager={manager} onClose={() => setOffersOf(null)} />}
    </section>
  );
}

const BILLING = ['at_earning', 'at_redemption'] as const;

/** The money unit a price is typed in: rials for IRR (whatever the display), else the currency's minor unit. */
function minorUnitLabel(currency: string, prefs: Prefs, t: ReturnType<typeof useT>): string {
  return currency === 'IRR' ? IRR_UNITS[prefs.language].rial : t('loyalty.partners.minorUnit', { currency });
}

function PartnerEditor({ partner, onClose }: { partner: Partner | null; onClose: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const queries = useQueryClient();
  const submit = useSubmit();
  const key = useRef(newIdempotencyKey());
  const [fa, setFa] = useState(partner?.name.fa ?? '');
  const [ar, setAr] = useState(partner?.name.ar ?? '');
  const [en, setEn] = useState(partner?.name.en ?? '');
  const [person, setPerson] = useState(partner?.contact.person ?? '');
  const [phone, setPhone] = useState(partner?.contact.phone ?? '');
  const [email, setEmail] = useState(partner?.contact.email ?? '');
  const [billing, setBilling] = useState<(typeof BILLING)[number]>(partner?.billingModel ?? 'at_redemption');
  const [price, setPrice] = useState(partner?.pricePerPointMinor ?? '');
  const [earnCap, setEarnCap] = useState(partner?.monthlyEarnCap === null || partner === null ? '' : String(partner.monthlyEarnCap));
  const [redeemCap, setRedeemCap] = useState(partner?.monthlyRedeemCap === null || partner === null ? '' : String(partner.monthlyRedeemCap));
  const [active, setActive] = useState(partner?.active ?? true);
  const currency = partner?.currency ?? prefs.currency;

  const priceValue = parseMinor(price, toLatinDigits);
  const capValue = (text: string) => (text.trim() === '' ? null : parsePoints(text, toLatinDigits));
  const capBad = (text: string) => text.trim() !== '' && capValue(text) === null;
  const noName = !fa.trim() && !ar.trim() && !en.trim();
  const fe = submit.error?.fieldErrors ?? {};
  const handle = async () => {
    const ok = await submit.run(async () => {
      const contact = Object.fromEntries(Object.entries({ person: person.trim(), phone: phone.trim(), email: email.trim() }).filter(([, v]) => v !== ''));
      const name = Object.fromEntries(Object.entries({ fa: fa.trim(), ar: ar.trim(), en: en.trim() }).filter(([, v]) => v !== ''));
      const body = { name, contact, billingModel: billing, pricePerPointMinor: priceValue!, monthlyEarnCap: capValue(earnCap), monthlyRedeemCap: capValue(redeemCap), active };
      if (partner) await partnersApi.update(partner.id, body, key.current);
      else await partnersApi.create(body, key.current);
    });
    if (ok) {
      await queries.invalidateQueries({ queryKey: partnerKeys.all });
      onClose();
    }
  };
  return (
    <Dialog title={t(partner ? 'loyalty.partners.editTitle' : 'loyalty.partners.newTitle')} isOpen onOpenChange={(open) => !open && onClose()} size="large">
      <form className="form partners-form" onSubmit={(e) => { e.preventDefault(); void handle(); }}>
        <fieldset className="partners-names">
          <legend>{t('loyalty.partners.nameLegend')}</legend>
          <TextField label={t('loyalty.partners.nameFa')} value={fa} onChange={setFa} dir="rtl" autoFocus errorMessage={fe['name.fa'] ?? (noName ? fe.name : undefined)} />
          <TextField label={t('loyalty.partners.nameAr')} value={ar} onChange={setAr} dir="rtl" errorMessage={fe['name.ar']} />
          <TextField label={t('loyalty.partners.nameEn')} value={en} onChange={setEn} dir="ltr" errorMessage={fe['name.en']} />
        </fieldset>
        <fieldset className="partners-names">
          <legend>{t('loyalty.partners.contact')}</legend>
          <TextField label={t('loyalty.partners.person')} value={person} onChange={setPerson} errorMessage={fe['contact.person']} />
          <TextField label={t('loyalty.partners.phone')} value={phone} onChange={setPhone} type="tel" dir="ltr" inputMode="tel" errorMessage={fe['contact.phone']} />
          <TextField label={t('loyalty.partners.email')} value={email} onChange={setEmail} type="email" dir="ltr" errorMessage={fe['contact.email']} />
        </fieldset>
        <Select label={t('loyalty.partners.billing')} value={billing} onChange={setBilling}
          description={t(`loyalty.partners.billingHelp.${billing}`)}
          options={BILLING.map((b) => ({ id: b, label: t(`loyalty.partners.billing.${b}`) }))} />
        <TextField label={t('loyalty.partners.priceIn', { unit: minorUnitLabel(currency, prefs, t) })} value={price} onChange={setPrice} inputMode="numeric" dir="ltr" isRequired
          errorMessage={price.trim() !== '' && priceValue === null ? t('loyalty.partners.wholeNumber') : fe.pricePerPointMinor}
          description={priceValue ? t('loyalty.partners.priceIs', { amount: formatMinor(priceValue, currency, prefs) }) : undefined} />
        <div className="partners-caps">
          <TextField label={t('loyalty.partners.earnCap')} value={earnCap} onChange={setEarnCap} inputMode="numeric" dir="ltr" description={t('loyalty.partners.capHelp')}
            errorMessage={capBad(earnCap) ? t('loyalty.partners.wholePoints') : fe.monthlyEarnCap} />
          <TextField label={t('loyalty.partners.redeemCap')} value={redeemCap} onChange={setRedeemCap} inputMode="numeric" dir="ltr" description={t('loyalty.partners.capHelp')}
            errorMessage={capBad(redeemCap) ? t('loyalty.partners.wholePoints') : fe.monthlyRedeemCap} />
        </div>
        <Switch isSelected={active} onChange={setActive}>{t('loyalty.partners.activeSwitch')}</Switch>
        {submit.error && Object.keys(fe).length === 0 && <p className="field-error" role="alert">{submit.error.message}</p>}
        <div className="form-actions">
          <Button type="submit" variant="primary" isDisabled={submit.pending || noName || priceValue === null || capBad(earnCap) || capBad(redeemCap)}>{t('common.save')}</Button>
          <Button onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Dialog>
  );
}

function OffersDialog({ partner, manager, onClose }: { partner: Partner; manager: boolean; onClose: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const offers = useQuery({ queryKey: partnerKeys.offers(partner.id), queryFn: () => partnersApi.offers(partner.id) });
  const [adding, setAdding] = useState(false);
  const [stockOf, setStockOf] = useState<PartnerOffer | null>(null);
  const columns: DataTableColumn<PartnerOffer>[] = [
    { id: 'name', header: t('loyalty.partners.offerName'), isPrimary: true, cell: (o) => <UserText>{localName(o.name, prefs.language)}</UserText> },
    { id: 'cost', header: t('loyalty.partners.offerCost'), align: 'end', cell: (o) => formatNumber(o.pointsCost, prefs) },
    {
      id: 'unlock', header: t('loyalty.partners.unlock'),
      cell: (o) => (o.minSpendMinor === '0' ? t('loyalty.partners.openToAll')
        : t('loyalty.partners.unlockText', { amount: formatMinor(o.minSpendMinor, partner.currency, prefs), days: formatNumber(o.spendWindowDays, prefs) })),
    },
    {
      id: 'stock', header: t('loyalty.partners.stock'),
      cell: (o) => (
        <span className="partners-stock-cell">
          {o.stock === null
            ? t('loyalty.partners.unlimited')
            : o.stockLeft === 0
              ? <Badge tone="warn">{t('loyalty.partners.allRedeemed', { total: formatNumber(o.stock, prefs) })}</Badge>
              : t('loyalty.partners.stockLeft', { remaining: formatNumber(o.stockLeft ?? 0, prefs), total: formatNumber(o.stock, prefs) })}
          {manager && (
            <Button onPress={() => { setAdding(false); setStockOf(o); }} aria-label={t('loyalty.partners.setStockOf', { name: localName(o.name, prefs.language) })}>
              {t('loyalty.partners.setStock')}
            </Button>
          )}
        </span>
      ),
    },
    {
      id: 'state', header: t('loyalty.partners.state'),
      cell: (o) => <span className="partners-offer-state"><RewardStateBadge reward={{ ...o, archived: false }} /> <span className="muted"><RewardWindowText reward={{ ...o, archived: false }} /></span></span>,
    },
  ];
  return (
    <Dialog title={t('loyalty.partners.offersOf', { name: localName(partner.name, prefs.language) })} isOpen onOpenChange={(open) => !open && onClose()} size="large">
      <DataTable
        label={t('loyalty.partners.offers')}
        columns={columns}
        rows={offers.data?.items ?? []}
        rowKey={(o) => o.id}
        isLoading={offers.isPending}
        error={offers.isError ? { detail: offers.error.message, onRetry: () => void offers.refetch() } : null}
        empty={{ title: t('loyalty.partners.noOffers'), body: t('loyalty.partners.noOffersBody') }}
      />
      {manager && stockOf !== null && <StockForm key={stockOf.id} partner={partner} offer={stockOf} onDone={() => setStockOf(null)} />}
      {manager && stockOf === null && (adding
        ? <OfferForm partner={partner} onDone={() => setAdding(false)} />
        : <div className="form-actions"><Button variant="primary" onPress={() => setAdding(true)}><PlusIcon />{t('loyalty.partners.newOffer')}</Button></div>)}
    </Dialog>
  );
}

function OfferForm({ partner, onDone }: { partner: Partner; onDone: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const queries = useQueryClient();
  const submit = useSubmit();
  const key = useRef(newIdempotencyKey());
  const [fa, setFa] = useState('');
  const [en, setEn] = useState('');
  const [cost, setCost] = useState('');
  const [spend, setSpend] = useState('0');
  const [days, setDays] = useState('365');
  const [stock, setStock] = useState('');
  const [offer, setOffer] = useState<OfferWindowDays>({ firstDay: null, lastDay: null });
  const backwards = windowBackwards(offer);
  const costValue = parsePoints(cost, toLatinDigits);
  const spendValue = parseMinor(spend, toLatinDigits);
  const daysValue = parsePoints(days, toLatinDigits);
  const stockValue = parseStock(stock, toLatinDigits);
  const fe = submit.error?.fieldErrors ?? {};
  const handle = async () => {
    const ok = await submit.run(() => partnersApi.createOffer(partner.id, {
      name: Object.fromEntries(Object.entries({ fa: fa.trim(), en: en.trim() }).filter(([, v]) => v !== '')),
      pointsCost: costValue!, minSpendMinor: spendValue!, spendWindowDays: daysValue!, stock: stockValue as number | null, ...windowInstants(offer, prefs.timeZone),
    }, key.current));
    if (ok) {
      await queries.invalidateQueries({ queryKey: partnerKeys.offers(partner.id) });
      onDone();
    }
  };
  return (
    <form className="form partners-form" onSubmit={(e) => { e.preventDefault(); void handle(); }}>
      <h3>{t('loyalty.partners.newOffer')}</h3>
      <TextField label={t('loyalty.partners.nameFa')} value={fa} onChange={setFa} dir="rtl" autoFocus errorMessage={fe['name.fa'] ?? fe.name} />
      <TextField label={t('loyalty.partners.nameEn')} value={en} onChange={setEn} dir="ltr" errorMessage={fe['name.en']} />
      <div className="partners-caps">
        <TextField label={t('loyalty.partners.offerCost')} value={cost} onChange={setCost} inputMode="numeric" dir="ltr" isRequired
          errorMessage={cost.trim() !== '' && costValue === null ? t('loyalty.partners.wholePoints') : fe.pointsCost} />
        <TextField label={t('loyalty.partners.windowDays')} value={days} onChange={setDays} inputMode="numeric" dir="ltr" isRequired
          errorMessage={daysValue === null || daysValue > 3660 ? t('loyalty.partners.wholeDays') : fe.spendWindowDays} />
      </div>
      <TextField label={t('loyalty.partners.minSpendIn', { unit: minorUnitLabel(partner.currency, prefs, t) })} value={spend} onChange={setSpend} inputMode="numeric" dir="ltr"
        description={t('loyalty.partners.minSpendHelp')} errorMessage={spendValue === null ? t('loyalty.partners.wholeNumber') : fe.minSpendMinor} />
      <TextField label={t('loyalty.partners.stockField')} value={stock} onChange={setStock} inputMode="numeric" dir="ltr"
        description={t('loyalty.partners.stockHelp')} errorMessage={stockValue === undefined ? t('loyalty.partners.wholeNumber') : fe.stock} />
      <div className="partners-caps">
        <DateField label={t('loyalty.rewards.firstDay')} value={offer.firstDay} onChange={(firstDay) => setOffer({ ...offer, firstDay })}
          description={t('loyalty.rewards.firstDayHelp')} errorMessage={fe.validFrom} />
        <DateField label={t('loyalty.rewards.lastDay')} value={offer.lastDay} onChange={(lastDay) => setOffer({ ...offer, lastDay })}
          description={t('loyalty.rewards.lastDayHelp')} errorMessage={backwards ? t('loyalty.rewards.windowBackwards') : fe.validUntil} />
      </div>
      {submit.error && Object.keys(fe).length === 0 && <p className="field-error" role="alert">{submit.error.message}</p>}
      <div className="form-actions">
        <Button type="submit" variant="primary" isDisabled={submit.pending || (!fa.trim() && !en.trim()) || costValue === null || spendValue === null || daysValue === null || daysValue > 3660 || stockValue === undefined || backwards}>
          {t('common.save')}
        </Button>
        <Button onPress={onDone}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}

/**
 * Sets how many of an offer may be redeemed in all (empty: unlimited). The server keeps it from
 * going below what was already redeemed (stock_below_taken on the field) and moves what is left
 * by the same difference.
 */
function StockForm({ partner, offer, onDone }: { partner: Partner; offer: PartnerOffer; onDone: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const queries = useQueryClient();
  const submit = useSubmit();
  const key = useRef(newIdempotencyKey());
  const [stock, setStock] = useState(offer.stock === null ? '' : formatNumber(offer.stock, prefs));
  const stockValue = parseStock(stock, toLatinDigits);
  // What was sent with a refused save: its message stays on the field until the field changes
  // (an invalid field would otherwise block the next submit).
  const [sent, setSent] = useState<string | null>(null);
  const fe = sent === stock ? submit.error?.fieldErrors ?? {} : {};
  // The server's message names the count in Latin digits; ours reads in the reader's.
  const stockError = submit.error?.fieldCodes.stock === 'stock_below_taken' ? t('loyalty.partners.stockBelowRedeemed') : fe.stock;
  const redeemed = offer.stock === null ? null : offer.stock - (offer.stockLeft ?? 0);
  const handle = async () => {
    setSent(stock);
    const ok = await submit.run(() => partnersApi.updateOffer(offer.id, { stock: stockValue as number | null }, key.current));
    if (ok) {
      await queries.invalidateQueries({ queryKey: partnerKeys.offers(partner.id) });
      onDone();
    }
  };
  return (
    <form className="form partners-form" onSubmit={(e) => { e.preventDefault(); void handle(); }}>
      <h3>{t('loyalty.partners.setStockOf', { name: localName(offer.name, prefs.language) })}</h3>
      <TextField label={t('loyalty.partners.stockField')} value={stock} onChange={setStock} inputMode="numeric" dir="ltr" autoFocus
        description={redeemed === null ? t('loyalty.partners.stockHelp') : t('loyalty.partners.stockHelpRedeemed', { redeemed: formatNumber(redeemed, prefs) })}
        errorMessage={stockValue === undefined ? t('loyalty.partners.wholeNumber') : sent === stock ? stockError : undefined} />
      {submit.error && Object.keys(submit.error.fieldErrors).length === 0 && <p className="field-error" role="alert">{submit.error.message}</p>}
      <div className="form-actions">
        <Button type="submit" variant="primary" isDisabled={submit.pending || stockValue === undefined}>{t('common.save')}</Button>
        <Button onPress={onDone}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}

/** "1404-09" one month earlier or later (every supported calendar has twelve months). */
function shiftPeriod(period: string, by: number): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + by;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

function SettlementCard() {
  const t = useT();
  const prefs = usePrefs();
  const [period, setPeriod] = useState<string | null>(null);
  const report = useQuery({ queryKey: partnerKeys.settlement(period ?? 'now'), queryFn: () => partnersApi.settlement(period ?? undefined), placeholderData: (previous) => previous });
  const current = report.data?.period ?? null;
  // The month's name in the workspace's calendar, the reader's language and digits (its middle, so no time zone moves it).
  const monthLabel = (r: Settlement) => new Intl.DateTimeFormat(localeTag({ ...prefs, calendar: r.calendar as CalendarId }), { year: 'numeric', month: 'long', timeZone: prefs.timeZone })
    .format(new Date((Date.parse(r.from) + Date.parse(r.to)) / 2));
  return (
    <section className="card" aria-labelledby="partners-settlement">
      <h2 id="partners-settlement">{t('loyalty.partners.settlement')}</h2>
      <p className="muted">{t('loyalty.partners.settlementIntro')}</p>
      <div className="partners-period">
        <Button isDisabled={!current} onPress={() => current && setPeriod(shiftPeriod(current, -1))}>{t('loyalty.partners.previousMonth')}</Button>
        <strong className="partners-month" aria-live="polite">{report.data ? monthLabel(report.data) : '…'}</strong>
        <Button isDisabled={!current} onPress={() => current && setPeriod(shiftPeriod(current, 1))}>{t('loyalty.partners.nextMonth')}</Button>
        {current && <ButtonLink href={partnersApi.csvHref(current, prefs.language)} download><DownloadIcon />{t('loyalty.partners.csv')}</ButtonLink>}
      </div>
      {report.isError && <ErrorState detail={report.error.message} onRetry={() => void report.refetch()} />}
      {report.isPending && !report.isError && <Skeleton lines={4} label={t('loyalty.partners.settlement')} />}
      {report.data && <SettlementTable report={report.data} />}
    </section>
  );
}

function SettlementTable({ report }: { report: Settlement }) {
  const t = useT();
  const prefs = usePrefs();
  const n = (v: number) => formatNumber(v, prefs);
  const money = (minor: string) => formatMinor(minor, report.currency, prefs);
  type Line = Settlement['items'][number];
  const [correcting, setCorrecting] = useState<Line | null>(null);
  const net = (l: Line) => {
    if (l.netMinor === '0') return t('loyalty.partners.even');
    return l.netMinor.startsWith('-') ? t('loyalty.partners.partnerPays', { amount: money(l.netMinor.slice(1)) }) : t('loyalty.partners.wePay', { amount: money(l.netMinor) });
  };
  const columns: DataTableColumn<Line>[] = [
    { id: 'name', header: t('loyalty.partners.name'), isPrimary: true, cell: (l) => <UserText>{localName(l.partnerName, prefs.language)}</UserText> },
    { id: 'billing', header: t('loyalty.partners.billing'), cell: (l) => t(`loyalty.partners.billing.${l.billingModel}`) },
    { id: 'earned', header: t('loyalty.partners.earnedPoints'), align: 'end', cell: (l) => n(l.earnedPoints) },
    { id: 'redeemed', header: t('loyalty.partners.redeemedPoints'), align: 'end', cell: (l) => n(l.redeemedPoints) },
    { id: 'partnerOwes', header: t('loyalty.partners.partnerOwes'), align: 'end', cell: (l) => t('loyalty.partners.owed', { amount: money(l.partnerOwesMinor), points: n(l.partnerOwesPoints) }) },
    { id: 'weOwe', header: t('loyalty.partners.weOwe'), align: 'end', cell: (l) => t('loyalty.partners.owed', { amount: money(l.workspaceOwesMinor), points: n(l.workspaceOwesPoints) }) },
    { id: 'net', header: t('loyalty.partners.net'), align: 'end', cell: (l) => <Badge tone={l.netMinor === '0' ? 'neutral' : 'info'}>{net(l)}</Badge> },
    {
      id: 'corrections', header: t('loyalty.partners.corrections'),
      cell: (l) => (
        <span className="partners-correction-cell">
          {l.corrections.count > 0 && <span className="muted" data-testid="settlement-corrections">{t('loyalty.partners.correctionCount', { count: l.corrections.count, n: n(l.corrections.count) })}</span>}
          {/* Redemptions billed to us and cancelled by staff: already taken off what we owe, shown so the month's figure is explained. */}
          {l.cancellations.count > 0 && (
            <span className="muted" data-testid="settlement-cancellations">
              {t('loyalty.partners.cancellationCount', { count: l.cancellations.count, n: n(l.cancellations.count), amount: money(l.cancellations.minor) })}
            </span>
          )}
          <Button variant="ghost" onPress={() => setCorrecting(l)}>{t('loyalty.partners.correct')}</Button>
        </span>
      ),
    },
  ];
  return (
    <>
      <DataTable
        label={t('loyalty.partners.settlement')}
        columns={columns}
        rows={report.items}
        rowKey={(l) => l.partnerId}
        empty={{ title: t('loyalty.partners.noSettlement'), body: t('loyalty.partners.noSettlementBody') }}
      />
      {correcting && <CorrectionDialog partner={correcting} money={money} onClose={() => setCorrecting(null)} />}
    </>
  );
}
