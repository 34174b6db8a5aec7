// The loyalty page's referrals section: each active program's referral rules (who is paid, how
// many points, the minimum order, the limit per member in 30 days; managers change them here, as a
// new version of the program's settings), and the referrals: who referred whom, with which code,
// and what became of it (waiting, paid, refused with the reason).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { LoyaltyReferralPage, LoyaltyReferralSettings, LoyaltyReferralView } from '@vafa/contracts';
import { useState } from 'react';
import { Form } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import type { MessageKey } from '../../i18n/en.ts';
import { useT } from '../../i18n/useT.ts';
import { request } from '../../lib/api.ts';
import { formatInstant, formatMoney, formatNumber } from '../../lib/format.ts';
import { formatMajorForInput, moneyUnitName, parseMoney } from '../../lib/money.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, DataTable, Select, TextField, UserText, useToast, type DataTableColumn } from '../../ui/index.ts';
import { digitsText, parseWhole } from '../complaints/settings-parts.tsx';
import { loyaltyApi, loyaltyKeys, type Program } from './api.ts';
import { newIdempotencyKey } from './loyalty-format.ts';
import { canManageLoyalty } from './loyalty-roles.ts';
import './referrals.css';

type Referral = LoyaltyReferralView;
type Reward = LoyaltyReferralSettings['reward'];
const REWARDS: Reward[] = ['both', 'referrer', 'friend'];
const referralKeys = { list: ['loyalty', 'referrals'] as const };

const TONES = { attached: 'info', qualified: 'good', refused: 'bad' } as const;

export function Referrals() {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const programs = useQuery({ queryKey: loyaltyKeys.programs, queryFn: loyaltyApi.programs });
  const referrals = useQuery({ queryKey: referralKeys.list, queryFn: () => request<LoyaltyReferralPage>('GET', '/api/loyalty/referrals', undefined, { limit: 100 }) });
  const active = (programs.data?.items ?? []).filter((p) => p.status === 'active');
  const columns: DataTableColumn<Referral>[] = [
    { id: 'referrer', header: t('loyalty.referrals.referrer'), isPrimary: true, cell: (r) => <UserText>{r.referrer.name ?? t('loyalty.referrals.noName')}</UserText> },
    { id: 'friend', header: t('loyalty.referrals.friend'), cell: (r) => <UserText>{r.friend.name ?? t('loyalty.referrals.noName')}</UserText> },
    { id: 'code', header: t('loyalty.referrals.code'), cell: (r) => <bdi dir="ltr" className="referral-code">{r.code}</bdi> },
    {
      id: 'state', header: t('loyalty.referrals.state'),
      cell: (r) => (
        <span className="referral-state">
          <Badge tone={TONES[r.state]}>{t(`loyalty.referrals.stateName.${r.state}`)}</Badge>
          {r.reason && <span className="muted">{t(`loyalty.referrals.reason.${r.reason}` as MessageKey)}</span>}
        </span>
      ),
    },
    { id: 'referrerPoints', header: t('loyalty.referrals.referrerPoints'), align: 'end', cell: (r) => (r.state === 'qualified' ? formatNumber(r.referrerPoints, prefs) : '—') },
    { id: 'friendPoints', header: t('loyalty.referrals.friendPoints'), align: 'end', cell: (r) => (r.state === 'qualified' ? formatNumber(r.friendPoints, prefs) : '—') },
    { id: 'when', header: t('loyalty.referrals.when'), cell: (r) => formatInstant(r.decidedAt ?? r.attachedAt, prefs) },
  ];
  return (
    <section className="card referrals" aria-labelledby="loyalty-referrals">
      <h2 id="loyalty-referrals">{t('loyalty.referrals.title')}</h2>
      <p className="muted">{t('loyalty.referrals.intro')}</p>
      {active.map((p) => <ReferralRules key={p.id} program={p} canEdit={canManageLoyalty(session.role)} />)}
      <DataTable
        label={t('loyalty.referrals.title')}
        columns={columns}
        rows={referrals.data?.items ?? []}
        rowKey={(r) => r.id}
        isLoading={referrals.isPending}
        error={referrals.isError ? { detail: referrals.error.message, onRetry: () => void referrals.refetch() } : null}
        empty={{ title: t('loyalty.referrals.empty'), body: t('loyalty.referrals.emptyBody') }}
      />
    </section>
  );
}

interface Draft { on: boolean; reward: Reward; referrerPoints: string; friendPoints: string; minOrder: string; limit: string }

/** One program's referral rules: a sentence, and for managers a small form saved as the program's next version. */
function ReferralRules({ program, canEdit }: { program: Program; canEdit: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const save = useSubmit();
  const rules = program.settings.referral;
  const draftOf = (): Draft => ({
    on: Boolean(rules), reward: rules?.reward ?? 'both',
    referrerPoints: digitsText(rules?.referrerPoints ?? null, prefs), friendPoints: digitsText(rules?.friendPoints ?? null, prefs),
    minOrder: rules && rules.minOrderAmount > 0 ? formatMajorForInput(rules.minOrderAmount, prefs.currency, prefs.irrDisplay, prefs) : '',
    limit: digitsText(rules?.maxPerReferrerPer30Days ?? null, prefs),
  });
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Draft>(draftOf);
  const [errors, setErrors] = useState<Partial<Record<keyof Draft, string>>>({});
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const n = (v: number) => formatNumber(v, prefs);
  const unit = moneyUnitName(prefs.currency, prefs.irrDisplay, prefs.language);

  const summary = !rules ? t('loyalty.referrals.off') : [
    t(`loyalty.referrals.pays.${rules.reward}`, { referrer: n(rules.referrerPoints), friend: n(rules.friendPoints) }),
    rules.minOrderAmount > 0 ? t('loyalty.referrals.minOrderText', { amount: formatMoney(rules.minOrderAmount, prefs.currency, prefs, prefs.irrDisplay) }) : null,
    rules.maxPerReferrerPer30Days !== null ? t('loyalty.referrals.limitText', { count: rules.maxPerReferrerPer30Days, limit: n(rules.maxPerReferrerPer30Days) }) : null,
  ].filter(Boolean).join(' ');

  const handleSave = () => {
    const found: typeof errors = {};
    let referral: LoyaltyReferralSettings | undefined;
    if (draft.on) {
      const whole = (text: string, min: number) => { const v = text.trim() === '' ? 0 : parseWhole(text); return v === null || v < min || v > 1_000_000 ? null : v; };
      const referrerPoints = whole(draft.referrerPoints, draft.reward === 'friend' ? 0 : 1);
      const friendPoints = whole(draft.friendPoints, draft.reward === 'referrer' ? 0 : 1);
      if (referrerPoints === null) found.referrerPoints = t('loyalty.referrals.error.points');
      if (friendPoints === null) found.friendPoints = t('loyalty.referrals.error.points');
      let minOrderAmount = 0;
      if (draft.minOrder.trim() !== '') {
        const money = parseMoney(draft.minOrder, prefs.currency, prefs.irrDisplay);
        if ('error' in money) found.minOrder = t('loyalty.referrals.error.amount');
        else minOrderAmount = money.minor;
      }
      const limit = draft.limit.trim() === '' ? null : parseWhole(draft.limit);
      if (limit !== null && (limit < 1 || limit > 10_000)) found.limit = t('loyalty.referrals.error.limit');
      if (draft.limit.trim() !== '' && limit === null) found.limit = t('loyalty.referrals.error.limit');
      if (Object.keys(found).length === 0) {
        referral = { reward: draft.reward, referrerPoints: referrerPoints ?? 0, friendPoints: friendPoints ?? 0, minOrderAmount, maxPerReferrerPer30Days: limit };
      }
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const { referral: _old, ...rest } = program.settings;
    void save.run(async () => {
      await request('PATCH', `/api/loyalty/programs/${program.id}`, { version: program.version, settings: referral ? { ...rest, referral } : rest }, undefined,
        { 'Idempotency-Key': newIdempotencyKey() });
      await client.invalidateQueries({ queryKey: loyaltyKeys.programs });
      setEditing(false);
      toast(t('loyalty.referrals.saved'));
    });
  };

  return (
    <div className="referral-rules">
      <p><strong><UserText>{program.name}</UserText></strong>{': '}{summary}</p>
      {canEdit && !editing && <Button onPress={() => { setDraft(draftOf()); setErrors({}); setEditing(true); }}>{t('loyalty.referrals.edit')}</Button>}
      {editing && (
        <Form className="referral-form" onSubmit={(e) => { e.preventDefault(); handleSave(); }}>
          <Select label={t('loyalty.referrals.rewardLabel')} value={draft.on ? draft.reward : 'off'} onChange={(v: Reward | 'off') => (v === 'off' ? set('on', false) : setDraft((d) => ({ ...d, on: true, reward: v })))}
            options={[{ id: 'off' as const, label: t('loyalty.referrals.rewardOff') }, ...REWARDS.map((r) => ({ id: r, label: t(`loyalty.referrals.reward.${r}`) }))]} />
          {draft.on && (
            <div className="referral-fields">
              {draft.reward !== 'friend' && <TextField label={t('loyalty.referrals.referrerPoints')} value={draft.referrerPoints} onChange={(v) => set('referrerPoints', v)} inputMode="numeric" errorMessage={errors.referrerPoints} />}
              {draft.reward !== 'referrer' && <TextField label={t('loyalty.referrals.friendPoints')} value={draft.friendPoints} onChange={(v) => set('friendPoints', v)} inputMode="numeric" errorMessage={errors.friendPoints} />}
              <TextField label={t('loyalty.referrals.minOrder', { unit })} value={draft.minOrder} onChange={(v) => set('minOrder', v)} inputMode="numeric" errorMessage={errors.minOrder}
                description={t('loyalty.referrals.minOrderHint')} />
              <TextField label={t('loyalty.referrals.limit')} value={draft.limit} onChange={(v) => set('limit', v)} inputMode="numeric" errorMessage={errors.limit}
                description={t('loyalty.referrals.limitHint')} />
            </div>
          )}
          <p className="muted">{t('loyalty.referrals.whenPaid')}</p>
          {save.error && <p className="form-error" role="alert">{save.error.message}</p>}
          <div className="form-actions">
            <Button type="submit" variant="primary" isPending={save.pending}>{t('common.save')}</Button>
            <Button variant="ghost" onPress={() => setEditing(false)}>{t('common.cancel')}</Button>
          </div>
        </Form>
      )}
    </div>
  );
}
