// The website widget: whether the survey may show in one, when (page view, an address that
// matches, an event the site sends, a delay), to what share of visitors, and on which sites.
import type { WidgetTrigger } from '@vafa/contracts';
import { useT } from '../../i18n/useT.ts';
import { Button, PlusIcon, Select, Switch, TextField, TrashIcon } from '../../ui/index.ts';
import { useBuilder } from './builder-context.tsx';
import { CodeList, NumberInput } from './builder-fields.tsx';
import type { Definition, Settings } from './builder-model.ts';

type Widget = NonNullable<Settings['widget']>;
type TriggerType = WidgetTrigger['type'];
const TRIGGER_TYPES: TriggerType[] = ['page_view', 'url_match', 'event', 'delay'];
const MAX_TRIGGERS = 10;

function blankTrigger(type: TriggerType): WidgetTrigger {
  if (type === 'url_match') return { type, pattern: '' };
  if (type === 'event') return { type, name: '' };
  if (type === 'delay') return { type, seconds: 10 };
  return { type };
}

/** An origin as a browser sends it: scheme, host and perhaps a port, nothing after. */
export function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === text;
  } catch {
    return false;
  }
}

export function WidgetSection({ definition, onChange }: { definition: Definition; onChange: (definition: Definition) => void }) {
  const t = useT();
  const { readOnly, error } = useBuilder();
  const widget: Widget = definition.settings.widget ?? { enabled: false, triggers: [{ type: 'page_view' }], samplingPercent: 100, origins: [] };
  const set = (patch: Partial<Widget>) => onChange({ ...definition, settings: { ...definition.settings, widget: { ...widget, ...patch } } });
  const setTrigger = (i: number, trigger: WidgetTrigger) => set({ triggers: widget.triggers.map((x, j) => (j === i ? trigger : x)) });
  const path = 'settings.widget';

  return (
    <section className="card builder-section" aria-labelledby="widget-heading">
      <h2 id="widget-heading">{t('surveys.builder.widget')}</h2>
      <div className="form">
        <Switch isSelected={widget.enabled} isDisabled={readOnly} onChange={(enabled) => set({ enabled })}>{t('surveys.builder.widgetEnabled')}</Switch>
        <p className="field-description">{t('surveys.builder.widgetHint')}</p>
        {widget.enabled && (
          <>
            <fieldset className="fieldset widget-triggers">
              <legend>{t('surveys.builder.triggers')}</legend>
              {error(`${path}.triggers`) && <p className="field-error">{error(`${path}.triggers`)}</p>}
              <ul className="trigger-list">
                {widget.triggers.map((trigger, i) => (
                  <li key={i} className="trigger-row">
                    <Select<TriggerType> label={t('surveys.builder.triggerType')} value={trigger.type} isDisabled={readOnly}
                      onChange={(type) => setTrigger(i, blankTrigger(type))}
                      options={TRIGGER_TYPES.map((id) => ({ id, label: t(`surveys.builder.trigger.${id}`) }))} />
                    {trigger.type === 'url_match' && (
                      <TextField label={t('surveys.builder.triggerPattern')} description={t('surveys.builder.triggerPatternHint')} value={trigger.pattern} dir="ltr"
                        isReadOnly={readOnly} onChange={(pattern) => setTrigger(i, { ...trigger, pattern })} errorMessage={error(`${path}.triggers.${i}.pattern`)} />
                    )}
                    {trigger.type === 'event' && (
                      <TextField label={t('surveys.builder.triggerEvent')} description={t('surveys.builder.triggerEventHint')} value={trigger.name} dir="ltr"
                        isReadOnly={readOnly} onChange={(name) => setTrigger(i, { ...trigger, name })} errorMessage={error(`${path}.triggers.${i}.name`)} />
                    )}
                    {trigger.type === 'delay' && (
                      <NumberInput label={t('surveys.builder.triggerSeconds')} value={trigger.seconds} isReadOnly={readOnly}
                        onChange={(seconds) => setTrigger(i, { ...trigger, seconds: seconds ?? 0 })} errorMessage={error(`${path}.triggers.${i}.seconds`)} />
                    )}
                    {!readOnly && widget.triggers.length > 1 && (
                      <Button variant="ghost" className="icon-only" aria-label={t('surveys.builder.triggerRemove', { n: i + 1 })}
                        onPress={() => set({ triggers: widget.triggers.filter((_, j) => j !== i) })}><TrashIcon /></Button>
                    )}
                  </li>
                ))}
              </ul>
              {!readOnly && widget.triggers.length < MAX_TRIGGERS && (
                <div><Button onPress={() => set({ triggers: [...widget.triggers, blankTrigger('delay')] })}><PlusIcon />{t('surveys.builder.triggerAdd')}</Button></div>
              )}
            </fieldset>
            <NumberInput label={t('surveys.builder.sampling')} description={t('surveys.builder.samplingHint')} value={widget.samplingPercent} isReadOnly={readOnly}
              className="sampling" onChange={(samplingPercent) => set({ samplingPercent: samplingPercent ?? 0 })} errorMessage={error(`${path}.samplingPercent`)} />
            <CodeList
              label={t('surveys.builder.origins')}
              description={t('surveys.builder.originsHint')}
              items={widget.origins}
              onChange={(origins) => set({ origins })}
              check={(origin) => (isOrigin(origin) ? undefined : t('surveys.builder.error.origin'))}
              addLabel={t('surveys.builder.originAdd')}
              inputLabel={t('surveys.builder.origin')}
              errorMessage={error(`${path}.origins`)}
            />
          </>
        )}
      </div>
    </section>
  );
}
