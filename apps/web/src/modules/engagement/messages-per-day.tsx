// Messages of the last 30 days per day, stacked by their status now, above the message log.
import { useQuery } from '@tanstack/react-query';
import { useT } from '../../i18n/useT.ts';
import { Chart, ErrorState, Skeleton, type ChartTone } from '../../ui/index.ts';
import { engagementApi, type Status } from './api.ts';

/** Stacked from the ground up: what arrived, then what is on its way, then what went wrong. */
const STACK: { status: Status; tone: ChartTone }[] = [
  { status: 'delivered', tone: 'good' },
  { status: 'sent', tone: 'info' },
  { status: 'sending', tone: 'primary' },
  { status: 'queued', tone: 'neutral' },
  { status: 'suppressed', tone: 'muted' },
  { status: 'failed', tone: 'warn' },
  { status: 'dead', tone: 'danger' },
];

export function MessagesPerDay() {
  const t = useT();
  const perDay = useQuery({ queryKey: ['messages', 'per-day'], queryFn: () => engagementApi.messagesPerDay() });
  const label = t('messages.perDay');
  let body;
  if (perDay.isPending) body = <Skeleton lines={3} />;
  else if (perDay.isError) body = <ErrorState detail={perDay.error.message} onRetry={() => void perDay.refetch()} />;
  else {
    const { daily } = perDay.data;
    // Only the statuses that occur: seven legend entries for two kinds of bar would crowd a phone.
    const present = STACK.filter(({ status }) => daily.some((d) => d[status] > 0));
    body = (
      <Chart
        label={label}
        testId="messages-per-day"
        x={{ days: daily.map((d) => d.day) }}
        series={present.map(({ status, tone }) => ({ name: t(`messages.status.${status}`), values: daily.map((d) => d[status]), tone }))}
        stacked
        integers
        emptyText={t('messages.perDayEmpty')}
      />
    );
  }
  return (
    <section className="card messages-per-day" aria-labelledby="messages-per-day-heading">
      <h2 id="messages-per-day-heading">{label}</h2>
      {body}
    </section>
  );
}
