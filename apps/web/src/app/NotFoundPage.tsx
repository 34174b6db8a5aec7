import { useT } from '../i18n/useT.ts';
import { ButtonLink, EmptyState } from '../ui/index.ts';

export default function NotFoundPage() {
  const t = useT();
  return (
    <div className="page">
      <h1 className="visually-hidden">{t('notFound.title')}</h1>
      <EmptyState title={t('notFound.title')} action={<ButtonLink href="/customers" variant="primary">{t('notFound.home')}</ButtonLink>}>{t('notFound.body')}</EmptyState>
    </div>
  );
}
