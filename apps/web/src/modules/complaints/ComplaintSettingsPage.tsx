// /complaints/settings: how complaints are measured and closed. SLA policies, business hours,
// holidays, teams, root causes, the closed loop and intake, one tab each. Managers change them;
// the other roles the server lets read them see them read-only.
import { useState } from 'react';
import { Tab, TabList, TabPanel, Tabs, type Key } from 'react-aria-components';
import { useSession } from '../../app/session.ts';
import { useT } from '../../i18n/useT.ts';
import { ComplaintTabs } from './complaint-tabs.tsx';
import { HolidaysSection, HoursSection } from './settings-calendar.tsx';
import { CausesSection } from './settings-causes.tsx';
import { LoopSection } from './settings-loop.tsx';
import { PoliciesSection } from './settings-policies.tsx';
import { TeamsSection } from './settings-teams.tsx';
import './complaint-settings.css';

const SECTIONS = ['policies', 'hours', 'holidays', 'teams', 'causes', 'loop'] as const;
type Section = (typeof SECTIONS)[number];

/** complaints:manage (access.ts): owners, admins and managers. */
export const canManageComplaintSettings = (role: string) => role === 'owner' || role === 'admin' || role === 'manager';

export default function ComplaintSettingsPage() {
  const t = useT();
  const session = useSession();
  const canEdit = canManageComplaintSettings(session.role);
  const [section, setSection] = useState<Section>(() => {
    const asked = new URLSearchParams(window.location.search).get('section');
    return (SECTIONS as readonly string[]).includes(asked ?? '') ? (asked as Section) : 'policies';
  });
  const choose = (key: Key) => {
    setSection(key as Section);
    const url = new URL(window.location.href);
    url.searchParams.set('section', String(key));
    window.history.replaceState(window.history.state, '', url);
  };
  return (
    <div className="page complaint-settings-page">
      <header className="page-header">
        <div>
          <h1>{t('complaints.settings.title')}</h1>
          <p className="muted page-intro">{canEdit ? t('complaints.settings.intro') : t('complaints.settings.readOnly')}</p>
        </div>
      </header>
      <ComplaintTabs current="settings" />
      <Tabs className="settings-tabs" selectedKey={section} onSelectionChange={choose}>
        <TabList className="cs-tab-list" aria-label={t('complaints.settings.sectionsLabel')}>
          {SECTIONS.map((s) => <Tab key={s} id={s} className="cs-tab">{t(`complaints.settings.section.${s}`)}</Tab>)}
        </TabList>
        <TabPanel id="policies" className="cs-tab-panel"><PoliciesSection canEdit={canEdit} /></TabPanel>
        <TabPanel id="hours" className="cs-tab-panel"><HoursSection canEdit={canEdit} /></TabPanel>
        <TabPanel id="holidays" className="cs-tab-panel"><HolidaysSection canEdit={canEdit} /></TabPanel>
        <TabPanel id="teams" className="cs-tab-panel"><TeamsSection canEdit={canEdit} /></TabPanel>
        <TabPanel id="causes" className="cs-tab-panel"><CausesSection canEdit={canEdit} /></TabPanel>
        <TabPanel id="loop" className="cs-tab-panel"><LoopSection canEdit={canEdit} /></TabPanel>
      </Tabs>
    </div>
  );
}
