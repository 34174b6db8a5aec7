// The finance page's prepaid credit: paid and bonus credit members hold (each a liability of its
// own: paid credit is the customers' money and never expires, bonus credit is a promise that may),
// what was sold, issued as bonus, spent from each and expired, and whether the credit ledger
// checks out (every entry balanced, every cached balance equal to its postings and bonus lots).
// All of it since the first sale, summed by the server; this card only shows it.
import { useQuery } from '@tanstack/react-query';
import type { CreditReportView } from '@vafa/contracts';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { request } from '../../lib/api.ts';
import { formatMoney, formatNumber } from '../../lib/format.ts';
import { Badge, ErrorState, Skeleton } from '../../ui/index.ts';

export function FinanceCreditCard() {
  const t = useT();
  const prefs = usePrefs();
  const report = useQuery({ queryKey: ['loyalty', 'finance', 'credit'], queryFn: () => request<CreditReportView>('GET', '/api/loyalty/credit/report') });
  if (report.isPending) return <Skeleton lines={4} label={t('loyalty.financeCredit.title')} />;
  if (report.isError) return <ErrorState detail={report.error.message} onRetry={() => void report.refetch()} />;
  const r = report.data;
  const money = (minor: number) => formatMoney(minor, r.currency, prefs, prefs.irrDisplay);
  const problems = r.unbalancedEntries + r.driftedBalances + r.bonusLotsApartFromBalances + r.bonusLotsApartFromPostings + r.driftedBonusLots;
  return (
    <section className="card" aria-labelledby="finance-credit" data-testid="finance-credit">
      <h2 id="finance-credit">{t('loyalty.financeCredit.title')}</h2>
      <p className="muted">{t('loyalty.financeCredit.intro')}</p>
      <dl className="finance-figures">
        <div className="finance-money"><dt>{t('loyalty.financeCredit.paidLiability')}</dt><dd className="finance-big">{money(r.paidLiabilityMinor)}</dd></div>
        <div className="finance-money"><dt>{t('loyalty.financeCredit.bonusLiability')}</dt><dd className="finance-big">{money(r.bonusLiabilityMinor)}</dd></div>
        <div className="finance-money"><dt>{t('loyalty.financeCredit.sold')}</dt><dd>{money(r.soldMinor)}</dd></div>
        <div className="finance-money"><dt>{t('loyalty.financeCredit.bonusIssued')}</dt><dd>{money(r.bonusIssuedMinor)}</dd></div>
        <div className="finance-money"><dt>{t('loyalty.financeCredit.spentPaid')}</dt><dd>{money(r.spentPaidMinor)}</dd></div>
        <div className="finance-money"><dt>{t('loyalty.financeCredit.spentBonus')}</dt><dd>{money(r.spentBonusMinor)}</dd></div>
        <div className="finance-money"><dt>{t('loyalty.financeCredit.bonusExpired')}</dt><dd>{money(r.bonusExpiredMinor)}</dd></div>
      </dl>
      <p data-testid="finance-credit-check">
        {r.ok
          ? <Badge tone="good">{t('loyalty.financeCredit.ok')}</Badge>
          : <Badge tone="warn">{t('loyalty.financeCredit.drift', { count: problems, n: formatNumber(problems, prefs) })}</Badge>}
      </p>
    </section>
  );
}
