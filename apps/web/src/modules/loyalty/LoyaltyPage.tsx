// /loyalty: the programs with their earning and expiry rules, the rewards catalogue, the charities
// with what members gave them (added, changed and archived by managers; each one's donations with
// their receipts: charities.tsx), and (for managers) the ledger's self-check. A member's points are on
// the customer page (customer-loyalty.tsx); the API (docs in /api/docs) does the rest.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { formatInstant, formatMoney, formatNumber } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, ButtonLink, DataTable, ErrorState, PlusIcon, UserText, type DataTableColumn } from '../../ui/index.ts';
import { loyaltyApi, loyaltyKeys, type Program, type Reward, type Verify } from './api.ts';
import { Charities } from './charities.tsx';
import { localName } from './loyalty-format.ts';
import { canManageLoyalty } from './loyalty-roles.ts';
import { RewardEditor } from './reward-editor.tsx';
import { RewardStateBadge } from './reward-state.tsx';
import './loyalty.css';
import { Referrals } from './referrals.tsx';
import { CreditPackages, LoyaltyGames } from './games.tsx';
import { LoyaltyScreensNav } from './loyalty-screens-nav.tsx';

export default function LoyaltyPage() {
  const t = useT();
  const session = useSession();
  return (
    <div className="page loyalty-page">
      <header className="page-header">
        <div>
          <h1>{t('loyalty.title')}</h1>
          <p className="muted page-intro">{t('loyalty.intro')}</p>
        </div>
        <ButtonLink href="/loyalty/partners">{t('loyalty.partners.title')}</ButtonLink>
      </header>
      <LoyaltyScreensNav current="programs" />
      <Programs />
      <Rewards />
      <Charities />
      <Referrals />
      <LoyaltyGames />
      <CreditPackages />
      {canManageLoyalty(session.role) && <LedgerCheck />}
    </div>
  );
}

function Programs() {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const programs = useQuery({ queryKey: loyaltyKeys.programs, queryFn: loyaltyApi.programs });
  const earning = (p: Program) => {
    const spend = p.settings.spend;
    return spend
      ? t('loyalty.programs.spendRule', { points: formatNumber(spend.points, prefs), amount: formatMoney(spend.per, prefs.currency, prefs, prefs.irrDisplay) })
      : t('loyalty.programs.noSpend');
  };
  const expiry = (p: Program) => {
    const e = p.settings.expiry;
    if (e.kind === 'never') return t('loyalty.expiry.never');
    if (e.kind === 'fixed') return t('loyalty.expiry.fixed', { month: formatNumber(e.month, prefs), calendar: t(`calendar.${e.calendar}`) });
    return t(`loyalty.expiry.${e.kind}`, { days: formatNumber(e.days, prefs) });
  };
  const columns: DataTableColumn<Program>[] = [
    { id: 'name', header: t('loyalty.programs.name'), isPrimary: true, cell: (p) => <UserText>{p.name}</UserText> },
    { id: 'status', header: t('loyalty.programs.status'), cell: (p) => <Badge tone={p.status === 'active' ? 'good' : 'neutral'}>{t(`loyalty.programs.state.${p.status}`)}</Badge> },
    { id: 'earning', header: t('loyalty.programs.earning'), cell: earning },
    { id: 'pending', header: t('loyalty.programs.pendingDays'), align: 'end', cell: (p) => formatNumber(p.settings.pendingDays, prefs) },
    { id: 'expiry', header: t('loyalty.programs.expiry'), cell: expiry },
  ];
  return (
    <section className="card" aria-labelledby="loyalty-programs">
      <div className="card-head">
        <h2 id="loyalty-programs">{t('loyalty.programs.title')}</h2>
        {canManageLoyalty(session.role) && <ButtonLink href="/loyalty/programs/new" variant="primary"><PlusIcon />{t('loyalty.programs.new')}</ButtonLink>}
      </div>
      <DataTable
        label={t('loyalty.programs.title')}
        columns={columns}
        rows={programs.data?.items ?? []}
        rowKey={(p) => p.id}
        rowHref={(p) => `/loyalty/programs/${p.id}`}
        isLoading={programs.isPending}
        error={programs.isError ? { detail: programs.error.message, onRetry: () => void programs.refetch() } : null}
        empty={{ title: t('loyalty.programs.empty'), body: t('loyalty.programs.emptyBody') }}
      />
    </section>
  );
}

function Rewards() {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const [adding, setAdding] = useState(false);
  const rewards = useQuery({ queryKey: loyaltyKeys.rewards, queryFn: loyaltyApi.rewards });
  const columns: DataTableColumn<Reward>[] = [
    { id: 'name', header: t('loyalty.rewards.name'), isPrimary: true, cell: (r) => <UserText>{localName(r.name, prefs.language)}</UserText> },
    { id: 'kind', header: t('loyalty.rewards.kind'), cell: (r) => t(`loyalty.rewards.kindName.${r.kind}`) },
    { id: 'cost', header: t('loyalty.rewards.cost'), align: 'end', cell: (r) => formatNumber(r.pointsCost, prefs) },
    {
      id: 'stock', header: t('loyalty.rewards.stock'), align: 'end',
      cell: (r) => (r.stock === null ? t('loyalty.rewards.unlimited') : t('loyalty.rewards.stockLeft', { remaining: formatNumber(r.stockLeft ?? 0, prefs), total: formatNumber(r.stock, prefs) })),
    },
    {
      id: 'state', header: t('loyalty.rewards.state'),
      cell: (r) => <RewardStateBadge reward={r} />,
    },
  ];
  return (
    <section className="card" aria-labelledby="loyalty-rewards">
      <div className="card-head">
        <h2 id="loyalty-rewards">{t('loyalty.rewards.title')}</h2>
        {canManageLoyalty(session.role) && <Button variant="primary" onPress={() => setAdding(true)}><PlusIcon />{t('loyalty.rewards.new')}</Button>}
      </div>
      {adding && <RewardEditor reward={null} onClose={() => setAdding(false)} />}
      <DataTable
        label={t('loyalty.rewards.title')}
        columns={columns}
        rows={rewards.data?.items ?? []}
        rowKey={(r) => r.id}
        rowHref={(r) => `/loyalty/rewards/${r.id}`}
        isLoading={rewards.isPending}
        error={rewards.isError ? { detail: rewards.error.message, onRetry: () => void rewards.refetch() } : null}
        empty={{ title: t('loyalty.rewards.empty'), body: t('loyalty.rewards.emptyBody') }}
      />
    </section>
  );
}

/** The ledger checked against itself on demand: balances against postings and lots, every entry summing to zero. */
function LedgerCheck() {
  const t = useT();
  const prefs = usePrefs();
  const submit = useSubmit();
  const [result, setResult] = useState<Verify | null>(null);
  const run = () => void submit.run(async () => setResult(await loyaltyApi.verify()));
  const drift = result ? Object.values(result.driftCounts).reduce((a, b) => a + b, 0) : 0;
  return (
    <section className="card" aria-labelledby="loyalty-verify">
      <div className="card-head">
        <h2 id="loyalty-verify">{t('loyalty.verify.title')}</h2>
        <Button onPress={run} isDisabled={submit.pending}>{t('loyalty.verify.run')}</Button>
      </div>
      <p className="muted">{t('loyalty.verify.intro')}</p>
      {submit.error && <ErrorState detail={submit.error.message} onRetry={run} />}
      {result && (
        <div role="status" data-testid="loyalty-verify-result">
          <p>
            <Badge tone={result.ok ? 'good' : 'bad'}>{t(result.ok ? 'loyalty.verify.ok' : 'loyalty.verify.drift', { count: formatNumber(drift, prefs) })}</Badge>
            {' '}<span className="muted">{formatInstant(result.checkedAt, prefs)}</span>
          </p>
          <dl className="loyalty-balances">
            <div><dt>{t('loyalty.verify.members')}</dt><dd>{formatNumber(result.counts.members, prefs)}</dd></div>
            <div><dt>{t('loyalty.verify.entries')}</dt><dd>{formatNumber(result.counts.entries, prefs)}</dd></div>
            <div><dt>{t('loyalty.verify.postings')}</dt><dd>{formatNumber(result.counts.postings, prefs)}</dd></div>
            <div><dt>{t('loyalty.verify.lots')}</dt><dd>{formatNumber(result.counts.lots, prefs)}</dd></div>
          </dl>
        </div>
      )}
    </section>
  );
}
