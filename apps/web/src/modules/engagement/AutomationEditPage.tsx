import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { navigate } from '../../app/router.ts';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { ApiError, api } from '../../lib/api.ts';
import { automationsApi, type Automation } from './automations-api.ts';
import { ArrowBack, ErrorState, Skeleton, UserText } from '../../ui/index.ts';
import { AutomationDryRun } from './AutomationDryRun.tsx';
import { AutomationEditor } from './AutomationEditor.tsx';
import { AutomationRuns } from './AutomationRuns.tsx';
import { useRuleContext } from './automation-context.ts';
import { blankRule, fromView, type RuleDraft } from './automation-model.ts';
import { canWriteAutomations } from './automation-text.ts';
import { useRuleName } from './AutomationsPage.tsx';
import './automations.css';

export default function AutomationEditPage({ id }: { id?: string }) {
  const t = useT();
  const rule = useQuery({ queryKey: ['automation', id], queryFn: () => automationsApi.automation(id!), enabled: Boolean(id) });
  // Amounts are read into the editor in the workspace's unit (tomans or rials): know it first.
  const workspace = useQuery({ queryKey: ['workspace'], queryFn: api.workspace });
  if ((id && rule.isPending) || workspace.isPending) return <div className="page"><Skeleton lines={10} /></div>;
  if (id && rule.isError) {
    const missing = rule.error instanceof ApiError && rule.error.status === 404;
    return <div className="page"><ErrorState detail={missing ? t('automations.notFound') : rule.error.message} onRetry={missing ? undefined : () => void rule.refetch()} /></div>;
  }
  return <RulePage key={rule.data?.id ?? 'new'} rule={rule.data} />;
}

function RulePage({ rule }: { rule?: Automation }) {
  const t = useT();
  const session = useSession();
  const canWrite = canWriteAutomations(session);
  const ruleName = useRuleName();
  const initialContext = useRuleContext(rule?.trigger.type === 'event' ? rule.trigger.topic : null);
  const [draft, setDraft] = useState<RuleDraft>(() => (rule ? fromView(rule, initialContext) : blankRule()));
  const context = useRuleContext(draft.trigger.type === 'event' ? draft.trigger.topic : null);
  const title = rule ? ruleName(rule) : t('automations.new');

  const editor = (
    <div className="automation-layout">
      <AutomationEditor rule={rule} draft={draft} onDraftChange={setDraft} canWrite={canWrite}
        onSaved={(saved) => { if (!rule) navigate(`/engagement/automations/${saved.id}`, { replace: true }); }} />
      <AutomationDryRun draft={draft} context={context} />
    </div>
  );
  return (
    <div className="page">
      <Link href="/engagement/automations" className="back-link"><ArrowBack />{t('automations.title')}</Link>
      <header className="page-header"><h1><UserText>{title}</UserText></h1></header>
      {!canWrite && <p className="notice">{t('automations.readOnly')}</p>}
      {rule ? (
        <Tabs className="tabs">
          <TabList className="tab-list" aria-label={t('automations.sections')}>
            <Tab id="rule" className="tab">{t('automations.ruleTab')}</Tab>
            <Tab id="runs" className="tab">{t('automations.runsTab')}</Tab>
          </TabList>
          <TabPanel id="rule" className="tab-panel">{editor}</TabPanel>
          <TabPanel id="runs" className="tab-panel"><AutomationRuns ruleId={rule.id} /></TabPanel>
        </Tabs>
      ) : editor}
    </div>
  );
}
