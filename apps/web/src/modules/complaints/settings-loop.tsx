// The closed loop (notices to the complainant, the post-closure satisfaction question, negative
// feedback opening a case, the recourse text per language, goodwill), intake by e-mail and SMS,
// and when a recurring problem raises an alert.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { Form } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { ErrorState, Select, Skeleton, Switch, TextField, Button, useToast } from '../../ui/index.ts';
import { ComplaintWidgetTag } from './complaint-widget-tag.tsx';
import { settingsApi, settingsKeys, type IntakeSettings, type LoopSettings, type LoopSettingsInput, type Recurrence } from './complaint-settings-api.ts';
import { localName } from '../loyalty/loyalty-format.ts';
import { digitsText, parseWhole, UnplacedError, usePathError } from './settings-parts.tsx';

function Loading<T>({ query, children }: { query: { isPending: boolean; isError: boolean; error: Error | null; data: T | undefined; refetch: () => unknown }; children: (data: T) => ReactNode }) {
  if (query.isPending) return <Skeleton lines={5} />;
  if (query.isError) return <ErrorState detail={query.error?.message} onRetry={() => void query.refetch()} />;
  return <>{children(query.data as T)}</>;
}

export function LoopSection({ canEdit }: { canEdit: boolean }) {
  const loop = useQuery({ queryKey: settingsKeys.loop, queryFn: settingsApi.loop });
  const intake = useQuery({ queryKey: settingsKeys.intake, queryFn: settingsApi.intake });
  const recurrence = useQuery({ queryKey: settingsKeys.recurrence, queryFn: settingsApi.recurrence });
  return (
    <div className="settings-stack">
      <Loading query={loop}>{(view) => <LoopForm view={view} canEdit={canEdit} />}</Loading>
      <Loading query={intake}>{(view) => <IntakeForm view={view} canEdit={canEdit} />}</Loading>
      <Loading query={recurrence}>{(view) => <RecurrenceForm view={view} canEdit={canEdit} />}</Loading>
    </div>
  );
}

/** contracts' COMPLAINT_NOTICE_KINDS (a value import would bring zod into the chunk) */
const COMPLAINT_NOTICE_KINDS = ['acknowledged', 'resolution_communicated', 'escalated', 'closed'] as const;
type Gesture = LoopSettingsInput['goodwill']['onFiling'];
const toInput = (v: LoopSettings): LoopSettingsInput => ({ negativeFeedbackOpensCase: v.negativeFeedbackOpensCase, notices: v.notices, csat: v.csat, recourse: v.recourse, goodwill: v.goodwill });

function LoopForm({ view, canEdit }: { view: LoopSettings; canEdit: boolean }) {
  const t = useT();
  const toast = useToast();
  const client = useQueryClient();
  const { error, pending, run } = useSubmit();
  const errorFor = usePathError(error);
  const [draft, setDraft] = useState(() => toInput(view));
  useEffect(() => setDraft(toInput(view)), [view]);
  const handleSave = async () => {
    const ok = await run(async () => client.setQueryData(settingsKeys.loop, await settingsApi.saveLoop(draft)));
    if (ok) toast(t('complaints.settings.loop.saved'));
  };
  return (
    <Form className="card settings-card" onSubmit={(e) => { e.preventDefault(); void handleSave(); }} validationBehavior="aria">
      <h2>{t('complaints.settings.loop.title')}</h2>
      <p className="muted settings-intro">{t('complaints.settings.loop.intro')}</p>
      <fieldset className="fieldset">
        <legend>{t('complaints.settings.loop.notices')}</legend>
        <div className="switch-stack">
          {COMPLAINT_NOTICE_KINDS.map((kind) => (
            <Switch key={kind} isDisabled={!canEdit} isSelected={draft.notices[kind]} onChange={(on) => setDraft((d) => ({ ...d, notices: { ...d.notices, [kind]: on } }))}>
              {t(`complaints.settings.loop.notice.${kind}`)}
            </Switch>
          ))}
        </div>
      </fieldset>
      <fieldset className="fieldset">
        <legend>{t('complaints.settings.loop.afterClosure')}</legend>
        <div className="switch-stack">
          <Switch isDisabled={!canEdit} isSelected={draft.csat.enabled} onChange={(enabled) => setDraft((d) => ({ ...d, csat: { ...d.csat, enabled } }))}>
            {t('complaints.settings.loop.csat')}
          </Switch>
          <p className="field-description">{t('complaints.settings.loop.csatHint')}</p>
          <Switch isDisabled={!canEdit} isSelected={draft.negativeFeedbackOpensCase} onChange={(on) => setDraft((d) => ({ ...d, negativeFeedbackOpensCase: on }))}>
            {t('complaints.settings.loop.negativeOpens')}
          </Switch>
          <p className="field-description">{t('complaints.settings.loop.negativeOpensHint')}</p>
        </div>
        {errorFor('csat') && <p className="form-error">{errorFor('csat')}</p>}
      </fieldset>
      <fieldset className="fieldset">
        <legend>{t('complaints.settings.loop.recourse')}</legend>
        <p className="field-description">{t('complaints.settings.loop.recourseHint')}</p>
        {(['fa', 'ar', 'en'] as const).map((lang) => (
          <TextField key={lang} multiline label={t(`complaints.settings.loop.recourseIn.${lang}`)} value={draft.recourse[lang] ?? ''} isReadOnly={!canEdit}
            dir={lang === 'en' ? 'ltr' : 'rtl'} placeholder={view.defaultRecourse[lang]} errorMessage={errorFor(`recourse.${lang}`)}
            onChange={(text) => setDraft((d) => {
              const recourse = { ...d.recourse };
              if (text.trim()) recourse[lang] = text;
              else delete recourse[lang];
              return { ...d, recourse };
            })} />
        ))}
      </fieldset>
      <fieldset className="fieldset">
        <legend>{t('complaints.settings.loop.goodwill')}</legend>
        <p className="field-description">{t('complaints.settings.loop.goodwillHint')}</p>
        <div className="goodwill-grid">
          <GestureField label={t('complaints.settings.loop.onFiling')} value={draft.goodwill.onFiling} isReadOnly={!canEdit} error={errorFor('goodwill.onFiling')} rewardError={errorFor('goodwill.onFiling.rewardId')}
            onChange={(onFiling) => setDraft((d) => ({ ...d, goodwill: { ...d.goodwill, onFiling } }))} />
          <GestureField label={t('complaints.settings.loop.onResolution')} value={draft.goodwill.onResolution} isReadOnly={!canEdit} error={errorFor('goodwill.onResolution')} rewardError={errorFor('goodwill.onResolution.rewardId')}
            onChange={(onResolution) => setDraft((d) => ({ ...d, goodwill: { ...d.goodwill, onResolution } }))} />
        </div>
      </fieldset>
      <UnplacedError error={error} placed={(p) => /^(csat|recourse|goodwill)/.test(p)} />
      {canEdit && <div className="form-actions"><Button type="submit" variant="primary" isPending={pending}>{t('common.save')}</Button></div>}
    </Form>
  );
}

/** None, points, or a coupon worth an amount in minor units of a currency: one code of a discount coupon of loyalty. */
function GestureField({ label, value, onChange, isReadOnly, error, rewardError }: {
  label: string; value: Gesture; onChange: (g: Gesture) => void; isReadOnly: boolean; error?: string; rewardError?: string;
}) {
  const t = useT();
  const prefs = usePrefs();
  const coupons = useQuery({ queryKey: settingsKeys.couponRewards, queryFn: settingsApi.couponRewards, enabled: value?.kind === 'coupon' });
  const kind = value?.kind ?? 'none';
  const amountText = digitsText(value?.amount, prefs);
  return (
    <div className="gesture" role="group" aria-label={label}>
      <Select label={label} value={kind} isDisabled={isReadOnly}
        options={[{ id: 'none', label: t('complaints.settings.loop.gesture.none') }, { id: 'points', label: t('complaints.settings.loop.gesture.points') }, { id: 'coupon', label: t('complaints.settings.loop.gesture.coupon') }]}
        onChange={(k) => onChange(k === 'none' ? null : k === 'points' ? { kind: 'points', amount: value?.amount ?? 100 } : { kind: 'coupon', amount: value?.amount ?? 100_000, currency: value?.kind === 'coupon' ? value.currency : 'IRR' })} />
      {value && (
        <TextField label={value.kind === 'points' ? t('complaints.settings.loop.points') : t('complaints.settings.loop.amountMinor')} value={amountText} inputMode="numeric" isReadOnly={isReadOnly}
          errorMessage={rewardError ? undefined : error} onChange={(text) => { const n = parseWhole(text); if (n !== null) onChange({ ...value, amount: n }); }} />
      )}
      {value?.kind === 'coupon' && (
        <Select label={t('complaints.settings.loop.couponReward')} value={value.rewardId ?? null} isDisabled={isReadOnly} errorMessage={rewardError}
          description={coupons.data?.length === 0 ? t('complaints.settings.loop.couponRewardNone') : t('complaints.settings.loop.couponRewardHint')}
          options={(coupons.data ?? []).map((r) => ({ id: r.id, label: localName(r.name, prefs.language) }))}
          onChange={(rewardId) => onChange({ ...value, rewardId })} />
      )}
      {value?.kind === 'coupon' && (
        <TextField label={t('complaints.settings.loop.currency')} value={value.currency} dir="ltr" isReadOnly={isReadOnly}
          onChange={(currency) => onChange({ ...value, currency: currency.toUpperCase().slice(0, 3) })} description={t('complaints.settings.loop.currencyHint')} />
      )}
    </div>
  );
}

function IntakeForm({ view, canEdit }: { view: IntakeSettings; canEdit: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const { error, pending, run } = useSubmit();
  const errorFor = usePathError(error);
  const [email, setEmail] = useState(view.emailEnabled);
  const [sms, setSms] = useState(view.smsEnabled);
  const [widget, setWidget] = useState(view.widgetEnabled);
  const [windowText, setWindowText] = useState(digitsText(view.threadWindowHours, prefs));
  const windowHours = parseWhole(windowText);
  const handleSave = async () => {
    const ok = await run(async () => client.setQueryData(settingsKeys.intake, await settingsApi.saveIntake({ emailEnabled: email, smsEnabled: sms, widgetEnabled: widget, threadWindowHours: windowHours ?? -1 })));
    if (ok) toast(t('complaints.settings.intake.saved'));
  };
  return (
    <Form className="card settings-card" onSubmit={(e) => { e.preventDefault(); void handleSave(); }} validationBehavior="aria">
      <h2>{t('complaints.settings.intake.title')}</h2>
      <div className="switch-stack">
        <Switch isDisabled={!canEdit} isSelected={email} onChange={setEmail}>{t('complaints.settings.intake.email')}</Switch>
        {view.emailAddresses.length > 0 ? (
          <p className="field-description">{t('complaints.settings.intake.addresses')} {view.emailAddresses.map((a) => <bdi key={a} dir="ltr" className="intake-address">{a}</bdi>)}</p>
        ) : <p className="field-description">{t('complaints.settings.intake.noListener')}</p>}
        <Switch isDisabled={!canEdit} isSelected={sms} onChange={setSms}>{t('complaints.settings.intake.sms')}</Switch>
        <Switch isDisabled={!canEdit} isSelected={widget} onChange={setWidget}>{t('complaints.settings.intake.widget')}</Switch>
        <ComplaintWidgetTag view={view} />
      </div>
      <TextField label={t('complaints.settings.intake.window')} value={windowText} onChange={setWindowText} inputMode="numeric" isReadOnly={!canEdit}
        description={t('complaints.settings.intake.windowHint')} errorMessage={errorFor('threadWindowHours')} />
      <UnplacedError error={error} placed={(p) => p.startsWith('threadWindowHours')} />
      {canEdit && <div className="form-actions"><Button type="submit" variant="primary" isPending={pending}>{t('common.save')}</Button></div>}
    </Form>
  );
}

function RecurrenceForm({ view, canEdit }: { view: Recurrence; canEdit: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const { error, pending, run } = useSubmit();
  const errorFor = usePathError(error);
  const [enabled, setEnabled] = useState(view.enabled);
  const [threshold, setThreshold] = useState(digitsText(view.threshold, prefs));
  const [windowDays, setWindowDays] = useState(digitsText(view.windowDays, prefs));
  const handleSave = async () => {
    const body = { enabled, threshold: parseWhole(threshold) ?? -1, windowDays: parseWhole(windowDays) ?? -1 };
    const ok = await run(async () => client.setQueryData(settingsKeys.recurrence, await settingsApi.saveRecurrence(body)));
    if (ok) toast(t('complaints.settings.recurrence.saved'));
  };
  return (
    <Form className="card settings-card" onSubmit={(e) => { e.preventDefault(); void handleSave(); }} validationBehavior="aria">
      <h2>{t('complaints.settings.recurrence.title')}</h2>
      <p className="muted settings-intro">{t('complaints.settings.recurrence.intro')}</p>
      <Switch isDisabled={!canEdit} isSelected={enabled} onChange={setEnabled}>{t('complaints.settings.recurrence.enabled')}</Switch>
      <div className="form-grid">
        <TextField label={t('complaints.settings.recurrence.threshold')} value={threshold} onChange={setThreshold} inputMode="numeric" isReadOnly={!canEdit} errorMessage={errorFor('threshold')} />
        <TextField label={t('complaints.settings.recurrence.windowDays')} value={windowDays} onChange={setWindowDays} inputMode="numeric" isReadOnly={!canEdit} errorMessage={errorFor('windowDays')} />
      </div>
      <UnplacedError error={error} placed={(p) => /^(threshold|windowDays)/.test(p)} />
      {canEdit && <div className="form-actions"><Button type="submit" variant="primary" isPending={pending}>{t('common.save')}</Button></div>}
    </Form>
  );
}
