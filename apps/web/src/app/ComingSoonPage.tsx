import { useT } from '../i18n/useT.ts';
import { EmptyState } from '../ui/index.ts';

export default function ComingSoonPage({ module }: { module: 'feedback' | 'complaints' | 'loyalty' | 'engagement' | 'insights' }) {
  const t = useT();
  return (
    <div className="page">
      <header className="page-header"><h1>{t(`nav.${module}`)}</h1></header>
      <EmptyState title={t('soon.title', { module: t(`nav.${module}`) })}>{t('soon.body')}</EmptyState>
    </div>
  );
}
