// The tiers section of the program editor: how members qualify (tier points, spend or orders,
// over a rolling number of days or a calendar year: Solar Hijri from Nowruz, Hijri Umm al-Qura,
// Gregorian), how they lose a tier (never, one step, recalculated) after a grace period, and the
// tiers themselves (a name in fa, ar and en, the threshold, the earn multiplier) added, changed
// and removed in a dialog. Numbers may be typed in any digits; what the server refuses is said on
// its field. Rewards kept for some tiers are chosen on each reward's page (RewardPage.tsx).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { LoyaltyTierSettings } from '@vafa/contracts';
import { useRef, useState } from 'react';
import { Form } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import type { ApiError } from '../../lib/api.ts';
import { formatMoney, formatNumber, localeTag, type DisplayPrefs } from '../../lib/format.ts';
import { moneyUnitName } from '../../lib/money.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, ConfirmDialog, Dialog, ErrorState, PlusIcon, Select, Skeleton, TextField, UserText, useToast } from '../../ui/index.ts';
import { usePathError } from '../complaints/settings-parts.tsx';
import { couponKeys } from './coupons-api.ts';
import { financeKeys } from './finance-api.ts';
import { localName, newIdempotencyKey } from './loyalty-format.ts';
import type { Money } from './program-draft.ts';
import {
  settingsDraftOf, TIER_BASES, TIER_CALENDARS, TIER_DOWNGRADES, tierChanges, tierDraftOf, toTierBody, toTierSettings,
  type DraftErrors, type TierBasis, type TierDraft, type TierSettingsDraft,
} from './tier-draft.ts';
import { tiersApi, type Tier, type TierList } from './tiers-api.ts';
import './tiers.css';

type Translate = ReturnType<typeof useT>;

/** Both caches that hold a program's tiers: this section's (shared with the reward screens) and the members list's filter. */
function useRefreshTiers(programId: string) {
  const client = useQueryClient();
  return async (list?: TierList) => {
    if (list) client.setQueryData(couponKeys.programTiers(programId), list);
    await Promise.all([
      client.invalidateQueries({ queryKey: couponKeys.programTiers(programId) }),
      client.invalidateQueries({ queryKey: financeKeys.tiers(programId) }),
    ]);
  };
}

export function TiersSection({ programId, canEdit }: { programId: string; canEdit: boolean }) {
  const t = useT();
  const list = useQuery({ queryKey: couponKeys.programTiers(programId), queryFn: () => tiersApi.list(programId) });
  return (
    <section className="card tiers-section" aria-labelledby="program-tiers-title">
      <h2 id="program-tiers-title">{t('loyalty.tiers.title')}</h2>
      <p className="muted tiers-intro">{t('loyalty.tiers.intro')}</p>
      {list.isPending ? <Skeleton lines={4} label={t('app.loading')} />
        : list.isError ? <ErrorState detail={list.error.message} onRetry={() => void list.refetch()} />
          : (
            <div className="tiers-layout">
              {/* A fresh form whenever the saved settings change, so it shows what was kept, in the reader's digits. */}
              <TierSettingsForm key={JSON.stringify(list.data.settings)} programId={programId} saved={list.data.settings} canEdit={canEdit} />
              <TierList programId={programId} list={list.data} canEdit={canEdit} />
            </div>
          )}
    </section>
  );
}

const SETTINGS_PATH_OF: Record<keyof TierSettingsDraft, string> = {
  basis: 'basis', windowKind: 'window.days', days: 'window.days', calendar: 'window.calendar', downgrade: 'downgrade', graceDays: 'graceDays',
};

function TierSettingsForm({ programId, saved, canEdit }: { programId: string; saved: LoyaltyTierSettings | null; canEdit: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const refresh = useRefreshTiers(programId);
  const [draft, setDraft] = useState<TierSettingsDraft>(() => settingsDraftOf(saved, prefs));
  const [shown, setShown] = useState<DraftErrors>({});
  const save = useSubmit();
  const key = useRef(newIdempotencyKey());
  const serverError = usePathError(save.error);
  const set = <K extends keyof TierSettingsDraft>(field: K, value: TierSettingsDraft[K]) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setShown((s) => Object.fromEntries(Object.entries(s).filter(([path]) => path !== SETTINGS_PATH_OF[field])));
  };
  const err = (path: string) => (shown[path] ? t(shown[path]) : serverError(path));

  const submit = async () => {
    const { settings, errors } = toTierSettings(draft);
    setShown(errors);
    if (!settings) return;
    const ok = await save.run(async () => refresh(await tiersApi.saveSettings(programId, settings, key.current)));
    if (ok) {
      key.current = newIdempotencyKey();
      toast(t('loyalty.tiers.settingsSaved'));
    }
  };

  const placed = (path: string) => ['basis', 'window', 'downgrade', 'graceDays'].some((p) => path === p || path.startsWith(`${p}.`));
  return (
    <Form className="form tier-settings" onSubmit={(e) => { e.preventDefault(); void submit(); }} validationBehavior="aria" aria-labelledby="tier-settings-title">
      <h3 id="tier-settings-title">{t('loyalty.tiers.settingsTitle')}</h3>
      {saved === null && <p className="muted" data-testid="tier-settings-default">{t('loyalty.tiers.settingsDefault')}</p>}
      <fieldset className="tier-settings-fields" disabled={!canEdit}>
        <Select label={t('loyalty.tiers.basis')} value={draft.basis} onChange={(v: TierBasis) => set('basis', v)} isDisabled={!canEdit}
          description={t('loyalty.tiers.basisHint')} errorMessage={err('basis')}
          options={TIER_BASES.map((b) => ({ id: b, label: t(`loyalty.tiers.basisName.${b}`) }))} />
        <Select label={t('loyalty.tiers.window')} value={draft.windowKind} onChange={(v: TierSettingsDraft['windowKind']) => set('windowKind', v)} isDisabled={!canEdit}
          options={[{ id: 'rolling', label: t('loyalty.tiers.windowName.rolling') }, { id: 'calendar_year', label: t('loyalty.tiers.windowName.calendar_year') }]} />
        {draft.windowKind === 'rolling' ? (
          <TextField label={t('loyalty.tiers.windowDays')} value={draft.days} onChange={(v) => set('days', v)} inputMode="numeric" isReadOnly={!canEdit}
            description={t('loyalty.tiers.windowDaysHint')} errorMessage={err('window.days')} />
        ) : (
          <Select label={t('loyalty.tiers.calendar')} value={draft.calendar} onChange={(v) => set('calendar', v)} isDisabled={!canEdit}
            description={t('loyalty.tiers.calendarHint')} errorMessage={err('window.calendar')}
            options={TIER_CALENDARS.map((c) => ({ id: c, label: t(`loyalty.tiers.calendarName.${c}`) }))} />
        )}
        <Select label={t('loyalty.tiers.downgrade')} value={draft.downgrade} onChange={(v) => set('downgrade', v)} isDisabled={!canEdit}
          description={t(`loyalty.tiers.downgradeHint.${draft.downgrade}`)} errorMessage={err('downgrade')}
          options={TIER_DOWNGRADES.map((d) => ({ id: d, label: t(`loyalty.tiers.downgradeName.${d}`) }))} />
        {draft.downgrade !== 'none' && (
          <TextField label={t('loyalty.tiers.graceDays')} value={draft.graceDays} onChange={(v) => set('graceDays', v)} inputMode="numeric" isReadOnly={!canEdit}
            description={t('loyalty.tiers.graceHint')} errorMessage={err('graceDays')} />
        )}
      </fieldset>
      <Unplaced error={save.error} placed={placed} />
      {canEdit && (
        <div className="form-actions">
          <Button type="submit" variant="primary" isPending={save.pending}>{t('loyalty.tiers.saveSettings')}</Button>
        </div>
      )}
    </Form>
  );
}

/** A refusal no field on screen shows: said once above the buttons. */
function Unplaced({ error, placed, except }: { error: ApiError | null; placed: (path: string) => boolean; except?: string }) {
  if (!error || error.code === except) return null;
  const paths = Object.keys(error.fieldPaths);
  if (paths.length > 0 && paths.every(placed)) return null;
  return <p className="form-error" role="alert">{error.message}</p>;
}

/** "From 1,000 tier points" / "From 5,000,000 tomans spent" / "From 10 orders", in the reader's digits. */
export function thresholdText(threshold: number, basis: TierBasis, money: Money, prefs: DisplayPrefs, t: Translate): string {
  if (basis === 'spend') return t('loyalty.tiers.from.spend', { amount: formatMoney(threshold, money.currency, prefs, money.irrDisplay) });
  return t(`loyalty.tiers.from.${basis}`, { count: threshold, value: formatNumber(threshold, prefs) });
}

/** The earn multiplier as a person says it: "usual points" at 100, else "×1.5". */
function multiplierText(percent: number, prefs: DisplayPrefs, t: Translate): string {
  if (percent === 100) return t('loyalty.tiers.multiplierUsual');
  return t('loyalty.tiers.multiplierTimes', { factor: new Intl.NumberFormat(localeTag(prefs), { maximumFractionDigits: 2 }).format(percent / 100) });
}

function TierList({ programId, list, canEdit }: { programId: string; list: TierList; canEdit: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const refresh = useRefreshTiers(programId);
  const money: Money = { currency: prefs.currency, irrDisplay: prefs.irrDisplay };
  const basis = list.settings?.basis ?? 'qualifying_points';
  const [editing, setEditing] = useState<Tier | 'new' | null>(null);
  const [removing, setRemoving] = useState<Tier | null>(null);
  const remove = useSubmit();
  const removeKey = useRef(newIdempotencyKey());

  const confirmRemove = async () => {
    if (!removing) return;
    const ok = await remove.run(async () => {
      await tiersApi.remove(programId, removing.id, removeKey.current);
      await refresh();
    });
    if (ok) {
      toast(t('loyalty.tiers.removed'));
      setRemoving(null);
      removeKey.current = newIdempotencyKey();
    }
  };

  return (
    <div className="tier-list-block">
      <h3 id="tier-list-title">{t('loyalty.tiers.listTitle')}</h3>
      {list.items.length === 0 ? <p className="muted">{t('loyalty.tiers.none')}</p> : (
        <ol className="tier-list" aria-labelledby="tier-list-title">
          {list.items.map((tier) => {
            const name = localName(tier.name, prefs.language);
            return (
              <li key={tier.id} className="tier-item" data-testid="tier-item">
                <div className="tier-item-head">
                  <Badge tone="info">{formatNumber(tier.rank, prefs)}</Badge>
                  <strong className="tier-name"><UserText>{name}</UserText></strong>
                </div>
                <p className="tier-facts">
                  <span className="tier-threshold">{thresholdText(tier.threshold, basis, money, prefs, t)}</span>
                  <span className="tier-multiplier">{multiplierText(tier.multiplierPercent, prefs, t)}</span>
                </p>
                {canEdit && (
                  <div className="tier-actions">
                    <Button variant="ghost" onPress={() => setEditing(tier)} aria-label={t('loyalty.tiers.editNamed', { name })}>{t('loyalty.tiers.edit')}</Button>
                    <Button variant="ghost" onPress={() => { remove.setError(null); setRemoving(tier); }} aria-label={t('loyalty.tiers.removeNamed', { name })}>{t('loyalty.editor.remove')}</Button>
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {canEdit && <Button onPress={() => setEditing('new')}><PlusIcon />{t('loyalty.tiers.add')}</Button>}
      <p className="muted tier-rewards-hint">{t('loyalty.tiers.rewardsHint')}</p>
      {editing && <TierDialog programId={programId} basis={basis} tier={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        isOpen={removing !== null}
        onOpenChange={(open) => !open && setRemoving(null)}
        title={t('loyalty.tiers.removeTitle')}
        body={(
          <>
            {t('loyalty.tiers.removeBody', { name: removing ? localName(removing.name, prefs.language) : '' })}
            {remove.error && <span className="form-error tier-remove-error" role="alert">{remove.error.message}</span>}
          </>
        )}
        confirmLabel={t('loyalty.editor.remove')}
        danger
        isPending={remove.pending}
        onConfirm={() => void confirmRemove()}
      />
    </div>
  );
}

const FIELD_OF: Record<string, keyof TierDraft> = { 'name.fa': 'fa', 'name.ar': 'ar', 'name.en': 'en', threshold: 'threshold', multiplierPercent: 'multiplier' };
const PATH_OF: Record<keyof TierDraft, string> = { fa: 'name.fa', ar: 'name.ar', en: 'name.en', threshold: 'threshold', multiplier: 'multiplierPercent' };

function TierDialog({ programId, basis, tier, onClose }: { programId: string; basis: TierBasis; tier: Tier | null; onClose: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const refresh = useRefreshTiers(programId);
  const money: Money = { currency: prefs.currency, irrDisplay: prefs.irrDisplay };
  const [draft, setDraft] = useState<TierDraft>(() => tierDraftOf(tier, basis, money, prefs));
  const [shown, setShown] = useState<DraftErrors>({});
  // What the refused save sent: a server message stays on its field until the field changes.
  const [sent, setSent] = useState<TierDraft | null>(null);
  const submit = useSubmit();
  // One key per dialog: pressing Save again after a failure replays the same change.
  const key = useRef(newIdempotencyKey());
  const serverError = usePathError(submit.error);
  const set = (field: keyof TierDraft, value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setShown((s) => Object.fromEntries(Object.entries(s).filter(([path]) => path !== PATH_OF[field])));
  };
  const err = (path: string): string | undefined => {
    if (shown[path]) return t(shown[path]);
    const field = FIELD_OF[path];
    if (!submit.error || !sent || (field && sent[field] !== draft[field])) return undefined;
    if (path === 'threshold' && submit.error.code === 'tier_threshold_taken') return t('loyalty.tiers.error.thresholdTaken');
    // A name missing as a whole is said on the first name field.
    return serverError(path) ?? (path === 'name.fa' && !submit.error.fieldPaths['name.ar'] && !submit.error.fieldPaths['name.en'] ? serverError('name') : undefined);
  };

  const handle = async () => {
    const { body, errors } = toTierBody(draft, basis, money);
    setShown(errors);
    if (!body) return;
    setSent(draft);
    const ok = await submit.run(async () => {
      if (tier) {
        const changes = tierChanges(tier, body);
        if (Object.keys(changes).length > 0) await tiersApi.update(programId, tier.id, changes, key.current);
      } else {
        await tiersApi.create(programId, body, key.current);
      }
      await refresh();
    });
    if (!ok) return;
    toast(t(tier ? 'loyalty.tiers.saved' : 'loyalty.tiers.added'));
    onClose();
  };

  const unit = moneyUnitName(money.currency, money.irrDisplay, prefs.language);
  const placed = (path: string) => path === 'name' || path in FIELD_OF;
  return (
    <Dialog title={t(tier ? 'loyalty.tiers.editTitle' : 'loyalty.tiers.addTitle')} isOpen onOpenChange={(open) => !open && onClose()} size="large">
      <form className="form tier-form" onSubmit={(e) => { e.preventDefault(); void handle(); }} noValidate>
        <fieldset className="tier-form-names">
          <legend>{t('loyalty.tiers.nameLegend')}</legend>
          <TextField label={t('loyalty.rewards.nameFa')} value={draft.fa} onChange={(v) => set('fa', v)} dir="rtl" autoFocus errorMessage={err('name.fa')} />
          <TextField label={t('loyalty.rewards.nameAr')} value={draft.ar} onChange={(v) => set('ar', v)} dir="rtl" errorMessage={err('name.ar')} />
          <TextField label={t('loyalty.rewards.nameEn')} value={draft.en} onChange={(v) => set('en', v)} dir="ltr" errorMessage={err('name.en')} />
        </fieldset>
        <div className="tier-form-numbers">
          <TextField label={t(`loyalty.tiers.thresholdField.${basis}`, { unit })} value={draft.threshold} onChange={(v) => set('threshold', v)} inputMode="numeric"
            description={t('loyalty.tiers.thresholdHint')} errorMessage={err('threshold')} />
          <TextField label={t('loyalty.tiers.multiplierField')} value={draft.multiplier} onChange={(v) => set('multiplier', v)} inputMode="numeric"
            description={t('loyalty.tiers.multiplierHint')} errorMessage={err('multiplierPercent')} />
        </div>
        <Unplaced error={submit.error} placed={placed} except="tier_threshold_taken" />
        <div className="form-actions">
          <Button type="submit" variant="primary" isPending={submit.pending}>{t('common.save')}</Button>
          <Button onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Dialog>
  );
}
