// /loyalty/rewards/$id: a reward, its pool of discount-coupon codes (counts, generate, upload a CSV
// with what was refused line by line) and the tiers that may redeem it.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { formatNumber } from '../../lib/format.ts';
import { parseLocalisedNumber } from '../../lib/money.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, ButtonLink, Checkbox, ErrorState, Select, Skeleton, TextField, UserText, useToast } from '../../ui/index.ts';
import { loyaltyApi, loyaltyKeys } from './api.ts';
import { couponKeys, couponsApi, type CodesAdded } from './coupons-api.ts';
import { localName, newIdempotencyKey } from './loyalty-format.ts';
import { canManageLoyalty } from './loyalty-roles.ts';
import { RewardEditor } from './reward-editor.tsx';
import { RewardStateBadge, RewardWindowText } from './reward-state.tsx';
import './coupons.css';

export default function RewardPage({ rewardId }: { rewardId: string }) {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const manager = canManageLoyalty(session.role);
  const [editing, setEditing] = useState(false);
  const reward = useQuery({ queryKey: couponKeys.reward(rewardId), queryFn: () => couponsApi.reward(rewardId) });
  if (reward.isPending) return <div className="page"><Skeleton lines={6} /></div>;
  if (reward.isError) return <div className="page"><ErrorState detail={reward.error.message} onRetry={() => void reward.refetch()} /></div>;
  const r = reward.data;
  return (
    <div className="page reward-page">
      <header className="page-header">
        <div>
          <h1><UserText>{localName(r.name, prefs.language)}</UserText></h1>
          <p className="muted page-intro">
            {t(`loyalty.rewards.kindName.${r.kind}`)} · {t('loyalty.coupons.cost', { points: formatNumber(r.pointsCost, prefs) })}
          </p>
          <p className="reward-page-state"><RewardStateBadge reward={r} /> <span className="muted"><RewardWindowText reward={r} /></span></p>
        </div>
        <div className="reward-page-actions">
          {manager && !r.archived && <Button onPress={() => setEditing(true)}>{t('loyalty.rewards.edit')}</Button>}
          <ButtonLink href="/loyalty">{t('loyalty.coupons.back')}</ButtonLink>
        </div>
      </header>
      {editing && <RewardEditor reward={r} onClose={() => setEditing(false)} />}
      {r.kind === 'discount_coupon' && <CouponPoolCard rewardId={rewardId} manager={manager && !r.archived} />}
      <RewardTiersCard rewardId={rewardId} manager={manager && !r.archived} />
    </div>
  );
}

function CouponPoolCard({ rewardId, manager }: { rewardId: string; manager: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const queryClient = useQueryClient();
  const toast = useToast();
  const pool = useQuery({ queryKey: couponKeys.pool(rewardId), queryFn: () => couponsApi.pool(rewardId) });
  const [count, setCount] = useState('');
  const [prefix, setPrefix] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<CodesAdded | null>(null);
  const generating = useSubmit();
  const uploading = useSubmit();
  const n = (v: number) => formatNumber(v, prefs);
  const parsed = parseLocalisedNumber(count);
  const countValid = parsed !== null && Number.isInteger(parsed) && parsed >= 1 && parsed <= 10_000;

  const afterAdding = async (added: CodesAdded) => {
    setResult(added);
    toast(t('loyalty.coupons.added', { count: added.added, added: n(added.added) }));
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: couponKeys.pool(rewardId) }),
      queryClient.invalidateQueries({ queryKey: couponKeys.reward(rewardId) }),
      queryClient.invalidateQueries({ queryKey: loyaltyKeys.rewards }),
    ]);
  };
  const handleGenerate = async () => {
    if (!countValid) return;
    const key = newIdempotencyKey();
    await generating.run(async () => afterAdding(await couponsApi.generate(rewardId, { count: parsed, ...(prefix.trim() ? { prefix: prefix.trim() } : {}) }, key)));
  };
  const handleUpload = async () => {
    if (!file) return;
    const key = newIdempotencyKey();
    const ok = await uploading.run(async () => afterAdding(await couponsApi.upload(rewardId, file, key)));
    if (ok) setFile(null);
  };

  return (
    <section className="card" aria-labelledby="coupon-pool">
      <h2 id="coupon-pool">{t('loyalty.coupons.poolTitle')}</h2>
      {pool.isPending ? <Skeleton lines={2} /> : pool.isError ? <ErrorState detail={pool.error.message} onRetry={() => void pool.refetch()} /> : (
        <dl className="coupon-counts" data-testid="coupon-counts">
          <div><dt>{t('loyalty.coupons.available')}</dt><dd className="coupon-big">{n(pool.data.available)}</dd></div>
          <div><dt>{t('loyalty.coupons.assigned')}</dt><dd>{n(pool.data.assigned)}</dd></div>
          <div><dt>{t('loyalty.coupons.void')}</dt><dd>{n(pool.data.void)}</dd></div>
        </dl>
      )}
      {pool.data?.available === 0 && <p className="muted">{t('loyalty.coupons.emptyPool')}</p>}
      {manager && (
        <div className="coupon-forms">
          <form className="coupon-form" onSubmit={(e) => { e.preventDefault(); void handleGenerate(); }}>
            <h3>{t('loyalty.coupons.generateTitle')}</h3>
            <TextField label={t('loyalty.coupons.count')} value={count} onChange={setCount} inputMode="numeric" dir="ltr"
              errorMessage={count !== '' && !countValid ? t('loyalty.coupons.countError') : undefined} />
            <TextField label={t('loyalty.coupons.prefix')} description={t('loyalty.coupons.prefixHint')} value={prefix} onChange={setPrefix} dir="ltr" />
            {generating.error && <p className="field-error" role="alert">{generating.error.message}</p>}
            <Button type="submit" variant="primary" isDisabled={!countValid || generating.pending}>{t('loyalty.coupons.generate')}</Button>
          </form>
          <form className="coupon-form" onSubmit={(e) => { e.preventDefault(); void handleUpload(); }}>
            <h3>{t('loyalty.coupons.uploadTitle')}</h3>
            <p className="muted">{t('loyalty.coupons.uploadHint')}</p>
            {/* The browser's own file button speaks the browser's language, not the page's: ours, with the input hidden inside it. */}
            <div className="coupon-file">
              <span className="field-label" id="coupon-file-label">{t('loyalty.coupons.file')}</span>
              <label className="btn btn-secondary coupon-file-button">
                {t('loyalty.coupons.chooseFile')}
                <input type="file" accept=".csv,text/csv" className="visually-hidden" aria-labelledby="coupon-file-label"
                  onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
              </label>
              <span className="muted" data-testid="coupon-file-name">{file ? <UserText ltr>{file.name}</UserText> : t('loyalty.coupons.noFile')}</span>
            </div>
            {uploading.error && <p className="field-error" role="alert">{uploading.error.message}</p>}
            <Button type="submit" variant="primary" isDisabled={!file || uploading.pending}>{t('loyalty.coupons.upload')}</Button>
          </form>
        </div>
      )}
      {result && result.rejectedCount > 0 && (
        <div className="coupon-rejected" data-testid="coupon-rejected">
          <h3>{t('loyalty.coupons.rejectedTitle', { count: result.rejectedCount, rejected: n(result.rejectedCount) })}</h3>
          <ul>
            {result.rejected.slice(0, 50).map((r) => (
              <li key={`${r.line}-${r.problem}`}>
                {t('loyalty.coupons.line', { line: n(r.line) })}: {t(`loyalty.coupons.problem.${r.problem}`, { first: n(r.firstLine ?? 0) })}
                {r.code && <> <UserText ltr>{r.code}</UserText></>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function RewardTiersCard({ rewardId, manager }: { rewardId: string; manager: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const queryClient = useQueryClient();
  const toast = useToast();
  const current = useQuery({ queryKey: couponKeys.rewardTiers(rewardId), queryFn: () => couponsApi.rewardTiers(rewardId) });
  const programs = useQuery({ queryKey: loyaltyKeys.programs, queryFn: loyaltyApi.programs, enabled: manager });
  const [programId, setProgramId] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Set<string> | null>(null);
  const saving = useSubmit();
  const program = programId ?? current.data?.programId ?? programs.data?.items[0]?.id ?? null;
  const tiers = useQuery({ queryKey: couponKeys.programTiers(program ?? ''), queryFn: () => couponsApi.programTiers(program!), enabled: manager && program !== null });
  const selected = chosen ?? new Set(current.data?.programId === program ? current.data.tiers.map((x) => x.id) : []);

  const refresh = async () => {
    setChosen(null);
    await queryClient.invalidateQueries({ queryKey: couponKeys.rewardTiers(rewardId) });
  };
  const handleSave = async () => {
    if (!program || selected.size === 0) return;
    const key = newIdempotencyKey();
    if (await saving.run(() => couponsApi.setRewardTiers(rewardId, program, [...selected], key))) {
      toast(t('loyalty.coupons.tiersSaved'));
      await refresh();
    }
  };
  const handleOpen = async () => {
    const key = newIdempotencyKey();
    if (await saving.run(() => couponsApi.clearRewardTiers(rewardId, key))) {
      toast(t('loyalty.coupons.tiersCleared'));
      await refresh();
    }
  };
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setChosen(next);
  };

  return (
    <section className="card" aria-labelledby="reward-tiers">
      <h2 id="reward-tiers">{t('loyalty.coupons.tiersTitle')}</h2>
      {current.isPending ? <Skeleton lines={2} /> : current.isError ? <ErrorState detail={current.error.message} onRetry={() => void current.refetch()} /> : (
        <p data-testid="reward-tiers-now">
          {current.data.programId === null
            ? <Badge tone="good">{t('loyalty.coupons.openToAll')}</Badge>
            : current.data.tiers.length === 0
              ? <Badge tone="warn">{t('loyalty.coupons.nobody')}</Badge>
              : <>{t('loyalty.coupons.onlyTiers')} {current.data.tiers.map((x) => <Badge key={x.id} tone="info"><UserText>{localName(x.name, prefs.language)}</UserText></Badge>)}</>}
        </p>
      )}
      {manager && (
        <form className="coupon-form" onSubmit={(e) => { e.preventDefault(); void handleSave(); }}>
          {(programs.data?.items.length ?? 0) === 0 ? <p className="muted">{t('loyalty.coupons.noPrograms')}</p> : (
            <>
              <Select label={t('loyalty.coupons.program')} value={program} onChange={(id) => { setProgramId(id); setChosen(new Set()); }}
                options={(programs.data?.items ?? []).map((p) => ({ id: p.id, label: p.name }))} />
              <fieldset className="coupon-tier-picker">
                <legend className="field-label">{t('loyalty.coupons.tiersWho')}</legend>
                {tiers.isPending ? <Skeleton lines={2} /> : (tiers.data?.items.length ?? 0) === 0 ? <p className="muted">{t('loyalty.coupons.noTiers')}</p> : (
                  tiers.data!.items.map((tier) => (
                    <Checkbox key={tier.id} isSelected={selected.has(tier.id)} onChange={(on) => toggle(tier.id, on)}>
                      <UserText>{localName(tier.name, prefs.language)}</UserText>
                    </Checkbox>
                  ))
                )}
              </fieldset>
              {saving.error && <p className="field-error" role="alert">{saving.error.message}</p>}
              <div className="coupon-actions">
                <Button type="submit" variant="primary" isDisabled={selected.size === 0 || saving.pending}>{t('loyalty.coupons.saveTiers')}</Button>
                {current.data?.programId && <Button onPress={() => void handleOpen()} isDisabled={saving.pending}>{t('loyalty.coupons.clearTiers')}</Button>}
              </div>
            </>
          )}
        </form>
      )}
    </section>
  );
}
