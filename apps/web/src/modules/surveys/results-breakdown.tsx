// A scored question per channel, segment or journey stage, each group against the rest, in the
// one list component (DataTable).
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { api } from '../../lib/api.ts';
import { formatNumber } from '../../lib/format.ts';
import { Badge, DataTable, Select, UserText, type DataTableColumn } from '../../ui/index.ts';
import { useBreakdown, type Breakdown, type BreakdownBy, type ResultsFilter } from './results-api.ts';
import { formatMargin, formatMetric, formatSigned, localText } from './results-format.ts';
import type { ScoredQuestion } from './results-questions.ts';

type Row = Breakdown['rows'][number];
const BY: BreakdownBy[] = ['channel', 'segment', 'stage'];

export function ResultsBreakdown({ surveyId, questions, filter, smallSample }: { surveyId: string; questions: ScoredQuestion[]; filter: ResultsFilter; smallSample: number }) {
  const t = useT();
  const prefs = usePrefs();
  const [questionId, setQuestionId] = useState<string | undefined>(questions[0]?.questionId);
  const [by, setBy] = useState<BreakdownBy>('channel');
  const chosen = questions.some((q) => q.questionId === questionId) ? questionId : questions[0]?.questionId;
  const breakdown = useBreakdown(surveyId, chosen, by, filter);
  const segments = useQuery({ queryKey: ['segments'], queryFn: api.segments, enabled: by === 'segment' });
  if (questions.length === 0) return null;
  const metric = breakdown.data?.metric ?? 'nps';
  const name = (row: Row) => {
    if (by === 'channel') return t(`surveys.channel.${row.key as 'link'}`);
    if (by === 'stage') return row.key === 'none' ? t('surveys.results.stageNone') : t(`timeline.stage.${row.key as 'sale'}`);
    return segments.data?.items.find((s) => s.id === row.key)?.name ?? t('surveys.results.segmentGone');
  };
  const columns: DataTableColumn<Row>[] = [
    { id: 'group', header: t(`surveys.results.by.${by}`), isPrimary: true, cell: (row) => <UserText>{name(row)}</UserText> },
    { id: 'n', header: t('surveys.results.answers'), align: 'end', cell: (row) => (
      <span>{formatNumber(row.n, prefs)}{row.n < smallSample && <> <Badge tone="warn">{t('surveys.results.small')}</Badge></>}</span>
    ) },
    { id: 'value', header: t(`surveys.results.metric.${metric}`), align: 'end', cell: (row) => row.value
      ? <bdi>{formatMetric(row.value.value, metric, prefs)} {t('surveys.results.plusMinus', { margin: formatMargin(row.value.margin, prefs) })}</bdi>
      : '—' },
    { id: 'vsRest', header: t('surveys.results.vsRest'), cell: (row) => row.vsRest
      ? (
        <span className="results-diff">
          <bdi>{formatSigned(metric === 'nps' ? Math.round(row.vsRest.value) : row.vsRest.value, prefs, metric === 'nps' ? 0 : 1)}</bdi>{' '}
          <Badge tone={row.vsRest.significant ? (row.vsRest.direction === 'up' ? 'good' : 'bad') : 'neutral'}>
            {t(row.vsRest.significant ? 'surveys.results.significant' : 'surveys.results.notSignificant')}
          </Badge>
        </span>
      )
      : '—' },
  ];
  return (
    <section className="results-section" aria-labelledby="results-breakdown">
      <h2 id="results-breakdown">{t('surveys.results.breakdown.title')}</h2>
      <div className="results-controls">
        <Select
          label={t('surveys.results.question')}
          options={questions.map((q) => ({ id: q.questionId, label: localText(q.title, prefs.language) }))}
          value={chosen ?? null}
          onChange={setQuestionId}
        />
        <Select label={t('surveys.results.breakdown.by')} options={BY.map((id) => ({ id, label: t(`surveys.results.by.${id}`) }))} value={by} onChange={setBy} />
      </div>
      <DataTable
        label={t('surveys.results.breakdown.title')}
        columns={columns}
        rows={breakdown.data?.rows ?? []}
        rowKey={(row) => row.key}
        isLoading={breakdown.isLoading}
        error={breakdown.isError ? { detail: (breakdown.error as Error).message, onRetry: () => void breakdown.refetch() } : null}
        empty={{ title: t('surveys.results.breakdown.empty') }}
      />
    </section>
  );
}
