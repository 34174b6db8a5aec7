// SLA policies per category and severity: targets in business hours and minutes for acknowledging,
// first response and resolving; the states that pause the clock; the warning share; active or not.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Form } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { localiseDigits, type DisplayPrefs } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, Checkbox, ConfirmDialog, DataTable, Dialog, PlusIcon, Select, Switch, TextField, UserText, useToast, type DataTableColumn } from '../../ui/index.ts';
import { SEVERITIES, STATES, type Severity, type State } from './api.ts';
import { settingsApi, settingsKeys, type SlaPolicy, type SlaPolicyInput } from './complaint-settings-api.ts';
import { digitsText, parseWhole, UnplacedError, useMinutesText, usePathError } from './settings-parts.tsx';

const TARGETS = ['acknowledge', 'firstResponse', 'resolve'] as const;
type Target = (typeof TARGETS)[number];
const PAUSABLE = STATES.filter((s) => s !== 'closed');
const ANY = 'any';
/** The server names the policy it makes 'Default': said in the reader's language until someone renames it. */
const isStockName = (p: SlaPolicy) => p.isDefault && p.name === 'Default';

export function PoliciesSection({ canEdit }: { canEdit: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const minutesText = useMinutesText();
  const toast = useToast();
  const client = useQueryClient();
  const policies = useQuery({ queryKey: settingsKeys.policies, queryFn: settingsApi.policies });
  const [editing, setEditing] = useState<SlaPolicy | 'new' | null>(null);
  const [deleting, setDeleting] = useState<SlaPolicy | null>(null);
  const remove = useSubmit();

  const nameOf = (p: SlaPolicy) => (isStockName(p) ? t('complaints.settings.policy.default') : p.name);
  const columns: DataTableColumn<SlaPolicy>[] = [
        { id: 'name', header: t('complaints.settings.policy.name'), isPrimary: true, cell: (p) => (isStockName(p) ? nameOf(p) : <UserText>{p.name}</UserText>) },
    {
      id: 'scope', header: t('complaints.settings.policy.appliesTo'),
      cell: (p) => (p.isDefault ? <Badge tone="info">{t('complaints.settings.policy.default')}</Badge> : (
        <span className="policy-scope">
          {p.category && <UserText>{p.category}</UserText>}
          {p.severity && <Badge>{t(`complaints.severity.${p.severity}`)}</Badge>}
        </span>
      )),
    },
    ...TARGETS.map((target): DataTableColumn<SlaPolicy> => ({
      id: target, header: t(`complaints.settings.policy.target.${target}`),
      cell: (p) => (p.targets[target] === undefined ? <span className="muted">{t('complaints.settings.policy.notMeasured')}</span> : minutesText(p.targets[target], prefs)),
    })),
    { id: 'active', header: t('complaints.settings.policy.state'), cell: (p) => (p.active ? <Badge tone="good">{t('complaints.settings.policy.active')}</Badge> : <Badge>{t('complaints.settings.policy.inactive')}</Badge>) },
    ...(canEdit ? [{
      id: 'actions', header: t('common.actions'), hideHeader: true,
      cell: (p: SlaPolicy) => (
        <span className="row-actions">
          <Button variant="ghost" onPress={() => setEditing(p)} aria-label={t('complaints.settings.policy.editNamed', { name: nameOf(p) })}>{t('common.edit')}</Button>
          {!p.isDefault && <Button variant="ghost" onPress={() => setDeleting(p)} aria-label={t('complaints.settings.policy.deleteNamed', { name: nameOf(p) })}>{t('common.delete')}</Button>}
        </span>
      ),
    }] : []),
  ];

  return (
    <section className="card settings-card">
      <div className="card-head">
        <h2>{t('complaints.settings.policy.title')}</h2>
        {canEdit && <Button variant="primary" onPress={() => setEditing('new')}><PlusIcon />{t('complaints.settings.policy.add')}</Button>}
      </div>
      <p className="muted settings-intro">{t('complaints.settings.policy.intro')}</p>
      <DataTable
        label={t('complaints.settings.policy.title')}
        columns={columns}
        rows={policies.data?.items ?? []}
        rowKey={(p) => p.id}
        isLoading={policies.isPending}
        error={policies.isError ? { detail: policies.error.message, onRetry: () => void policies.refetch() } : undefined}
        empty={{ title: t('complaints.settings.policy.empty') }}
      />
      {editing && <PolicyDialog policy={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        isOpen={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={t('complaints.settings.policy.deleteTitle')}
        body={deleting ? t('complaints.settings.policy.deleteBody', { name: deleting.name }) : ''}
        confirmLabel={t('common.delete')}
        danger
        isPending={remove.pending}
        onConfirm={async () => {
          const ok = await remove.run(() => settingsApi.deletePolicy(deleting!.id));
          if (ok) {
            await client.invalidateQueries({ queryKey: settingsKeys.policies });
            toast(t('complaints.settings.policy.deleted'));
            setDeleting(null);
          } else toast(remove.error?.message ?? t('common.errorTitle'), 'bad');
        }}
      />
    </section>
  );
}

interface TargetDraft { hours: string; minutes: string }
const targetDraft = (minutes: number | undefined, prefs: DisplayPrefs): TargetDraft =>
  (minutes === undefined ? { hours: '', minutes: '' } : { hours: digitsText(Math.floor(minutes / 60), prefs), minutes: digitsText(minutes % 60, prefs) });
/** Minutes from the two boxes; undefined when both are empty (not measured), NaN when unreadable. */
function targetMinutes(d: TargetDraft): number | undefined {
  if (!d.hours.trim() && !d.minutes.trim()) return undefined;
  const h = d.hours.trim() ? parseWhole(d.hours) : 0;
  const m = d.minutes.trim() ? parseWhole(d.minutes) : 0;
  return h === null || m === null ? Number.NaN : h * 60 + m;
}

function PolicyDialog({ policy, onClose }: { policy: SlaPolicy | null; onClose: () => void }) {
  const t = useT();
  const prefs = usePrefs();
  const toast = useToast();
  const client = useQueryClient();
  const { error, pending, run } = useSubmit();
  const errorFor = usePathError(error);
  const [name, setName] = useState(policy?.name ?? '');
  const [category, setCategory] = useState(policy?.category ?? '');
  const [severity, setSeverity] = useState<Severity | typeof ANY>(policy?.severity ?? ANY);
  const [targets, setTargets] = useState<Record<Target, TargetDraft>>(() => ({
    acknowledge: targetDraft(policy ? policy.targets.acknowledge : 60, prefs),
    firstResponse: targetDraft(policy ? policy.targets.firstResponse : 240, prefs),
    resolve: targetDraft(policy ? policy.targets.resolve : 2400, prefs),
  }));
  const [pausing, setPausing] = useState<State[]>(policy?.pausingStates ?? ['waiting_for_customer']);
  const [warning, setWarning] = useState(digitsText(Math.round((policy?.warningShare ?? 0.8) * 100), prefs));
  const [onReopen, setOnReopen] = useState<'resume' | 'restart'>(policy?.onReopen ?? 'resume');
  const [escalate, setEscalate] = useState(policy?.escalateOnBreach ?? true);
  const [active, setActive] = useState(policy?.active ?? true);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const isDefault = policy?.isDefault ?? false;

  const handleSubmit = async () => {
    const minutes = Object.fromEntries(TARGETS.map((k) => [k, targetMinutes(targets[k])])) as Record<Target, number | undefined>;
    const share = parseWhole(warning);
    const problems: Record<string, string> = {};
    for (const k of TARGETS) if (Number.isNaN(minutes[k])) problems[`targets.${k}`] = t('complaints.settings.policy.targetInvalid');
    if (TARGETS.every((k) => minutes[k] === undefined)) problems.targets = t('complaints.settings.code.sla_target_required');
    if (share === null || share < 1 || share > 100) problems.warningShare = t('complaints.settings.policy.warningInvalid');
    setLocalErrors(problems);
    if (Object.keys(problems).length > 0) return;
    const body: SlaPolicyInput = {
      name: name.trim(),
      ...(isDefault ? {} : { category: category.trim() || null, severity: severity === ANY ? null : severity }),
      targets: Object.fromEntries(TARGETS.filter((k) => minutes[k] !== undefined).map((k) => [k, minutes[k]])),
      pausingStates: pausing,
      warningShare: share! / 100,
      onReopen,
      escalateOnBreach: escalate,
      active,
    };
    const ok = await run(async () => {
      if (policy) await settingsApi.updatePolicy(policy.id, body);
      else await settingsApi.createPolicy(body);
      await client.invalidateQueries({ queryKey: settingsKeys.policies });
    });
    if (ok) {
      toast(t('complaints.settings.policy.saved'));
      onClose();
    }
  };
  const err = (path: string) => localErrors[path] ?? errorFor(path);
  const placed = (path: string) => /^(name|category|severity|targets|pausingStates|warningShare)/.test(path);

  return (
    <Dialog title={policy ? t('complaints.settings.policy.editTitle') : t('complaints.settings.policy.addTitle')} isOpen onOpenChange={(open) => !open && onClose()} size="large">
      <Form className="form policy-form" onSubmit={(e) => { e.preventDefault(); void handleSubmit(); }} validationBehavior="aria">
        <div className="form-grid">
          <TextField label={t('complaints.settings.policy.name')} value={name} onChange={setName} isRequired errorMessage={err('name')} />
          {!isDefault && (
            <>
              <TextField label={t('complaints.settings.policy.category')} value={category} onChange={setCategory} description={t('complaints.settings.policy.categoryHint')} errorMessage={err('category')} />
              <Select label={t('complaints.settings.policy.severity')} value={severity} onChange={setSeverity} errorMessage={err('severity')}
                options={[{ id: ANY, label: t('complaints.settings.policy.anySeverity') }, ...SEVERITIES.map((s) => ({ id: s, label: t(`complaints.severity.${s}`) }))]} />
            </>
          )}
        </div>
        <fieldset className="fieldset">
          <legend>{t('complaints.settings.policy.targets')}</legend>
          <p className="field-description">{t('complaints.settings.policy.targetsHint')}</p>
          <div className="target-grid">
            {TARGETS.map((k) => (
              <div key={k} className="target-row" role="group" aria-label={t(`complaints.settings.policy.target.${k}`)}>
                <span className="target-name">{t(`complaints.settings.policy.target.${k}`)}</span>
                <TextField label={t('complaints.settings.policy.hours')} value={targets[k].hours} inputMode="numeric" className="field-compact"
                  onChange={(hours) => setTargets((all) => ({ ...all, [k]: { ...all[k], hours } }))} errorMessage={err(`targets.${k}`)} />
                <TextField label={t('complaints.settings.policy.minutes')} value={targets[k].minutes} inputMode="numeric" className="field-compact"
                  onChange={(minutes) => setTargets((all) => ({ ...all, [k]: { ...all[k], minutes } }))} />
              </div>
            ))}
          </div>
          {(localErrors.targets ?? (error && errorFor('targets') && !TARGETS.some((k) => errorFor(`targets.${k}`)) ? errorFor('targets') : undefined)) && (
            <p className="form-error">{localErrors.targets ?? errorFor('targets')}</p>
          )}
        </fieldset>
        <fieldset className="fieldset">
          <legend>{t('complaints.settings.policy.pausing')}</legend>
          <p className="field-description">{t('complaints.settings.policy.pausingHint')}</p>
          <div className="checkbox-row">
            {PAUSABLE.map((s) => (
              <Checkbox key={s} isSelected={pausing.includes(s)} onChange={(on) => setPausing((list) => (on ? [...list, s] : list.filter((x) => x !== s)))}>
                {t(`complaints.state.${s}`)}
              </Checkbox>
            ))}
          </div>
          {err('pausingStates') && <p className="form-error">{err('pausingStates')}</p>}
        </fieldset>
        <div className="form-grid">
          <TextField label={t('complaints.settings.policy.warning')} value={warning} onChange={setWarning} inputMode="numeric"
            description={t('complaints.settings.policy.warningHint', { example: localiseDigits('80', prefs.digits) })} errorMessage={err('warningShare')} />
          <Select label={t('complaints.settings.policy.onReopen')} value={onReopen} onChange={setOnReopen}
            options={[{ id: 'resume', label: t('complaints.settings.policy.reopen.resume') }, { id: 'restart', label: t('complaints.settings.policy.reopen.restart') }]} />
        </div>
        <div className="switch-stack">
          <Switch isSelected={escalate} onChange={setEscalate}>{t('complaints.settings.policy.escalate')}</Switch>
          <Switch isSelected={active} onChange={setActive}>{t('complaints.settings.policy.activeSwitch')}</Switch>
        </div>
        <UnplacedError error={error} placed={placed} />
        <div className="form-actions">
          <Button type="submit" variant="primary" isPending={pending}>{t('common.save')}</Button>
          <Button onPress={onClose}>{t('common.cancel')}</Button>
        </div>
      </Form>
    </Dialog>
  );
}
