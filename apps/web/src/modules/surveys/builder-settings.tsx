// The survey as a whole: its name, who answers it, its languages, anonymity, what it is about,
// the points for answering and the thank-you; then the values a link carries, the closing day
// and the quotas.
import { getLocalTimeZone, today } from '@internationalized/date';
import { JourneyStage, type LocalText, type SurveyDefinition } from '@vafa/contracts';
import { useQuery } from '@tanstack/react-query';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { api } from '../../lib/api.ts';
import { LANGUAGES, type Language } from '../../lib/format.ts';
import { Button, Checkbox, CloseIcon, PlusIcon, Select, Switch, TextField, TrashIcon } from '../../ui/index.ts';
import { DatePicker } from '../../ui/date-fields.tsx';
import { useBuilder } from './builder-context.tsx';
import { closingDay, closingInstant } from './builder-dates.ts';
import { CodeList, LocalTextField, NumberInput } from './builder-fields.tsx';
import { isHiddenFieldName, optionalText, withLanguages, type Definition, type Settings } from './builder-model.ts';

const NO_STAGE = 'none';
type Quota = NonNullable<Settings['quota']>;

export function AboutSection({ definition, onChange }: { definition: Definition; onChange: (definition: Definition) => void }) {
  const t = useT();
  const { readOnly, error } = useBuilder();
  const { settings } = definition;
  const set = (patch: Partial<Settings>) => onChange({ ...definition, settings: { ...settings, ...patch } });
  const toggleLanguage = (language: Language, on: boolean) => {
    const next = on ? [...settings.languages, language] : settings.languages.filter((l) => l !== language);
    onChange({ ...definition, settings: withLanguages(settings, next) });
  };
  return (
    <section className="card builder-section" aria-labelledby="about-heading">
      <h2 id="about-heading">{t('surveys.builder.about')}</h2>
      <div className="form">
        <div className="form-grid">
          <TextField label={t('surveys.builder.name')} description={t('surveys.builder.nameHint')} value={definition.name} isRequired isReadOnly={readOnly}
            onChange={(name) => onChange({ ...definition, name })} errorMessage={error('name')} />
          <Select<SurveyDefinition['kind']> label={t('surveys.builder.kind')} value={definition.kind} isDisabled={readOnly}
            onChange={(kind) => onChange({ ...definition, kind })} errorMessage={error('kind')}
            options={[{ id: 'customer', label: t('surveys.builder.kind.customer') }, { id: 'employee', label: t('surveys.builder.kind.employee') }]} />
        </div>
        <div className="form-grid">
          <fieldset className="fieldset">
            <legend>{t('surveys.builder.languages')}</legend>
            <p className="field-description">{t('surveys.builder.languagesHint')}</p>
            <div className="checkbox-row">
              {LANGUAGES.map((language) => {
                const on = settings.languages.includes(language);
                return (
                  <Checkbox key={language} isSelected={on} isDisabled={readOnly || (on && settings.languages.length === 1)} onChange={(v) => toggleLanguage(language, v)}>
                    {t(`language.${language}`)}
                  </Checkbox>
                );
              })}
            </div>
            {error('settings.languages') && <p className="field-error">{error('settings.languages')}</p>}
          </fieldset>
          <Select<Language> label={t('surveys.builder.defaultLanguage')} description={t('surveys.builder.defaultLanguageHint')} value={settings.defaultLanguage}
            isDisabled={readOnly} onChange={(defaultLanguage) => set({ defaultLanguage })} errorMessage={error('settings.defaultLanguage')}
            options={settings.languages.map((id) => ({ id, label: t(`language.${id}`) }))} />
        </div>
        <div className="anonymous">
          <Switch isSelected={settings.anonymous} isDisabled={readOnly} onChange={(anonymous) => set({ anonymous })}>{t('surveys.builder.anonymous')}</Switch>
          <p className="field-description">{t('surveys.builder.anonymousHint')}</p>
        </div>
        <div className="form-grid">
          <Select label={t('surveys.builder.stage')} description={t('surveys.builder.stageHint')} value={settings.stage ?? NO_STAGE} isDisabled={readOnly}
            onChange={(v) => set({ stage: v === NO_STAGE ? undefined : (v as Settings['stage']) })} errorMessage={error('settings.stage')}
            options={[{ id: NO_STAGE, label: t('surveys.builder.stageNone') }, ...JourneyStage.options.map((id) => ({ id, label: t(`timeline.stage.${id}`) }))]} />
          <NumberInput label={t('surveys.builder.incentive')} description={t('surveys.builder.incentiveHint')} value={settings.incentivePoints} isReadOnly={readOnly}
            onChange={(incentivePoints) => set({ incentivePoints })} errorMessage={error('settings.incentivePoints')} />
        </div>
        <LocalTextField label={t('surveys.builder.thankYou')} path="settings.thankYou" text={settings.thankYou} multiline description={t('surveys.builder.thankYouHint')}
          onChange={(thankYou: LocalText) => set({ thankYou: optionalText(thankYou) })} />
      </div>
    </section>
  );
}

export function LimitsSection({ definition, onChange }: { definition: Definition; onChange: (definition: Definition) => void }) {
  const t = useT();
  const prefs = usePrefs();
  const { readOnly, error } = useBuilder();
  const segments = useQuery({ queryKey: ['segments'], queryFn: api.segments });
  const { settings } = definition;
  const set = (patch: Partial<Settings>) => onChange({ ...definition, settings: { ...settings, ...patch } });
  const quota: Quota = settings.quota ?? { segments: [] };
  const setQuota = (patch: Partial<Quota>) => {
    const next = { ...quota, ...patch };
    set({ quota: next.total === undefined && next.segments.length === 0 ? undefined : next });
  };
  const closesOn = settings.closesAt ? closingDay(settings.closesAt, prefs.timeZone) : null;
  const segmentOptions = (segments.data?.items ?? []).map((s) => ({ id: s.id, label: s.name }));
  const unusedSegment = segmentOptions.find((s) => !quota.segments.some((q) => q.segmentId === s.id));

  return (
    <section className="card builder-section" aria-labelledby="limits-heading">
      <h2 id="limits-heading">{t('surveys.builder.limits')}</h2>
      <div className="form">
        <CodeList
          label={t('surveys.builder.hiddenFields')}
          description={t('surveys.builder.hiddenFieldsHint')}
          items={settings.hiddenFields}
          onChange={(hiddenFields) => set({ hiddenFields })}
          check={(name) => (isHiddenFieldName(name) ? undefined : t('surveys.builder.error.hidden_field_name'))}
          addLabel={t('surveys.builder.addHiddenField')}
          inputLabel={t('surveys.builder.hiddenFieldName')}
          errorMessage={error('settings.hiddenFields')}
        />
        <div className="closes-at">
          <DatePicker label={t('surveys.builder.closesAt')} description={t('surveys.builder.closesAtHint')} value={closesOn} isReadOnly={readOnly}
            minValue={today(getLocalTimeZone())} onChange={(day) => set({ closesAt: day ? closingInstant(day, prefs.timeZone) : undefined })}
            errorMessage={error('settings.closesAt')} />
          {closesOn && !readOnly && <Button variant="ghost" onPress={() => set({ closesAt: undefined })}><CloseIcon size={16} />{t('surveys.builder.noClosing')}</Button>}
        </div>
        <fieldset className="fieldset quota">
          <legend>{t('surveys.builder.quota')}</legend>
          <p className="field-description">{t('surveys.builder.quotaHint')}</p>
          <NumberInput label={t('surveys.builder.quotaTotal')} value={quota.total} isReadOnly={readOnly} className="quota-total"
            onChange={(total) => setQuota({ total })} errorMessage={error('settings.quota.total')} />
          {quota.segments.length > 0 && (
            <ul className="quota-segments">
              {quota.segments.map((row, i) => (
                <li key={i} className="quota-row">
                  <Select label={t('surveys.builder.quotaSegment')} value={row.segmentId} isDisabled={readOnly}
                    onChange={(segmentId) => setQuota({ segments: quota.segments.map((r, j) => (j === i ? { ...r, segmentId } : r)) })}
                    options={segmentOptions} errorMessage={error(`settings.quota.segments.${i}.segmentId`)} />
                  <NumberInput label={t('surveys.builder.quotaLimit')} value={row.limit} isReadOnly={readOnly}
                    onChange={(limit) => setQuota({ segments: quota.segments.map((r, j) => (j === i ? { ...r, limit: limit ?? 0 } : r)) })}
                    errorMessage={error(`settings.quota.segments.${i}.limit`)} />
                  {!readOnly && (
                    <Button variant="ghost" className="icon-only" aria-label={t('surveys.builder.quotaRemove', { n: i + 1 })}
                      onPress={() => setQuota({ segments: quota.segments.filter((_, j) => j !== i) })}><TrashIcon /></Button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {!readOnly && (
            unusedSegment
              ? <div><Button onPress={() => setQuota({ segments: [...quota.segments, { segmentId: unusedSegment.id, limit: 100 }] })}><PlusIcon />{t('surveys.builder.quotaAdd')}</Button></div>
              : segments.data && segmentOptions.length === 0 && <p className="field-description">{t('surveys.builder.quotaNoSegments')}</p>
          )}
        </fieldset>
      </div>
    </section>
  );
}
