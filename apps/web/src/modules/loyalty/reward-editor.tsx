// The reward form: a new reward for the catalogue (name in fa/ar/en, kind, cost in points, stock,
// a per-member limit, on offer or not, the first and last day on offer in the reader's calendar,
// and who may redeem it: everyone or chosen tiers of a program), or the same fields of an existing one. Typed numbers may be in Persian or Arabic
// digits; the form only checks they are whole numbers, and the server's rules (at least one
// point, at least one name, a stock not below what was taken) come back as problem+json, each
// message shown on its field.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { CreateReward, RewardKind, UpdateReward } from '@vafa/contracts';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { localiseDigits, toLatinDigits } from '../../lib/format.ts';
import { request } from '../../lib/api.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { DateField } from '../../ui/date-fields.tsx';
import { Button, Checkbox, Dialog, Select, Skeleton, Switch, TextField, UserText, useToast } from '../../ui/index.ts';
import { loyaltyApi, loyaltyKeys, type Reward } from './api.ts';
import { couponKeys, couponsApi } from './coupons-api.ts';
import { localName, newIdempotencyKey } from './loyalty-format.ts';
import { windowBackwards, windowDays, windowInstants } from './reward-window.ts';
import './reward-editor.css';

// Partner offers are made in the partners' catalogue, donations through the charities: the server refuses new rewards of those kinds.
const KINDS: RewardKind[] = ['gift', 'discount_coupon', 'coupon'];

const rewardsApi = {
  create: (body: CreateReward, key: string) => request<Reward>('POST', '/api/loyalty/rewards', body, undefined, { 'Idempotency-Key': key }),
  update: (rewardId: string, body: UpdateReward, key: string) => request<Reward>('PATCH', `/api/loyalty/rewards/${rewardId}`, body, undefined, { 'Idempotency-Key': key }),
};

/** A whole number typed in any digits, with or without group separators; empty → null; anything else → NaN. */
export function parseWhole(text: string): number | null {
  const plain = toLatinDigits(text).replace(/[\s,٬،]/g, '');
  if (plain === '') return null;
  return /^[0-9]{1,12}$/.test(plain) ? Number(plain) : Number.NaN;
}


export function RewardEditor({ reward, onClose }: { reward: Reward | null; onClose: (saved?: Reward) => void }) {
  const t = useT();
  const prefs = usePrefs();
  const queries = useQueryClient();
  const toast = useToast();
  const submit = useSubmit();
  // A stored number is shown in the reader's digits, as they would type it.
  const asText = (n: number | null | undefined) => (n === null || n === undefined ? '' : localiseDigits(String(n), prefs.digits));
  // One key per dialog: pressing Save again after a failure replays the same creation.
  const key = useRef(newIdempotencyKey());
  const [fa, setFa] = useState(reward?.name.fa ?? '');
  const [ar, setAr] = useState(reward?.name.ar ?? '');
  const [en, setEn] = useState(reward?.name.en ?? '');
  const [kind, setKind] = useState<RewardKind>(reward?.kind ?? 'gift');
  const [cost, setCost] = useState(asText(reward?.pointsCost));
  const [stock, setStock] = useState(asText(reward?.stock));
  const [limit, setLimit] = useState(asText(reward?.perMemberLimit));
  const [active, setActive] = useState(reward?.active ?? true);
  const [offer, setOffer] = useState(() => windowDays({ validFrom: reward?.validFrom ?? null, validUntil: reward?.validUntil ?? null }, prefs.timeZone, prefs.calendar));
  const backwards = windowBackwards(offer);
  const [who, setWho] = useState<'everyone' | 'tiers'>('everyone');
  const [programId, setProgramId] = useState<string | null>(null);
  const [tierIds, setTierIds] = useState<Set<string>>(new Set());
  const programs = useQuery({ queryKey: loyaltyKeys.programs, queryFn: loyaltyApi.programs, enabled: reward === null });
  const program = programId ?? programs.data?.items[0]?.id ?? null;
  const tiers = useQuery({ queryKey: couponKeys.programTiers(program ?? ''), queryFn: () => couponsApi.programTiers(program!), enabled: who === 'tiers' && program !== null });

  const costValue = parseWhole(cost);
  const stockValue = parseWhole(stock);
  const limitValue = parseWhole(limit);
  const notWhole = (v: number | null) => v !== null && Number.isNaN(v);
  const errors = submit.error?.fieldErrors ?? {};
  // What was sent with the refused save: a server message stays on its field until the field changes.
  const [sent, setSent] = useState<Record<string, string>>({});
  const days = `${offer.firstDay?.toString() ?? ''}|${offer.lastDay?.toString() ?? ''}`;
  const now: Record<string, string> = { 'name.fa': fa, 'name.ar': ar, 'name.en': en, name: `${fa}|${ar}|${en}`, pointsCost: cost, stock, perMemberLimit: limit, validFrom: days, validUntil: days };
  const paths = Object.fromEntries(Object.entries(submit.error?.fieldPaths ?? {}).map(([field, e]) => [field, e.message]));
  const fe: Record<string, string | undefined> = Object.fromEntries(Object.entries({ ...errors, ...paths }).filter(([field]) => !(field in now) || sent[field] === now[field]));
  // A name too long or malformed in one language is on that language's field; no name at all on the first.
  const nameError = (lang: 'fa' | 'ar' | 'en') => fe[`name.${lang}`] ?? (lang === 'fa' && !fe['name.ar'] && !fe['name.en'] ? fe.name : undefined);
  const tiersMissing = reward === null && who === 'tiers' && tierIds.size === 0;
  const blocked = costValue === null || notWhole(costValue) || notWhole(stockValue) || notWhole(limitValue) || tiersMissing || backwards;

  const handle = async () => {
    let saved: Reward | undefined;
    setSent(now);
    const ok = await submit.run(async () => {
      const name = Object.fromEntries(Object.entries({ fa: fa.trim(), ar: ar.trim(), en: en.trim() }).filter(([, v]) => v !== ''));
      const fields = { name, pointsCost: costValue!, stock: stockValue, perMemberLimit: limitValue, active, ...windowInstants(offer, prefs.timeZone) };
      saved = reward ? await rewardsApi.update(reward.id, fields, key.current) : await rewardsApi.create({ kind, ...fields }, key.current);
      if (!reward && who === 'tiers' && program) await couponsApi.setRewardTiers(saved.id, program, [...tierIds], `${key.current}-tiers`);
    });
    if (!ok || !saved) return;
    await Promise.all([
      queries.invalidateQueries({ queryKey: loyaltyKeys.rewards }),
      queries.invalidateQueries({ queryKey: couponKeys.reward(saved.id) }),
      queries.invalidateQueries({ queryKey: couponKeys.rewardTiers(saved.id) }),
    ]);
    toast(t('loyalty.rewards.saved'));
    onClose(saved);
  };
  const toggleTier = (id: string, on: boolean) => {
    const next = new Set(tierIds);
    if (on) next.add(id);
    else next.delete(id);
    setTierIds(next);
  };

  return (
    <Dialog title={t(reward ? 'loyalty.rewards.editTitle' : 'loyalty.rewards.newTitle')} isOpen onOpenChange={(open) => !open && onClose()} size="large">
      <form className="form reward-form" onSubmit={(e) => { e.preventDefault(); void handle(); }} noValidate>
        <fieldset className="reward-form-names">
          <legend>{t('loyalty.rewards.nameLegend')}</legend>
          <TextField label={t('loyalty.rewards.nameFa')} value={fa} onChange={setFa} dir="rtl" autoFocus errorMessage={nameError('fa')} />
          <TextField label={t('loyalty.rewards.nameAr')} value={ar} onChange={setAr} dir="rtl" errorMessage={nameError('ar')} />
          <TextField label={t('loyalty.rewards.nameEn')} value={en} onChange={setEn} dir="ltr" errorMessage={nameError('en')} />
        </fieldset>
        {reward === null && (
          <Select label={t('loyalty.rewards.kind')} value={kind} onChange={setKind}
            description={kind === 'discount_coupon' ? t('loyalty.rewards.couponHint') : undefined}
            options={KINDS.map((k) => ({ id: k, label: t(`loyalty.rewards.kindName.${k}`) }))} />
        )}
        <div className="reward-form-numbers">
          <TextField label={t('loyalty.rewards.costField')} value={cost} onChange={setCost} inputMode="numeric" dir="ltr" isRequired
            errorMessage={notWhole(costValue) ? t('loyalty.rewards.wholeNumber') : fe.pointsCost} />
          <TextField label={t('loyalty.rewards.stockField')} value={stock} onChange={setStock} inputMode="numeric" dir="ltr"
            description={t('loyalty.rewards.stockHelp')} errorMessage={notWhole(stockValue) ? t('loyalty.rewards.wholeNumber') : fe.stock} />
          <TextField label={t('loyalty.rewards.limitField')} value={limit} onChange={setLimit} inputMode="numeric" dir="ltr"
            description={t('loyalty.rewards.limitHelp')} errorMessage={notWhole(limitValue) ? t('loyalty.rewards.wholeNumber') : fe.perMemberLimit} />
        </div>
        <fieldset className="reward-form-window">
          <legend>{t('loyalty.rewards.windowLegend')}</legend>
          <DateField label={t('loyalty.rewards.firstDay')} value={offer.firstDay} onChange={(firstDay) => setOffer({ ...offer, firstDay })}
            description={t('loyalty.rewards.firstDayHelp')} errorMessage={fe.validFrom} />
          <DateField label={t('loyalty.rewards.lastDay')} value={offer.lastDay} onChange={(lastDay) => setOffer({ ...offer, lastDay })}
            description={t('loyalty.rewards.lastDayHelp')} errorMessage={backwards ? t('loyalty.rewards.windowBackwards') : fe.validUntil} />
        </fieldset>
        <Switch isSelected={active} onChange={setActive}>{t('loyalty.rewards.activeSwitch')}</Switch>
        {reward === null && (
          <div className="reward-form-who">
            <Select label={t('loyalty.rewards.who')} value={who} onChange={setWho}
              options={[{ id: 'everyone', label: t('loyalty.rewards.everyone') }, { id: 'tiers', label: t('loyalty.rewards.onlyTiers') }]} />
            {who === 'tiers' && ((programs.data?.items.length ?? 0) === 0 ? <p className="muted">{t('loyalty.coupons.noPrograms')}</p> : (
              <>
                <Select label={t('loyalty.coupons.program')} value={program} onChange={(id) => { setProgramId(id); setTierIds(new Set()); }}
                  options={(programs.data?.items ?? []).map((p) => ({ id: p.id, label: p.name }))} />
                <div className="reward-form-tiers" role="group" aria-label={t('loyalty.coupons.tiersWho')}>
                  <span className="field-label">{t('loyalty.coupons.tiersWho')}</span>
                  {tiers.isPending ? <Skeleton lines={2} /> : (tiers.data?.items.length ?? 0) === 0 ? <p className="muted">{t('loyalty.coupons.noTiers')}</p> : (
                    tiers.data!.items.map((tier) => (
                      <Checkbox key={tier.id} isSelected={tierIds.has(tier.id)} onChange={(on) => toggleTier(tier.id, on)}>
                        <UserText>{localName(tier.name, prefs.language)}</UserText>
                      </Checkbox>
                    ))
                  )}
                  {tiersMissing && <p className="muted">{t('loyalty.rewards.pickTier')}</p>}
                </div>
              </>
            ))}
          </div>
        )}
        {submit.error && Object.keys(errors).length === 0 && <p className="field-error" role="alert">{submit.error.message}</p>}
        <div className="form-actions">
          <Button type="submit" variant="primary" isDisabled={submit.pending || blocked}>{t('common.save')}</Button>
          <Button onPress={() => onClose()}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Dialog>
  );
}
