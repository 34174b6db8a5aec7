import { useQuery } from '@tanstack/react-query';
import { usePrefs } from '../../app/prefs.tsx';
import { navigate } from '../../app/router.ts';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { automationsApi, type Template } from './automations-api.ts';
import { LANGUAGES } from '../../lib/format.ts';
import { Button, DataTable, EmptyState, ErrorState, ListIcon, PlusIcon, Skeleton, UserText, type DataTableColumn } from '../../ui/index.ts';
import { canWriteAutomations } from './automation-text.ts';
import { TemplateEditor } from './TemplateEditor.tsx';
import './automations.css';

export default function TemplatesPage({ templateId }: { templateId?: string }) {
  const t = useT();
  const session = useSession();
  const canWrite = canWriteAutomations(session);
  const templates = useQuery({ queryKey: ['templates'], queryFn: automationsApi.templates });
  const selected = templateId && templateId !== 'new' ? templates.data?.items.find((x) => x.id === templateId) : undefined;
  const prefs = usePrefs();
  const list = new Intl.ListFormat(prefs.language);
  const languagesOf = (content: Record<string, unknown>) => list.format(LANGUAGES.filter((l) => content[l]).map((l) => t(`language.${l}`)));
  const columns: DataTableColumn<Template>[] = [
    { id: 'name', header: t('templates.name'), isPrimary: true, cell: (x) => <UserText>{x.name}</UserText> },
    { id: 'languages', header: t('templates.languages'), hideHeader: true, className: 'muted', cell: (x) => languagesOf(x.content) },
  ];
  return (
    <div className="page">
      <header className="page-header">
        <h1>{t('templates.title')}</h1>
        <div className="page-actions">
          <Button variant="ghost" onPress={() => navigate('/engagement/automations')}>{t('automations.title')}</Button>
          {canWrite && <Button variant="primary" onPress={() => navigate('/engagement/templates/new')}><PlusIcon />{t('templates.new')}</Button>}
        </div>
      </header>
      {!canWrite && <p className="notice">{t('templates.readOnly')}</p>}
      <div className="templates-layout">
        <nav className="card" aria-labelledby="template-list-heading">
          <h2 id="template-list-heading">{t('templates.list')}</h2>
          {templates.data?.items.length === 0 ? <p className="muted">{t('templates.emptyList')}</p> : (
            <DataTable
              label={t('templates.list')}
              className="template-list"
              columns={columns}
              rows={templates.data?.items ?? []}
              rowKey={(x) => x.id}
              rowHref={(x) => `/engagement/templates/${x.id}`}
              isRowCurrent={(x) => x.id === templateId}
              isLoading={templates.isPending}
              skeletonRows={3}
              error={templates.isError ? { detail: templates.error.message, onRetry: () => void templates.refetch() } : null}
            />
          )}
        </nav>
        <div className="template-main">
          {templateId ? (
            templateId === 'new' || selected ? <TemplateEditor key={templateId} template={selected} canWrite={canWrite} /> : templates.isPending ? <Skeleton lines={6} /> : <ErrorState detail={t('templates.notFound')} />
          ) : (
            <EmptyState title={t('templates.emptyTitle')} icon={<ListIcon size={28} />}
              action={canWrite ? <Button variant="primary" onPress={() => navigate('/engagement/templates/new')}>{t('templates.new')}</Button> : undefined}>
              {t('templates.emptyBody')}
            </EmptyState>
          )}
        </div>
      </div>
    </div>
  );
}
