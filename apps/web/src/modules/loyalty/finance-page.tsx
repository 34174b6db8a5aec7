// /loyalty/finance: the points liability at the workspace's point value, what was issued, redeemed,
// expired and donated in a month, quarter or year of the workspace calendar (counted in its time
// zone), the breakage and redemption rates, tiers and what is owed to charities and partners. Every
// figure comes from the server, summed over the ledger's postings; this page only shows them.
// For finance, owners and admins.
import { createCalendar, toCalendar, today, CalendarDate, type CalendarIdentifier } from '@internationalized/date';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession, workspaceQuery } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { formatInstant, formatMoney, formatNumber, localeTag, localiseDigits, toLatinDigits, type CalendarId } from '../../lib/format.ts';
import { Button, ButtonLink, DownloadIcon, ErrorState, Select, Skeleton, TextField, UserText } from '../../ui/index.ts';
import { FinanceCreditCard } from './finance-credit.tsx';
import { canSeeFinance, financeApi, financeKeys, type FinanceReport, type Period, type PeriodKind } from './finance-api.ts';
import { localName, newIdempotencyKey } from './loyalty-format.ts';
import { LoyaltyScreensNav } from './loyalty-screens-nav.tsx';
import './loyalty-reports.css';

const KINDS: PeriodKind[] = ['month', 'quarter', 'year'];

export default function FinancePage() {
  const t = useT();
  const session = useSession();
  return (
    <div className="page loyalty-reports">
      <header className="page-header">
        <div>
          <h1>{t('loyalty.finance.title')}</h1>
          <p className="muted page-intro">{t('loyalty.finance.intro')}</p>
        </div>
      </header>
      <LoyaltyScreensNav current="finance" />
      {canSeeFinance(session.role) ? <FinanceReportView /> : <ErrorState title={t('loyalty.finance.forbidden')} />}
    </div>
  );
}

function FinanceReportView() {
  const t = useT();
  const prefs = usePrefs();
  const workspace = useQuery(workspaceQuery);
  const calendar = (workspace.data?.calendar ?? prefs.calendar) as CalendarId;
  const timeZone = workspace.data?.timeZone ?? prefs.timeZone;
  // Today in the workspace's calendar and time zone: the default period is this month.
  const now = toCalendar(today(timeZone), createCalendar(calendar as CalendarIdentifier));
  const [period, setPeriod] = useState<Period>({ kind: 'month', year: now.year, index: now.month });
  useEffect(() => {
    if (workspace.data) setPeriod({ kind: 'month', year: now.year, index: now.month });
  }, [workspace.data?.calendar, workspace.data?.timeZone]);

  const report = useQuery({ queryKey: financeKeys.report(period), queryFn: () => financeApi.report(period), enabled: workspace.isSuccess, placeholderData: (previous) => previous });

  // Month names in the workspace's calendar, in the reader's language and digits.
  const monthName = (month: number) => new Intl.DateTimeFormat(localeTag({ ...prefs, calendar }), { month: 'long', timeZone: 'UTC' })
    .format(new CalendarDate(createCalendar(calendar as CalendarIdentifier), period.year, month, 15).toDate('UTC'));
  const years = Array.from({ length: 6 }, (_, i) => now.year - i);
  const setKind = (kind: PeriodKind) => setPeriod((p) => ({
    kind, year: p.year, index: kind === 'year' ? null : kind === 'quarter' ? Math.ceil((p.kind === 'month' ? p.index ?? 1 : now.month) / 3) : p.kind === 'quarter' ? ((p.index ?? 1) - 1) * 3 + 1 : now.month,
  }));

  return (
    <>
      <section className="finance-period" aria-label={t('loyalty.finance.period')}>
        <Select label={t('loyalty.finance.period')} value={period.kind} onChange={setKind} options={KINDS.map((k) => ({ id: k, label: t(`loyalty.finance.kind.${k}`) }))} />
        <Select label={t('loyalty.finance.year')} value={String(period.year)} onChange={(y) => setPeriod((p) => ({ ...p, year: Number(y) }))}
          options={years.map((y) => ({ id: String(y), label: new Intl.NumberFormat(localeTag(prefs), { useGrouping: false }).format(y) }))} />
        {period.kind === 'month' && (
          <Select label={t('loyalty.finance.month')} value={String(period.index)} onChange={(m) => setPeriod((p) => ({ ...p, index: Number(m) }))}
            options={Array.from({ length: 12 }, (_, i) => ({ id: String(i + 1), label: monthName(i + 1) }))} />
        )}
        {period.kind === 'quarter' && (
          <Select label={t('loyalty.finance.quarter')} value={String(period.index)} onChange={(q) => setPeriod((p) => ({ ...p, index: Number(q) }))}
            options={[1, 2, 3, 4].map((q) => ({ id: String(q), label: t('loyalty.finance.quarterN', { n: formatNumber(q, prefs) }) }))} />
        )}
        <ButtonLink href={financeApi.csvHref(period, prefs.language)} download><DownloadIcon />{t('loyalty.finance.csv')}</ButtonLink>
      </section>
      {report.isError && <ErrorState detail={report.error.message} onRetry={() => void report.refetch()} />}
      {report.isPending && !report.isError && <Skeleton lines={8} label={t('loyalty.finance.title')} />}
      {report.data && <Figures report={report.data} />}
      <FinanceCreditCard />
      <PointValueCard />
      <details className="card finance-help">
        <summary>{t('loyalty.finance.help')}</summary>
        <p>{t('loyalty.finance.help.liability')}</p>
        <p>{t('loyalty.finance.help.flows')}</p>
        <p>{t('loyalty.finance.help.rates')}</p>
        <p>{t('loyalty.finance.help.tiers')}</p>
      </details>
    </>
  );
}

function Figures({ report }: { report: FinanceReport }) {
  const t = useT();
  const prefs = usePrefs();
  const n = (value: number) => formatNumber(value, prefs);
  // Minor units arrive as decimal strings (they can pass 2^53); shown through a number, exact below that.
  const money = (minor: string) => formatMoney(Number(minor), report.currency, prefs, prefs.irrDisplay);
  const percent = (bp: number | null) => (bp === null ? t('loyalty.finance.noRate') : new Intl.NumberFormat(localeTag(prefs), { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(bp / 10_000));
  const lastDay = new Date(Date.parse(report.period.to) - 1).toISOString();
  // The zone by its name in the reader's language ("وقت ایران"), not its identifier.
  const zone = new Intl.DateTimeFormat(localeTag(prefs), { timeZone: report.period.timeZone, timeZoneName: 'longGeneric' })
    .formatToParts(new Date(report.period.from)).find((part) => part.type === 'timeZoneName')?.value ?? report.period.timeZone;
  return (
    <>
      <p className="muted finance-span">
        {t('loyalty.finance.span', { from: formatInstant(report.period.from, prefs, false), to: formatInstant(lastDay, prefs, false), zone })}
        {' · '}
        {t('loyalty.finance.asOf', { date: formatInstant(report.period.asOf, prefs) })}
      </p>
      <section className="card" aria-labelledby="finance-liability">
        <h2 id="finance-liability">{t('loyalty.finance.liability')}</h2>
        <dl className="finance-figures">
          <div className={report.liability.minor === null ? undefined : 'finance-money'}>
            <dt>{t('loyalty.finance.amount')}</dt>
            <dd className="finance-big">{report.liability.minor === null ? t('loyalty.finance.pointValueUnset') : money(report.liability.minor)}</dd>
            {report.liability.minor === null && <dd className="muted">{t('loyalty.finance.noValue')}</dd>}
          </div>
          <div><dt>{t('loyalty.finance.points')}</dt><dd className="finance-big">{n(report.liability.points)}</dd></div>
          <div><dt>{t('loyalty.finance.available')}</dt><dd>{n(report.liability.available)}</dd></div>
          <div><dt>{t('loyalty.finance.pending')}</dt><dd>{n(report.liability.pending)}</dd></div>
          <div><dt>{t('loyalty.finance.held')}</dt><dd>{n(report.liability.held)}</dd></div>
          <div><dt>{t('loyalty.finance.owedByMembers')}</dt><dd>{n(report.liability.owedByMembers)}</dd></div>
        </dl>
      </section>
      <section className="card" aria-labelledby="finance-flows">
        <h2 id="finance-flows">{t('loyalty.finance.flows')}</h2>
        <dl className="finance-figures">
          <div><dt>{t('loyalty.finance.issued')}</dt><dd>{n(report.flows.issued)}</dd></div>
          <div><dt>{t('loyalty.finance.returned')}</dt><dd>{n(report.flows.returned)}</dd></div>
          <div><dt>{t('loyalty.finance.netIssued')}</dt><dd>{n(report.flows.netIssued)}</dd></div>
          <div><dt>{t('loyalty.finance.redeemed')}</dt><dd>{n(report.flows.redeemed)}</dd></div>
          <div><dt>{t('loyalty.finance.expired')}</dt><dd>{n(report.flows.expired)}</dd></div>
          <div><dt>{t('loyalty.finance.donated')}</dt><dd>{n(report.flows.donated)}</dd></div>
          <div><dt>{t('loyalty.finance.writtenOff')}</dt><dd>{n(report.flows.writtenOff)}</dd></div>
          <div>
            <dt>{t('loyalty.finance.breakageRate')}</dt>
            <dd className="finance-big">{percent(report.breakageRate.basisPoints)}</dd>
            <dd className="muted">{t('loyalty.finance.rateOf', { numerator: n(report.breakageRate.numerator), denominator: n(report.breakageRate.denominator) })}</dd>
          </div>
          <div>
            <dt>{t('loyalty.finance.redemptionRate')}</dt>
            <dd className="finance-big">{percent(report.redemptionRate.basisPoints)}</dd>
            <dd className="muted">{t('loyalty.finance.rateOf', { numerator: n(report.redemptionRate.numerator), denominator: n(report.redemptionRate.denominator) })}</dd>
          </div>
        </dl>
      </section>
      <section className="card" aria-labelledby="finance-tiers">
        <h2 id="finance-tiers">{t('loyalty.finance.tiers')}</h2>
        {report.tiers.length === 0 && <p className="muted">{t('loyalty.finance.noTiers')}</p>}
        {report.tiers.map((program) => (
          <div key={program.programId}>
            <h3><UserText>{program.programName}</UserText></h3>
            <table className="finance-table">
              <thead><tr><th scope="col">{t('loyalty.members.tier')}</th><th scope="col" className="num">{t('loyalty.finance.tierMembers')}</th></tr></thead>
              <tbody>
                {program.distribution.map((tier) => (
                  <tr key={tier.tierId}><td>{localName(tier.name, prefs.language)}</td><td className="num">{n(tier.members)}</td></tr>
                ))}
              </tbody>
            </table>
            <dl className="finance-figures">
              <div><dt>{t('loyalty.finance.upgrades')}</dt><dd>{n(program.upgrades)}</dd></div>
              <div><dt>{t('loyalty.finance.downgrades')}</dt><dd>{n(program.downgrades)}</dd></div>
            </dl>
          </div>
        ))}
      </section>
      <section className="card" aria-labelledby="finance-payables">
        <h2 id="finance-payables">{t('loyalty.finance.payables')}</h2>
        <div className="finance-table-scroll">
          <table className="finance-table">
            <thead><tr><th scope="col">{t('loyalty.finance.payables')}</th><th scope="col" className="num">{t('loyalty.finance.points')}</th><th scope="col" className="num">{t('loyalty.finance.amount')}</th></tr></thead>
            <tbody>
              <tr><th scope="row">{t('loyalty.finance.charities')}</th><td className="num">{n(report.payables.charity.points)}</td><td className="num">{money(report.payables.charity.minor)}</td></tr>
              {report.payables.charity.byCharity.map((c) => (
                <tr key={c.charityId}><td><UserText>{localName(c.name, prefs.language)}</UserText></td><td className="num">{n(c.points)}</td><td className="num">{money(c.minor)}</td></tr>
              ))}
              <tr>
                <th scope="row">{t('loyalty.finance.partners')}</th><td className="num">{n(report.payables.partner.points)}</td>
                <td className="num">{report.payables.partner.minor === null ? t('common.none') : money(report.payables.partner.minor)}</td>
              </tr>
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

function PointValueCard() {
  const t = useT();
  const prefs = usePrefs();
  const client = useQueryClient();
  const settings = useQuery({ queryKey: financeKeys.settings, queryFn: financeApi.settings });
  const [points, setPoints] = useState('');
  const [minor, setMinor] = useState('');
  const [invalid, setInvalid] = useState(false);
  useEffect(() => {
    const value = settings.data?.pointValue;
    if (value) { setPoints(localiseDigits(String(value.points), prefs.digits)); setMinor(localiseDigits(String(value.minor), prefs.digits)); }
  }, [settings.data]);
  const save = useMutation({
    mutationFn: (value: { points: number; minor: number }) => financeApi.saveSettings(value, newIdempotencyKey()),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['loyalty', 'finance'] }),
  });
  const submit = () => {
    const p = Number(toLatinDigits(points.trim()));
    const m = Number(toLatinDigits(minor.trim()));
    const ok = Number.isInteger(p) && p >= 1 && Number.isInteger(m) && m >= 0 && points.trim() !== '' && minor.trim() !== '';
    setInvalid(!ok);
    if (ok) save.mutate({ points: p, minor: m });
  };
  const value = settings.data?.pointValue;
  return (
    <section className="card" aria-labelledby="finance-point-value">
      <h2 id="finance-point-value">{t('loyalty.finance.pointValue')}</h2>
      <p className="muted">{t('loyalty.finance.pointValueIntro')}</p>
      <p>
        {value && settings.data
          ? t('loyalty.finance.pointValueNow', { points: formatNumber(value.points, prefs), money: formatMoney(value.minor, settings.data.currency, prefs, prefs.irrDisplay) })
          : t('loyalty.finance.pointValueUnset')}
      </p>
      <form className="finance-value-form" onSubmit={(e) => { e.preventDefault(); submit(); }}>
        <TextField label={t('loyalty.finance.valuePoints')} value={points} onChange={setPoints} inputMode="numeric" errorMessage={invalid ? t('loyalty.finance.valueInvalid') : undefined} />
        <TextField label={t('loyalty.finance.valueMinor')} value={minor} onChange={setMinor} inputMode="numeric" />
        <Button type="submit" variant="primary" isDisabled={save.isPending}>{t('loyalty.finance.saveValue')}</Button>
      </form>
      {save.isError && <p role="alert" className="field-error">{save.error.message}</p>}
    </section>
  );
}
