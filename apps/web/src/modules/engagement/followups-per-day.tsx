// Follow-ups opened and done on each day of the metrics period, under the metric cards.
import { useT } from '../../i18n/useT.ts';
import { Chart } from '../../ui/index.ts';
import type { FollowupMetrics } from './api.ts';

export function FollowupsPerDay({ daily }: { daily: FollowupMetrics['daily'] }) {
  const t = useT();
  const label = t('followups.metrics.daily');
  return (
    <div className="followups-per-day">
      <h3>{label}</h3>
      <Chart
        label={label}
        testId="followups-per-day"
        x={{ days: daily.map((d) => d.day) }}
        series={[
          { name: t('followups.metrics.opened'), values: daily.map((d) => d.opened), tone: 'info' },
          { name: t('followups.metrics.done'), values: daily.map((d) => d.done), tone: 'primary' },
        ]}
        integers
        emptyText={t('followups.metrics.dailyEmpty')}
      />
    </div>
  );
}
