// /loyalty/programs/new and /loyalty/programs/$id: a points program's rules as a form (spend ratio
// in the workspace's money with its rounding, category and SKU multipliers, caps, pending days,
// expiry, event points, expiry notice) saved against the version read (409 said plainly, with the
// latest one a tap away), archive, and beside it the simulator: what a sample order would earn by
// the rules on screen, saved or not, computed by the server's own earning rules. Below them, the
// program's tiers (tiers-section.tsx), saved on their own, not with the program's version.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import type { LoyaltyEventTopic, LoyaltyProgramView, LoyaltyRounding } from '@vafa/contracts';
import { CalendarDate, createCalendar, GregorianCalendar, toCalendar } from '@internationalized/date';
import { useMemo, useRef, useState } from 'react';
import { Form } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import type { ApiError } from '../../lib/api.ts';
import { CALENDARS, formatInstant, formatMoney, formatNumber, localeTag, localiseDigits, type CalendarId, type DisplayPrefs } from '../../lib/format.ts';
import { moneyUnitName, parseMoney } from '../../lib/money.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Badge, Button, ButtonLink, Checkbox, ConfirmDialog, ErrorState, PlusIcon, Select, Skeleton, Switch, TextField, UserText, useToast } from '../../ui/index.ts';
import { usePathError } from '../complaints/settings-parts.tsx';
import { loyaltyKeys } from './api.ts';
import { newIdempotencyKey } from './loyalty-format.ts';
import { canManageLoyalty } from './loyalty-roles.ts';
import { programApi, programKeys, type Simulation } from './program-api.ts';
import { TiersSection } from './tiers-section.tsx';
import { ActionRules } from './action-rules.tsx';
import { draftOf, EVENT_TOPICS, EXPIRY_KINDS, fractionDecimal, newRowKey, toSettings, type DraftErrors, type ExpiryKind, type Money, type MultiplierRow, type ProgramDraft } from './program-draft.ts';
import './loyalty.css';
import './program-editor.css';

const ROUNDINGS: readonly LoyaltyRounding[] = ['floor', 'round', 'ceil'];
/** A year of each calendar to name its months by. */
const MONTH_YEAR: Record<CalendarId, number> = { persian: 1404, 'islamic-umalqura': 1447, gregory: 2025 };

function monthNames(calendar: CalendarId, prefs: DisplayPrefs): string[] {
  const format = new Intl.DateTimeFormat(localeTag(prefs), { month: 'long', calendar, timeZone: 'UTC' });
  return Array.from({ length: 12 }, (_, i) => {
    const day = toCalendar(new CalendarDate(createCalendar(calendar), MONTH_YEAR[calendar], i + 1, 10), new GregorianCalendar());
    return format.format(day.toDate('UTC'));
  });
}

export default function ProgramEditorPage({ programId }: { programId: string }) {
  const t = useT();
  const isNew = programId === 'new';
  const program = useQuery({ queryKey: programKeys.one(programId), queryFn: () => programApi.get(programId), enabled: !isNew });
  if (!isNew && program.isPending) {
    return <div className="page"><Skeleton lines={8} label={t('app.loading')} /></div>;
  }
  if (!isNew && program.isError) {
    return (
      <div className="page">
        <ErrorState detail={program.error.message} onRetry={() => void program.refetch()} />
      </div>
    );
  }
  return <Editor key={program.data ? `${program.data.id}:${program.data.version}` : 'new'} program={program.data ?? null} />;
}

function Editor({ program }: { program: LoyaltyProgramView | null }) {
  const t = useT();
  const prefs = usePrefs();
  const session = useSession();
  const toast = useToast();
  const client = useQueryClient();
  const navigate = useNavigate();
  const canEdit = canManageLoyalty(session.role);
  const money: Money = { currency: prefs.currency, irrDisplay: prefs.irrDisplay };
  const [draft, setDraft] = useState<ProgramDraft>(() => draftOf(program?.name ?? '', program?.settings ?? null, prefs, money));
  const [shownErrors, setShownErrors] = useState<DraftErrors>({});
  const save = useSubmit();
  const archive = useSubmit();
  const [archiving, setArchiving] = useState(false);
  const createKey = useRef(newIdempotencyKey());
  const errorFor = usePathError(save.error);
  const set = <K extends keyof ProgramDraft>(key: K, value: ProgramDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const err = (path: string) => (shownErrors[path] ? t(shownErrors[path]) : errorFor(`settings.${path}`));
  const unit = moneyUnitName(prefs.currency, prefs.irrDisplay, prefs.language);
  const conflict = save.error?.code === 'program_version_conflict';
  const archived = program?.status === 'archived';

  const submit = async () => {
    const { settings, errors } = toSettings(draft, money);
    if (!draft.name.trim()) errors.name = 'loyalty.editor.error.nameRequired';
    setShownErrors(errors);
    if (Object.keys(errors).length > 0) return;
    const ok = await save.run(async () => {
      const saved = program
        ? await programApi.update(program.id, { version: program.version, name: draft.name.trim(), settings })
        : await programApi.create({ name: draft.name.trim(), kind: 'points', settings }, createKey.current);
      client.setQueryData(programKeys.one(saved.id), saved);
      await client.invalidateQueries({ queryKey: loyaltyKeys.programs });
    });
    if (ok) {
      toast(t('loyalty.editor.saved'));
      void navigate({ to: '/loyalty' });
    }
  };

  const loadLatest = async () => {
    if (!program) return;
    await client.invalidateQueries({ queryKey: programKeys.one(program.id) });
  };

  const title = program ? program.name : t('loyalty.editor.newTitle');
  return (
    <div className="page program-editor-page">
      <header className="page-header">
        <div>
          <h1>{program ? <UserText>{title}</UserText> : title}</h1>
          <p className="muted page-intro">
            {program
              ? t('loyalty.editor.versionLine', { version: formatNumber(program.version, prefs), at: formatInstant(program.updatedAt, prefs) })
              : t('loyalty.editor.newIntro')}
            {archived && <> <Badge>{t('loyalty.programs.state.archived')}</Badge></>}
          </p>
        </div>
        <ButtonLink href="/loyalty" variant="ghost">{t('loyalty.editor.back')}</ButtonLink>
      </header>
      <div className="program-editor-layout">
        <Form className="card form program-form" onSubmit={(e) => { e.preventDefault(); void submit(); }} validationBehavior="aria" aria-label={title}>
          {!canEdit && <p className="muted">{t('loyalty.editor.readOnly')}</p>}
          <fieldset className="program-fields" disabled={!canEdit || archived}>
            <TextField label={t('loyalty.editor.name')} value={draft.name} onChange={(v) => set('name', v)} isRequired errorMessage={shownErrors.name ? t(shownErrors.name) : errorFor('name')} />

            <fieldset className="fieldset">
              <legend>{t('loyalty.editor.spend')}</legend>
              <Switch isSelected={draft.spendOn} onChange={(v) => set('spendOn', v)}>{t('loyalty.editor.spendOn')}</Switch>
              {draft.spendOn && (
                <div className="program-spend">
                  <TextField label={t('loyalty.editor.spendPoints')} value={draft.spendPoints} onChange={(v) => set('spendPoints', v)} inputMode="numeric" errorMessage={err('spend.points')} />
                  <TextField label={t('loyalty.editor.spendPer', { unit })} value={draft.spendPer} onChange={(v) => set('spendPer', v)} inputMode="numeric" errorMessage={err('spend.per')}
                    description={spendSentence(draft, money, prefs, t)} />
                  <Select label={t('loyalty.editor.rounding')} value={draft.rounding} onChange={(v) => set('rounding', v)}
                    description={t('loyalty.editor.roundingHint')}
                    options={ROUNDINGS.map((r) => ({ id: r, label: t(`loyalty.editor.roundingMode.${r}`) }))} />
                </div>
              )}
            </fieldset>

            <MultiplierList title={t('loyalty.editor.categories')} hint={t('loyalty.editor.categoriesHint')} codeLabel={t('loyalty.editor.category')} addLabel={t('loyalty.editor.addCategory')}
              rows={draft.categories} onChange={(rows) => set('categories', rows)} err={(i, f) => err(`categoryMultipliers.${i}.${f}`)} />
            <MultiplierList title={t('loyalty.editor.skus')} hint={t('loyalty.editor.skusHint')} codeLabel={t('loyalty.editor.sku')} addLabel={t('loyalty.editor.addSku')}
              rows={draft.skus} onChange={(rows) => set('skus', rows)} err={(i, f) => err(`skuMultipliers.${i}.${f}`)} />

            <fieldset className="fieldset">
              <legend>{t('loyalty.editor.limits')}</legend>
              <div className="form-grid">
                <TextField label={t('loyalty.editor.capOrder')} value={draft.capOrder} onChange={(v) => set('capOrder', v)} inputMode="numeric" description={t('loyalty.editor.noCapHint')} errorMessage={err('caps.perOrder')} />
                <TextField label={t('loyalty.editor.capDay')} value={draft.capDay} onChange={(v) => set('capDay', v)} inputMode="numeric" description={t('loyalty.editor.noCapHint')} errorMessage={err('caps.perDay')} />
                <TextField label={t('loyalty.editor.pendingDays')} value={draft.pendingDays} onChange={(v) => set('pendingDays', v)} inputMode="numeric" description={t('loyalty.editor.pendingHint')} errorMessage={err('pendingDays')} />
              </div>
              <Switch isSelected={draft.allowNegativeBalance} onChange={(v) => set('allowNegativeBalance', v)}>{t('loyalty.editor.allowNegative')}</Switch>
              <p className="field-description">{t('loyalty.editor.allowNegativeHint')}</p>
            </fieldset>

            <ExpiryFields draft={draft} set={set} err={err} />

            <fieldset className="fieldset">
              <legend>{t('loyalty.editor.events')}</legend>
              <p className="field-description">{t('loyalty.editor.eventsHint')}</p>
              <div className="program-events">
                {EVENT_TOPICS.map((topic) => (
                  <EventRow key={topic} topic={topic} draft={draft} set={set} error={err(`events.${topic}`)} />
                ))}
              </div>
              {errorFor('settings.events') && <p className="form-error">{errorFor('settings.events')}</p>}
            </fieldset>

            <ActionRules rows={draft.actions} onChange={(rows) => set('actions', rows)} err={err} />
          </fieldset>

          {conflict ? (
            <div className="form-error program-conflict" role="alert">
              {/* the server's sentence names the version in Latin digits: said in the reader's */}
              <p>{localiseDigits(save.error!.message, prefs.digits)}</p>
              <p>{t('loyalty.editor.conflictHint')}</p>
              <Button onPress={() => void loadLatest()}>{t('loyalty.editor.loadLatest')}</Button>
            </div>
          ) : save.error && <UnsaidError error={save.error} />}
          {Object.keys(shownErrors).length > 0 && <p className="form-error" role="alert">{t('loyalty.editor.fixFields')}</p>}
          {canEdit && !archived && (
            <div className="form-actions">
              <Button type="submit" variant="primary" isPending={save.pending}>{program ? t('loyalty.editor.save') : t('loyalty.editor.create')}</Button>
              {program && <Button variant="ghost" onPress={() => setArchiving(true)}>{t('loyalty.editor.archive')}</Button>}
            </div>
          )}
        </Form>
        <Simulator programId={program?.id ?? null} draft={draft} money={money} />
      </div>
      {program ? <TiersSection programId={program.id} canEdit={canEdit && !archived} />
        : <p className="muted tiers-new-hint">{t('loyalty.tiers.newProgramHint')}</p>}
      {program && (
        <ConfirmDialog
          isOpen={archiving}
          onOpenChange={setArchiving}
          title={t('loyalty.editor.archiveTitle')}
          body={t('loyalty.editor.archiveBody', { name: program.name })}
          confirmLabel={t('loyalty.editor.archive')}
          danger
          isPending={archive.pending}
          onConfirm={async () => {
            const ok = await archive.run(async () => {
              await programApi.archive(program.id);
              await client.invalidateQueries({ queryKey: loyaltyKeys.programs });
              await client.invalidateQueries({ queryKey: programKeys.one(program.id) });
            });
            if (ok) {
              toast(t('loyalty.editor.archived'));
              setArchiving(false);
              void navigate({ to: '/loyalty' });
            } else toast(archive.error?.message ?? t('common.errorTitle'), 'bad');
          }}
        />
      )}
    </div>
  );
}

/** A save's refusal that no field shows: said once above the buttons. */
function UnsaidError({ error }: { error: ApiError }) {
  return <p className="form-error" role="alert">{error.message}</p>;
}

type Translate = ReturnType<typeof useT>;

/** "1 point for every 100,000 rials", from what is typed, or nothing while it cannot be read. */
function spendSentence(draft: ProgramDraft, money: Money, prefs: DisplayPrefs, t: Translate): string | undefined {
  const per = parseMoney(draft.spendPer, money.currency, money.irrDisplay);
  const points = Number(draft.spendPoints.replace(/[۰-۹]/g, (d) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d))).replace(/[٠-٩]/g, (d) => String('٠١٢٣٤٥٦٧٨٩'.indexOf(d))));
  if ('error' in per || per.minor < 1 || !Number.isInteger(points) || points < 1) return undefined;
  return t('loyalty.editor.spendSentence', { points: formatNumber(points, prefs), amount: formatMoney(per.minor, money.currency, prefs, money.irrDisplay) });
}

function MultiplierList({ title, hint, codeLabel, addLabel, rows, onChange, err }: {
  title: string; hint: string; codeLabel: string; addLabel: string; rows: MultiplierRow[]; onChange: (rows: MultiplierRow[]) => void;
  err: (index: number, field: 'code' | 'percent') => string | undefined;
}) {
  const t = useT();
  const update = (key: string, change: Partial<MultiplierRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...change } : r)));
  return (
    <fieldset className="fieldset">
      <legend>{title}</legend>
      <p className="field-description">{hint}</p>
      {rows.length > 0 && (
        <ul className="program-rows">
          {rows.map((row, i) => (
            <li key={row.key} className="program-row">
              <TextField label={codeLabel} value={row.code} onChange={(code) => update(row.key, { code })} errorMessage={err(i, 'code')} />
              <TextField label={t('loyalty.editor.percent')} value={row.percent} onChange={(percent) => update(row.key, { percent })} inputMode="numeric"
                errorMessage={err(i, 'percent')} className="field-compact" />
              <Button variant="ghost" onPress={() => onChange(rows.filter((r) => r.key !== row.key))}
                aria-label={t('loyalty.editor.removeNamed', { name: row.code.trim() || codeLabel })}>{t('loyalty.editor.remove')}</Button>
            </li>
          ))}
        </ul>
      )}
      <Button onPress={() => onChange([...rows, { key: newRowKey(), code: '', percent: '' }])}><PlusIcon />{addLabel}</Button>
    </fieldset>
  );
}

type Setter = <K extends keyof ProgramDraft>(key: K, value: ProgramDraft[K]) => void;

function ExpiryFields({ draft, set, err }: { draft: ProgramDraft; set: Setter; err: (path: string) => string | undefined }) {
  const t = useT();
  const prefs = usePrefs();
  const months = useMemo(() => monthNames(draft.fixedCalendar, prefs), [draft.fixedCalendar, prefs]);
  return (
    <fieldset className="fieldset">
      <legend>{t('loyalty.editor.expiry')}</legend>
      <div className="form-grid">
        <Select label={t('loyalty.editor.expiryKind')} value={draft.expiryKind} onChange={(v: ExpiryKind) => set('expiryKind', v)}
          options={EXPIRY_KINDS.map((k) => ({ id: k, label: t(`loyalty.editor.expiryKindName.${k}`) }))} />
        {(draft.expiryKind === 'rolling' || draft.expiryKind === 'inactivity') && (
          <TextField label={t(draft.expiryKind === 'rolling' ? 'loyalty.editor.rollingDays' : 'loyalty.editor.inactivityDays')} value={draft.expiryDays}
            onChange={(v) => set('expiryDays', v)} inputMode="numeric" errorMessage={err('expiry.days')} />
        )}
        {draft.expiryKind === 'fixed' && (
          <>
            <Select label={t('loyalty.editor.calendar')} value={draft.fixedCalendar} onChange={(v: CalendarId) => set('fixedCalendar', v)}
              options={CALENDARS.map((c) => ({ id: c, label: t(`calendar.${c}`) }))} />
            <Select label={t('loyalty.editor.month')} value={String(draft.fixedMonth)} onChange={(v) => set('fixedMonth', Number(v))}
              options={months.map((name, i) => ({ id: String(i + 1), label: name }))} />
            <TextField label={t('loyalty.editor.day')} value={draft.fixedDay} onChange={(v) => set('fixedDay', v)} inputMode="numeric"
              description={t('loyalty.editor.dayHint')} errorMessage={err('expiry.day')} />
          </>
        )}
        <TextField label={t('loyalty.editor.noticeDays')} value={draft.noticeDays} onChange={(v) => set('noticeDays', v)} inputMode="numeric"
          description={t('loyalty.editor.noticeHint')} errorMessage={err('expiryNotice.daysBefore')} />
      </div>
      {draft.expiryKind === 'fixed' && <p className="field-description">{t('loyalty.editor.fixedHint')}</p>}
    </fieldset>
  );
}

function EventRow({ topic, draft, set, error }: { topic: LoyaltyEventTopic; draft: ProgramDraft; set: Setter; error: string | undefined }) {
  const t = useT();
  const e = draft.events[topic];
  const change = (next: Partial<ProgramDraft['events'][LoyaltyEventTopic]>) => set('events', { ...draft.events, [topic]: { ...e, ...next } });
  return (
    <div className="program-event">
      <Checkbox isSelected={e.on} onChange={(on) => change({ on })}>{t(`loyalty.editor.event.${topic}`)}</Checkbox>
      {e.on && (
        <TextField label={t('loyalty.editor.eventPoints')} value={e.points} onChange={(points) => change({ points })} inputMode="numeric" className="field-compact"
          description={topic === 'complaint.goodwill' ? t('loyalty.editor.goodwillHint') : undefined} errorMessage={error} />
      )}
    </div>
  );
}

interface SampleLine { key: string; category: string; sku: string; amount: string }

/** "This order would earn…": a sample order priced by the rules on screen, by the server. */
function Simulator({ programId, draft, money }: { programId: string | null; draft: ProgramDraft; money: Money }) {
  const t = useT();
  const prefs = usePrefs();
  const unit = moneyUnitName(money.currency, money.irrDisplay, prefs.language);
  const [lines, setLines] = useState<SampleLine[]>(() => [{ key: newRowKey(), category: '', sku: '', amount: '' }]);
  const [amountErrors, setAmountErrors] = useState<Record<string, string>>({});
  const [result, setResult] = useState<Simulation | null>(null);
  const [draftInvalid, setDraftInvalid] = useState(false);
  const sim = useSubmit();
  const update = (key: string, change: Partial<SampleLine>) => setLines((all) => all.map((l) => (l.key === key ? { ...l, ...change } : l)));

  const run = async () => {
    const errors: Record<string, string> = {};
    const parsed = lines.map((l, i) => {
      const amount = parseMoney(l.amount, money.currency, money.irrDisplay);
      if ('error' in amount) errors[l.key] = t(amount.error === 'too_many_decimals' ? 'loyalty.editor.error.decimals' : 'loyalty.editor.error.amount');
      return { id: String(i + 1), ...(l.category.trim() ? { category: l.category.trim() } : {}), ...(l.sku.trim() ? { sku: l.sku.trim() } : {}), amount: 'minor' in amount ? amount.minor : 0 };
    });
    setAmountErrors(errors);
    const { settings, errors: draftErrors } = toSettings(draft, money);
    setDraftInvalid(Object.keys(draftErrors).length > 0);
    if (Object.keys(errors).length > 0 || Object.keys(draftErrors).length > 0) {
      setResult(null);
      return;
    }
    await sim.run(async () => setResult(await programApi.simulate(programId, { lines: parsed, settings })));
  };

  return (
    <section className="card program-simulator" aria-labelledby="program-simulator-title">
      <h2 id="program-simulator-title">{t('loyalty.sim.title')}</h2>
      <p className="muted">{t('loyalty.sim.intro')}</p>
      <Form className="form" onSubmit={(e) => { e.preventDefault(); void run(); }} validationBehavior="aria" aria-labelledby="program-simulator-title">
        <ol className="program-rows sim-lines">
          {lines.map((line, i) => (
            <li key={line.key} className="sim-line" aria-label={t('loyalty.sim.lineN', { n: formatNumber(i + 1, prefs) })}>
              <TextField label={t('loyalty.sim.amount', { unit })} value={line.amount} onChange={(amount) => update(line.key, { amount })} inputMode="numeric"
                errorMessage={amountErrors[line.key]} />
              <TextField label={t('loyalty.editor.category')} value={line.category} onChange={(category) => update(line.key, { category })} />
              <TextField label={t('loyalty.editor.sku')} value={line.sku} onChange={(sku) => update(line.key, { sku })} />
              {lines.length > 1 && (
                <Button variant="ghost" onPress={() => setLines((all) => all.filter((l) => l.key !== line.key))}
                  aria-label={t('loyalty.sim.removeLine', { n: formatNumber(i + 1, prefs) })}>{t('loyalty.editor.remove')}</Button>
              )}
            </li>
          ))}
        </ol>
        <div className="form-actions">
          <Button onPress={() => setLines((all) => [...all, { key: newRowKey(), category: '', sku: '', amount: '' }])}><PlusIcon />{t('loyalty.sim.addLine')}</Button>
          <Button type="submit" variant="primary" isPending={sim.pending}>{t('loyalty.sim.run')}</Button>
        </div>
      </Form>
      {draftInvalid && <p className="form-error" role="alert">{t('loyalty.sim.fixRules')}</p>}
      {sim.error && <p className="form-error" role="alert">{sim.error.message}</p>}
      <div role="status" aria-live="polite">
        {result && <SimulationResult result={result} lines={lines} />}
      </div>
    </section>
  );
}

function SimulationResult({ result, lines }: { result: Simulation; lines: SampleLine[] }) {
  const t = useT();
  const prefs = usePrefs();
  const n = (v: number) => formatNumber(v, prefs);
  const exact = fractionDecimal(result.exact.numerator, result.exact.denominator);
  const exactText = new Intl.NumberFormat(localeTag(prefs), { maximumFractionDigits: 4 }).format(exact);
  return (
    <div className="sim-result" data-testid="loyalty-simulation">
      <p className="sim-points">{t('loyalty.sim.wouldEarn', { points: n(result.points) })}</p>
      <dl className="loyalty-balances">
        <div><dt>{t('loyalty.sim.exact')}</dt><dd>{exactText}</dd></div>
        <div><dt>{t('loyalty.sim.rounded')}</dt><dd>{n(result.pointsBeforeCaps)}{result.rounding && <span className="muted sim-sub">{t(`loyalty.editor.roundingMode.${result.rounding}`)}</span>}</dd></div>
        <div><dt>{t('loyalty.sim.afterCaps')}</dt><dd>{n(result.points)}</dd></div>
        <div>
          <dt>{t('loyalty.sim.pendingUntil')}</dt>
          <dd>{result.pendingUntil ? formatInstant(result.pendingUntil, prefs, false) : t('loyalty.sim.atOnce')}</dd>
        </div>
        <div>
          <dt>{t('loyalty.sim.expiresAt')}</dt>
          {/* The lot expires at an instant: the start of the day after its last day, shown as that last day. */}
          <dd>{result.expiresAt ? formatInstant(new Date(Date.parse(result.expiresAt) - 1).toISOString(), prefs, false) : t('loyalty.sim.noExpiryDate')}</dd>
        </div>
      </dl>
      {result.capped && <p><Badge tone="warn">{t(`loyalty.sim.capped.${result.capped}`)}</Badge></p>}
      <h3 className="sim-lines-title">{t('loyalty.sim.perLine')}</h3>
      <ul className="sim-line-results">
        {result.lines.map((line, i) => (
          <li key={line.id}>
            <span>{t('loyalty.sim.lineN', { n: n(i + 1) })}{(lines[i]?.sku.trim() || lines[i]?.category.trim()) ? <span className="muted sim-line-code"><UserText>{lines[i]!.sku.trim() || lines[i]!.category.trim()}</UserText></span> : null}</span>
            <span className="sim-multiplier">{t('loyalty.sim.multiplier', { percent: n(line.multiplierPercent) })}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
