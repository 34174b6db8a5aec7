import { CalendarDate, GregorianCalendar, parseDate, toCalendar, createCalendar, getLocalTimeZone, today, type CalendarIdentifier } from '@internationalized/date';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import type { SEGMENT_FIELDS } from '@vafa/contracts';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { navigate } from '../../app/router.ts';
import { useFieldError, useT } from '../../i18n/useT.ts';
import type { MessageKey } from '../../i18n/index.ts';
import { ApiError, api, type Customer, type Rules, type Segment } from '../../lib/api.ts';
import { formatNumber, localiseDigits, toLatinDigits } from '../../lib/format.ts';
import { useDebounced } from '../../lib/hooks.ts';
import {
  Button, ConfirmDialog, DataTable, EmptyState, ErrorState, PlusIcon, SegmentIcon, Select, Skeleton, TextField, TrashIcon, UserText, useToast, type DataTableColumn,
} from '../../ui/index.ts';
import { DateField } from '../../ui/date-fields.tsx';
import { CHANNELS, CUSTOMER_LANGUAGES } from './customer-fields.ts';
import { SegmentListedMembers } from './SegmentListedMembers.tsx';

type FieldId = (typeof SEGMENT_FIELDS)[number];
type ValueKind = 'text' | 'number' | 'date' | 'language' | 'channel' | 'month';
const NUMBER_OPS = ['eq', 'gt', 'gte', 'lt', 'lte'];
const FIELD_OPS = {
  tag: { ops: ['has', 'not_has'], value: () => 'text' },
  language: { ops: ['eq', 'neq'], value: () => 'language' },
  orderCount: { ops: NUMBER_OPS, value: () => 'number' },
  totalSpentMinor: { ops: NUMBER_OPS, value: () => 'number' },
  lastOrderAt: { ops: ['before', 'after', 'within_days', 'not_within_days'], value: (op: string) => (op.includes('days') ? 'number' : 'date') },
  createdAt: { ops: ['before', 'after', 'within_days', 'not_within_days'], value: (op: string) => (op.includes('days') ? 'number' : 'date') },
  birthdayMonth: { ops: ['eq'], value: () => 'month' },
  consent: { ops: ['granted', 'not_granted'], value: () => 'channel' },
} satisfies Record<FieldId, { ops: string[]; value: (op: string) => ValueKind }>;
const FIELDS = Object.keys(FIELD_OPS) as FieldId[];

interface Condition { field: FieldId; op: string; value: string }
const blank = (): Condition => ({ field: 'tag', op: 'has', value: '' });

function toRules(match: 'all' | 'any', conditions: Condition[]): Rules {
  return {
    match,
    conditions: conditions.map((c) => {
      const kind = FIELD_OPS[c.field].value(c.op);
      const raw = toLatinDigits(c.value.trim());
      const value = kind === 'number' || kind === 'month' ? (raw === '' ? undefined : Number(raw)) : raw || undefined;
      return { field: c.field, op: c.op, ...(value === undefined ? {} : { value }) };
    }),
  };
}

function fromRules(rules: Rules): { match: 'all' | 'any'; conditions: Condition[] } {
  const flat = rules.conditions.filter((c): c is { field: string; op: string; value?: string | number | boolean | (string | number)[] } => 'field' in c);
  return {
    match: rules.match,
    conditions: flat.filter((c) => c.field in FIELD_OPS).map((c) => ({ field: c.field as FieldId, op: c.op, value: c.value === undefined ? '' : String(c.value) })),
  };
}

export default function SegmentsPage({ segmentId }: { segmentId?: string }) {
  const t = useT();
  const segments = useQuery({ queryKey: ['segments'], queryFn: api.segments });
  const selected = segmentId && segmentId !== 'new' ? segments.data?.items.find((s) => s.id === segmentId) : undefined;
  return (
    <div className="page">
      <header className="page-header">
        <h1>{t('segments.title')}</h1>
        <div className="page-actions"><Button variant="primary" onPress={() => navigate('/segments/new')}><PlusIcon />{t('segments.new')}</Button></div>
      </header>
      <div className="segments-layout">
        <nav className="card segment-list" aria-labelledby="segment-list-heading">
          <h2 id="segment-list-heading">{t('segments.list')}</h2>
          {segments.data?.items.length === 0 ? <p className="muted">{t('segments.empty')}</p> : (
            <DataTable
              label={t('segments.list')}
              columns={[{ id: 'name', header: t('segments.name'), isPrimary: true, cell: (s: Segment) => <UserText>{s.name}</UserText> }]}
              rows={segments.data?.items ?? []}
              rowKey={(s) => s.id}
              rowHref={(s) => `/segments/${s.id}`}
              isRowCurrent={(s) => s.id === segmentId}
              isLoading={segments.isPending}
              skeletonRows={3}
              error={segments.isError ? { detail: segments.error.message, onRetry: () => void segments.refetch() } : null}
            />
          )}
        </nav>
        <div className="segment-main">
          {segmentId ? (
            segmentId === 'new' || selected ? <SegmentEditor key={segmentId} segment={selected} /> : segments.isPending ? <Skeleton lines={6} /> : <ErrorState detail={t('notFound.title')} />
          ) : (
            // "No segments yet" only when there are none; otherwise ask which one to open.
            <EmptyState title={t('segments.title')} icon={<SegmentIcon size={28} />} action={<Button variant="primary" onPress={() => navigate('/segments/new')}>{t('segments.new')}</Button>}>
              {segments.data?.items.length ? t('segments.pick') : t('segments.empty')}
            </EmptyState>
          )}
        </div>
      </div>
    </div>
  );
}

function SegmentEditor({ segment }: { segment?: Segment }) {
  const t = useT();
  const sampleColumns = useMemberColumns();
  const toast = useToast();
  const client = useQueryClient();
  const initial = segment ? fromRules(segment.rules) : { match: 'all' as const, conditions: [blank()] };
  const [name, setName] = useState(segment?.name ?? '');
  const [match, setMatch] = useState<'all' | 'any'>(initial.match);
  const [conditions, setConditions] = useState<Condition[]>(initial.conditions);
  const [error, setError] = useState<ApiError | null>(null);
  const fieldMsg = useFieldError(error);
  const [pending, setPending] = useState(false);
  const [deleting, setDeleting] = useState(false);
  // The live count uses the conditions filled in so far; a half-typed one is not an error yet.
  const rules = useDebounced(toRules(match, conditions.filter((c) => c.value.trim() !== '')), 400);
  const rulesKey = JSON.stringify(rules);
  const preview = useQuery({ queryKey: ['segment-preview', rulesKey, segment?.id], queryFn: () => api.previewSegment(rules, segment?.id), retry: false, placeholderData: (p) => p });

  const update = (index: number, patch: Partial<Condition>) => setConditions((all) => all.map((c, i) => {
    if (i !== index) return c;
    const next = { ...c, ...patch };
    if (patch.field) { next.op = FIELD_OPS[patch.field].ops[0]!; next.value = ''; }
    if (patch.op && FIELD_OPS[next.field].value(patch.op) !== FIELD_OPS[c.field].value(c.op)) next.value = '';
    return next;
  }));

  const handleSave = async () => {
    setPending(true);
    setError(null);
    try {
      const saved = segment ? await api.updateSegment(segment.id, { name, rules: toRules(match, conditions) }) : await api.createSegment({ name, rules: toRules(match, conditions) });
      await client.invalidateQueries({ queryKey: ['segments'] });
      void client.invalidateQueries({ queryKey: ['segment-members', saved.id] });
      toast(t('segments.saved'));
      if (!segment) navigate(`/segments/${saved.id}`);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { detail: t('common.networkError') }));
    } finally {
      setPending(false);
    }
  };
  const handleDelete = async () => {
    if (!segment) return;
    await api.deleteSegment(segment.id);
    await client.invalidateQueries({ queryKey: ['segments'] });
    toast(t('segments.deleted'));
    navigate('/segments');
  };

  return (
    <>
      <section className="card" aria-labelledby="builder-heading">
        <h2 id="builder-heading">{t('segments.builder')}</h2>
        <div className="form">
          <TextField label={t('segments.name')} value={name} onChange={setName} isRequired errorMessage={fieldMsg('name')} />
          <Select label={t('segments.match')} value={match} onChange={setMatch} options={[{ id: 'all', label: t('segments.matchAll') }, { id: 'any', label: t('segments.matchAny') }]} />
          <ol className="conditions">
            {conditions.map((c, i) => (
              <li key={i} className="condition">
                <Select label={t('segments.field')} className="field-compact" value={c.field} onChange={(field) => update(i, { field })} options={FIELDS.map((f) => ({ id: f, label: t(`segments.fieldName.${f}` as MessageKey) }))} />
                <Select label={t('segments.op')} className="field-compact" value={c.op} onChange={(op) => update(i, { op })} options={FIELD_OPS[c.field].ops.map((o) => ({ id: o, label: t(`segments.opName.${o}` as MessageKey) }))} />
                <ConditionValue condition={c} onChange={(value) => update(i, { value })} />
                <Button variant="ghost" aria-label={t('segments.removeCondition')} onPress={() => setConditions((all) => all.filter((_, j) => j !== i))}><TrashIcon /></Button>
              </li>
            ))}
          </ol>
          <div><Button onPress={() => setConditions((all) => [...all, blank()])}><PlusIcon />{t('segments.addCondition')}</Button></div>
          <p className="segment-count" aria-live="polite" data-testid="segment-count">
            {preview.isFetching && !preview.data ? t('segments.counting') : preview.isError ? <span className="form-error">{preview.error.message}</span> : preview.data ? <strong>{t('segments.count', { count: preview.data.count })}</strong> : null}
          </p>
          {error && <p className="form-error" role="alert">{error.message}</p>}
          <div className="form-actions">
            <Button variant="primary" onPress={handleSave} isPending={pending}>{t('segments.save')}</Button>
            {segment && <Button variant="danger" onPress={() => setDeleting(true)}><TrashIcon />{t('common.delete')}</Button>}
          </div>
        </div>
      </section>
      {segment && <SegmentMembers segmentId={segment.id} />}
      {segment && <SegmentListedMembers segmentId={segment.id} segmentName={segment.name} />}
      {preview.data && !segment && preview.data.sample.length > 0 && (
        <section className="card">
          <h2>{t('segments.members')}</h2>
          <DataTable label={t('segments.members')} columns={sampleColumns} rows={preview.data.sample} rowKey={(c) => c.id} rowHref={(c) => `/customers/${c.id}`} />
        </section>
      )}
      <ConfirmDialog title={t('segments.deleteTitle')} body={t('segments.deleteBody')} confirmLabel={t('common.delete')} isOpen={deleting} onOpenChange={setDeleting} onConfirm={() => void handleDelete()} danger />
    </>
  );
}

const GREGORIAN = new GregorianCalendar();

/** Birthday months are the workspace's calendar's (the server counts them so): Farvardin…Esfand in Solar Hijri. */
function BirthdayMonth({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  const t = useT();
  const prefs = usePrefs();
  const workspace = useQuery({ queryKey: ['workspace'], queryFn: api.workspace });
  const calendar = workspace.data?.calendar;
  if (!calendar) return <Select label={label} className="field-compact" value={null} onChange={onChange} options={[]} isDisabled />;
  const system = createCalendar(calendar as CalendarIdentifier);
  const year = toCalendar(today(getLocalTimeZone()), system).year;
  const names = new Intl.DateTimeFormat(`${prefs.language}-u-ca-${calendar}-nu-${prefs.digits}`, { month: 'long', timeZone: 'UTC' });
  const options = Array.from({ length: 12 }, (_, i) => ({ id: String(i + 1), label: names.format(new CalendarDate(system, year, i + 1, 15).toDate('UTC')) }));
  return (
    <Select label={label} className="field-compact" value={value || null} onChange={onChange} options={options}
      description={t('segments.monthsOf', { calendar: t(`calendar.${calendar}`) })} />
  );
}

function ConditionValue({ condition, onChange }: { condition: Condition; onChange: (value: string) => void }) {
  const t = useT();
  const prefs = usePrefs();
  const kind = FIELD_OPS[condition.field].value(condition.op);
  const label = t('segments.value');
  if (kind === 'language') return <Select label={label} className="field-compact" value={condition.value || null} onChange={onChange} options={CUSTOMER_LANGUAGES.map((l) => ({ id: l, label: t(`language.${l}`) }))} />;
  if (kind === 'channel') return <Select label={label} className="field-compact" value={condition.value || null} onChange={onChange} options={CHANNELS.map((c) => ({ id: c, label: t(`channel.${c}`) }))} />;
  if (kind === 'month') return <BirthdayMonth label={label} value={condition.value} onChange={onChange} />;
  if (kind === 'date') {
    // Typed in the user's calendar; the rule stores the Gregorian day.
    let value: CalendarDate | null = null;
    try {
      value = condition.value ? toCalendar(parseDate(condition.value), createCalendar(prefs.calendar as CalendarIdentifier)) : null;
    } catch {
      value = null;
    }
    return <DateField label={label} className="field-compact" value={value} onChange={(d) => onChange(d ? toCalendar(d, GREGORIAN).toString() : '')} />;
  }
  return <TextField label={label} className="field-compact" value={kind === 'number' ? localiseDigits(condition.value, prefs.digits) : condition.value} onChange={(v) => onChange(kind === 'number' ? toLatinDigits(v) : v)} inputMode={kind === 'number' ? 'numeric' : undefined} />;
}

/** A segment's customers: the name opens the customer. */
function useMemberColumns(): DataTableColumn<Customer>[] {
  const t = useT();
  const prefs = usePrefs();
  return [
    { id: 'name', header: t('customer.name'), isPrimary: true, cell: (c) => <UserText>{c.name ?? t('customer.unnamed')}</UserText> },
    { id: 'phone', header: t('customer.phone'), cell: (c) => (c.phone ? <bdi dir="ltr">{localiseDigits(c.phone, prefs.digits)}</bdi> : t('common.none')) },
    { id: 'orders', header: t('customer.orders'), align: 'end', cell: (c) => formatNumber(c.orderCount, prefs) },
  ];
}

function SegmentMembers({ segmentId }: { segmentId: string }) {
  const t = useT();
  const members = useInfiniteQuery({
    queryKey: ['segment-members', segmentId],
    queryFn: ({ pageParam }) => api.segmentMembers(segmentId, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const items = members.data?.pages.flatMap((p) => p.items) ?? [];
  const memberColumns = useMemberColumns();
  return (
    <section className="card" aria-labelledby="members-heading">
      <h2 id="members-heading">{t('segments.members')}</h2>
      {members.data && items.length === 0 ? <p className="muted">{t('segments.count', { count: 0 })}</p> : (
        <DataTable
          label={t('segments.members')}
          columns={memberColumns}
          rows={items}
          rowKey={(c) => c.id}
          rowHref={(c) => `/customers/${c.id}`}
          isLoading={members.isPending}
          skeletonRows={4}
          error={members.isError ? { detail: members.error.message, onRetry: () => void members.refetch() } : null}
          loadMore={{ hasMore: members.hasNextPage, onLoadMore: () => void members.fetchNextPage(), isLoadingMore: members.isFetchingNextPage }}
        />
      )}
    </section>
  );
}
